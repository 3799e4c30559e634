package store_test

import (
	"testing"
	"time"

	"paperclip/store"
)

// An issue's cost summary covers the issue and every descendant (or the descendants
// only), and nothing else: not a sibling, not another company's spend. Runs count
// whether or not they finished; only finished ones add to the runtime.
func TestIssueCostSummaryCoversTheSubtree(t *testing.T) {
	s := MustOpen(t, store.Options{})
	ctx := boardCtx()
	c := mustCompany(t, s, "Tree Co")
	other := mustCompany(t, s, "Other Co")
	a := insertAgent(t, s, c.ID, "Coster", "engineer", "idle")
	b := insertAgent(t, s, other.ID, "Elsewhere", "engineer", "idle")
	issue := func(companyID, title, parent string) string {
		in := store.IssueInput{Title: store.Some(title)}
		if parent != "" {
			in.ParentID = store.Some(parent)
		}
		return mustIssue(t, s, ctx, companyID, in).ID
	}
	root := issue(c.ID, "Root", "")
	child := issue(c.ID, "Child", root)
	grandchild := issue(c.ID, "Grandchild", child)
	sibling := issue(c.ID, "Sibling", "")
	away := issue(other.ID, "Away", "")
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	charge := func(companyID, agentID, issueID string, cents int64) {
		t.Helper()
		if _, err := s.CreateCostEvent(ctx, companyID, store.CostEventInput{AgentID: store.Some(agentID), IssueID: store.Some(issueID),
			Provider: store.Some("anthropic"), Model: store.Some("claude"), CostCents: store.Some(cents),
			InputTokens: store.Some(cents * 10), OccurredAt: store.Some(store.FormatTime(at))}); err != nil {
			t.Fatal(err)
		}
	}
	charge(c.ID, a, root, 100)
	charge(c.ID, a, child, 20)
	charge(c.ID, a, grandchild, 3)
	charge(c.ID, a, sibling, 1000)
	charge(other.ID, b, away, 5000)
	db := rawDB(t, s)
	run := func(companyID, agentID, issueID string, seconds int) {
		t.Helper()
		id := store.NewID()
		var finished any
		if seconds > 0 {
			finished = store.FormatTime(at.Add(time.Duration(seconds) * time.Second))
		}
		mustExec(t, db, `INSERT INTO heartbeat_runs (id, company_id, agent_id, issue_id, status, started_at, finished_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'succeeded', ?, ?, ?, ?)`, id, companyID, agentID, issueID, store.FormatTime(at), finished, fixtureTime, fixtureTime)
	}
	run(c.ID, a, root, 2)
	run(c.ID, a, grandchild, 3)
	run(c.ID, a, grandchild, 0) // still running: counted, no runtime
	run(c.ID, a, sibling, 10)
	run(other.ID, b, away, 60)

	cases := []struct {
		name                     string
		issue                    string
		excludeRoot              bool
		issues, cents, runs, rms int64
	}{
		{"root and descendants", root, false, 3, 123, 3, 5000},
		{"descendants only", root, true, 2, 23, 2, 3000},
		{"a middle issue", child, false, 2, 23, 2, 3000},
		{"a leaf", grandchild, false, 1, 3, 2, 3000},
		{"a leaf without itself", grandchild, true, 0, 0, 0, 0},
	}
	for _, tc := range cases {
		got, err := s.FindIssueCostSummary(ctx, tc.issue, tc.excludeRoot)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.IssueCount != tc.issues || got.CostCents != tc.cents || got.InputTokens != tc.cents*10 || got.RunCount != tc.runs || got.RuntimeMs != tc.rms {
			t.Errorf("%s: issues %d, cents %d, input tokens %d, runs %d, runtime %d ms; want %d, %d, %d, %d, %d", tc.name,
				got.IssueCount, got.CostCents, got.InputTokens, got.RunCount, got.RuntimeMs, tc.issues, tc.cents, tc.cents*10, tc.runs, tc.rms)
		}
	}
}
