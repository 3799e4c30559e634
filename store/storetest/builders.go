package storetest

import (
	"testing"
	"time"

	"paperclip/store"
)

// Company creates a company named name as the board and returns it.
func Company(t testing.TB, st *store.Store, name string) store.Company {
	t.Helper()
	c, err := st.CreateCompany(Board(), store.CompanyInput{Name: store.Some(name)})
	if err != nil {
		t.Fatalf("storetest.Company %q: %v", name, err)
	}
	return c
}

// Agent creates an idle agent named name in the company as the board. in may set any
// other create field; its Name is overwritten.
func Agent(t testing.TB, st *store.Store, companyID, name string, in ...store.AgentInput) store.Agent {
	t.Helper()
	var body store.AgentInput
	if len(in) > 0 {
		body = in[0]
	}
	body.Name = store.Some(name)
	a, err := st.CreateAgent(Board(), companyID, body)
	if err != nil {
		t.Fatalf("storetest.Agent %q: %v", name, err)
	}
	return a
}

// Issue creates an issue titled title in the company as the board and returns it.
// Duplicate titles are allowed, so a test may create several alike. in may set any
// other create field (status, assignee, parent...); its Title is overwritten.
func Issue(t testing.TB, st *store.Store, companyID, title string, in ...store.IssueInput) store.Issue {
	t.Helper()
	var body store.IssueInput
	if len(in) > 0 {
		body = in[0]
	}
	body.Title = store.Some(title)
	if !body.AllowDuplicate.Set {
		body.AllowDuplicate = store.Some(true)
	}
	created, err := st.CreateIssue(Board(), companyID, body)
	if err != nil {
		t.Fatalf("storetest.Issue %q: %v", title, err)
	}
	return created.Issue
}

// Run creates a heartbeat run of the agent with the given status. finishedAgo >= 0
// sets finished_at that long before the store's clock reads now; a negative
// finishedAgo leaves it null, as for a live run.
func Run(t testing.TB, st *store.Store, a store.Agent, status string, finishedAgo time.Duration) store.HeartbeatRun {
	t.Helper()
	in := store.RunInput{CompanyID: a.CompanyID, AgentID: a.ID, Status: status}
	if finishedAgo >= 0 {
		at := st.Now().Add(-finishedAgo)
		in.FinishedAt = &at
	}
	r, err := st.CreateHeartbeatRun(Board(), in)
	if err != nil {
		t.Fatalf("storetest.Run: %v", err)
	}
	return r
}
