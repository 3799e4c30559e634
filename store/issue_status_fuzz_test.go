package store_test

import (
	"fmt"
	"slices"
	"testing"

	"paperclip/store"
)

// statusModel is the transition table of issues.md §4 written out independently of
// the store's, so the fuzz target below checks the store against the spec.
var statusModel = map[string][]string{
	"backlog":     {"todo", "cancelled"},
	"todo":        {"in_progress", "blocked", "cancelled"},
	"in_progress": {"in_review", "blocked", "done", "cancelled"},
	"in_review":   {"in_progress", "done", "cancelled"},
	"blocked":     {"todo", "in_progress", "cancelled"},
	"done":        {"todo"},
	"cancelled":   {"todo"},
}

// FuzzIssueStatusMachine drives one issue through any sequence of board PATCHes
// (each byte picks a status, a reopen, or an unknown status) on a real store and
// checks every answer and every stored row against statusModel: allowed moves
// succeed, forbidden ones are 422 and change nothing, unknown statuses are 400, and
// the timestamps follow the status (completedAt only when done, cancelledAt only
// when cancelled, startedAt from the first in_progress on). Seeds:
// testdata/fuzz/FuzzIssueStatusMachine.
func FuzzIssueStatusMachine(f *testing.F) {
	s := MustOpen(f)
	ctx := boardCtx()
	company := mustCompany(f, s, "Fuzz Status")
	agent := insertAgent(f, s, company.ID, "Worker", "engineer", "idle")
	f.Fuzz(func(t *testing.T, steps []byte) {
		if len(steps) > 32 {
			steps = steps[:32]
		}
		created, err := s.CreateIssue(ctx, company.ID, store.IssueInput{Title: store.Some("machine"),
			Status: store.Some("backlog"), AssigneeAgentID: store.Some(agent), AllowDuplicate: store.Some(true)})
		if err != nil || created.Status != "backlog" {
			t.Fatalf("create: %s %v", created.Status, err)
		}
		cur, started := "backlog", false
		for i, b := range steps {
			var patch store.IssuePatch
			var wantCode string
			next := cur
			switch k := int(b) % (len(store.IssueStatuses) + 2); {
			case k < len(store.IssueStatuses):
				to := store.IssueStatuses[k]
				patch.Status = store.Some(to)
				if to != cur && !slices.Contains(statusModel[cur], to) {
					wantCode = store.EUNPROCESSABLE
				} else {
					next = to
				}
			case k == len(store.IssueStatuses):
				patch.Reopen = store.Some(true)
				if cur == "done" || cur == "cancelled" {
					next = "todo"
				}
			default:
				patch.Status = store.Some("archived")
				wantCode = store.EINVALID
			}
			_, err := s.UpdateIssue(ctx, created.ID, patch)
			step := fmt.Sprintf("step %d (%s, byte %d)", i, cur, b)
			if got := store.ErrorCode(err); got != wantCode {
				t.Fatalf("%s: error %v, want code %q", step, err, wantCode)
			}
			cur = next
			started = started || cur == "in_progress"
			is, err := s.FindIssueByID(ctx, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case is.Status != cur:
				t.Fatalf("%s: stored status %s, want %s", step, is.Status, cur)
			case (is.CompletedAt != nil) != (cur == "done"):
				t.Fatalf("%s: completedAt %v with status %s", step, is.CompletedAt, cur)
			case (is.CancelledAt != nil) != (cur == "cancelled"):
				t.Fatalf("%s: cancelledAt %v with status %s", step, is.CancelledAt, cur)
			case (is.StartedAt != nil) != started:
				t.Fatalf("%s: startedAt %v, ever started %v", step, is.StartedAt, started)
			}
		}
	})
}
