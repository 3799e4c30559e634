package store_test

import (
	"context"
	"testing"

	"paperclip/store"
)

// TestClaimRechecksTheGates: a queued run whose agent can no longer run when the
// claim comes is cancelled with the reason instead of started, and its issue lock is
// released in the same transaction (runtime.md §5).
func TestClaimRechecksTheGates(t *testing.T) {
	s := MustOpen(t)
	c := mustCompany(t, s, "Claims")
	ctx := context.Background()
	for _, tc := range []struct {
		name, status, pauseReason, code, msg string
	}{
		{"budget pause", "paused", "budget", "budget_blocked", "Agent is paused because its budget hard-stop was reached."},
		{"terminated", "terminated", "", "agent_not_invokable", "Agent is not invokable in its current state"},
		{"manual pause", "paused", "manual", "agent_not_invokable", "Agent is not invokable in its current state"},
	} {
		a := insertAgent(t, s, c.ID, "Claimer "+tc.name, "engineer", "idle")
		is := mustIssue(t, s, boardCtx(), c.ID, store.IssueInput{Title: store.Some("Claim " + tc.name)}).ID
		out, err := s.EnqueueWake(boardCtx(), store.WakeRequest{AgentID: a, Source: "on_demand",
			Payload: map[string]any{"issueId": is}})
		if err != nil || out.Run == nil {
			t.Fatalf("%s: enqueue %+v %v", tc.name, out, err)
		}
		// Behind the routes' backs, which would have cancelled the run themselves.
		rawExec(t, s, `UPDATE agents SET status = ?, pause_reason = NULLIF(?, '') WHERE id = ?`, tc.status, tc.pauseReason, a)
		settled, err := s.ClaimRun(ctx, out.Run.ID)
		if err != nil || settled.Claimed || settled.Run.Status != store.RunCancelled ||
			str(settled.Run.ErrorCode) != tc.code || str(settled.Run.Error) != tc.msg {
			t.Fatalf("%s: claim %+v %v", tc.name, settled.Run, err)
		}
		got, _ := s.FindIssueByID(ctx, is)
		if got.ExecutionRunID != nil {
			t.Errorf("%s: issue still locked by the refused run", tc.name)
		}
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
