package store_test

import (
	"fmt"
	"testing"

	"paperclip/store"
)

// BenchmarkGoalTreeList1k lists a company's 1 000 goals: a tree ten wide at the top,
// every goal under one of the earlier ones.
func BenchmarkGoalTreeList1k(b *testing.B) {
	s := MustOpen(b)
	ctx := boardCtx()
	c := mustCompany(b, s, "Tree Co")
	var ids []string
	for i := 0; i < 1000; i++ {
		in := store.GoalInput{Title: store.Some(fmt.Sprintf("Goal %d", i)), Level: store.Some("task")}
		if i >= 10 {
			in.ParentID = store.Some(ids[(i-10)/10])
		} else {
			in.Level = store.Some("company")
		}
		ids = append(ids, mustGoal(b, s, c.ID, in).ID)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		gs, err := s.FindGoals(ctx, store.GoalFilter{CompanyID: c.ID})
		if err != nil || len(gs) != 1000 {
			b.Fatalf("%d goals, %v", len(gs), err)
		}
	}
}

// BenchmarkGoalReparent1k moves the leaf of a 1 000-deep chain between two parents.
func BenchmarkGoalReparent1k(b *testing.B) {
	s := MustOpen(b)
	ctx := boardCtx()
	c := mustCompany(b, s, "Deep Co")
	parent := ""
	var ids []string
	for i := 0; i < 1000; i++ {
		in := store.GoalInput{Title: store.Some(fmt.Sprintf("Goal %d", i))}
		if parent != "" {
			in.ParentID = store.Some(parent)
		}
		parent = mustGoal(b, s, c.ID, in).ID
		ids = append(ids, parent)
	}
	// Each PATCH walks the 1 000-deep chain looking for a cycle.
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		if _, err := s.UpdateGoal(ctx, ids[999], store.GoalInput{ParentID: store.Some(ids[998-i%2])}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApprovalCreateApprove files an agent's approval with a linked issue and
// has the board approve it: two transactions, activity, the requester's wake.
func BenchmarkApprovalCreateApprove(b *testing.B) {
	s := MustOpen(b, store.Options{Waker: &recorder{}})
	board := boardCtx()
	c := mustCompany(b, s, "Approve Co")
	ceo := insertAgent(b, s, c.ID, "Chief", "ceo", "idle")
	ceoCtx := agentCtx(c.ID, ceo, "")
	is := mustIssue(b, s, board, c.ID, store.IssueInput{Title: store.Some("linked")})
	b.ReportAllocs()
	for b.Loop() {
		ap, err := s.CreateApproval(ceoCtx, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalCEOStrategy),
			Payload: store.Some(map[string]any{"title": "Plan", "plan": "ship"}), IssueIDs: store.Some([]string{is.ID})})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.DecideApproval(board, ap.ID, store.ApprovalApproved, store.DecisionInput{}); err != nil {
			b.Fatal(err)
		}
	}
}
