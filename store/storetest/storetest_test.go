package storetest_test

import (
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

func TestClockIsFixedUntilAdvanced(t *testing.T) {
	st, clock := storetest.Open(t)
	c := storetest.Company(t, st, "Acme")
	if c.CreatedAt != store.FormatTime(storetest.Start()) {
		t.Fatalf("createdAt %s, want the clock's start %s", c.CreatedAt, store.FormatTime(storetest.Start()))
	}
	clock.Advance(time.Hour)
	a := storetest.Agent(t, st, c.ID, "Dev")
	if want := store.FormatTime(storetest.Start().Add(time.Hour)); a.CreatedAt != want {
		t.Fatalf("agent createdAt %s, want %s", a.CreatedAt, want)
	}
}

func TestBuildersGoThroughTheStore(t *testing.T) {
	st, _ := storetest.Open(t)
	c := storetest.Company(t, st, "Acme")
	a := storetest.Agent(t, st, c.ID, "Dev")
	is := storetest.Issue(t, st, c.ID, "Fix it", store.IssueInput{Status: store.Some("todo"), AssigneeAgentID: store.Some(a.ID)})
	twin := storetest.Issue(t, st, c.ID, "Fix it")
	if is.Identifier != c.IssuePrefix+"-1" || twin.Identifier != c.IssuePrefix+"-2" {
		t.Fatalf("identifiers %s %s (prefix %s)", is.Identifier, twin.Identifier, c.IssuePrefix)
	}
	if is.AssigneeAgentID == nil || *is.AssigneeAgentID != a.ID || is.Status != "todo" {
		t.Fatalf("issue %+v", is)
	}
	acts, err := st.FindActivity(storetest.Board(), store.ActivityFilter{CompanyID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, x := range acts {
		seen[x.Action] = true
	}
	for _, want := range []string{"company.created", "agent.created", "issue.created"} {
		if !seen[want] {
			t.Errorf("no %s activity; got %v", want, seen)
		}
	}
}

func TestRunBuilder(t *testing.T) {
	st, _ := storetest.Open(t)
	c := storetest.Company(t, st, "Acme")
	a := storetest.Agent(t, st, c.ID, "Dev")
	live := storetest.Run(t, st, a, store.RunRunning, -1)
	done := storetest.Run(t, st, a, store.RunSucceeded, time.Minute)
	if live.Status != "running" || live.FinishedAt != nil || live.InvocationSource != "on_demand" {
		t.Fatalf("live run %+v", live)
	}
	if want := store.FormatTime(storetest.Start().Add(-time.Minute)); done.FinishedAt == nil || *done.FinishedAt != want {
		t.Fatalf("finishedAt %v, want %s", done.FinishedAt, want)
	}
	got, err := st.FindHeartbeatRunByID(storetest.Board(), live.ID)
	if err != nil || got.AgentID != a.ID || got.CompanyID != c.ID {
		t.Fatalf("read back %+v %v", got, err)
	}
}
