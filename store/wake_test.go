package store_test

import (
	"testing"

	"paperclip/store"
)

// TestWakeSeam: wakes carry their payload, are merged per agent, and are delivered
// only for committed work.
func TestWakeSeam(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{Waker: rec})
	board := boardCtx()
	c := mustCompany(t, s, "Wake")
	dev := insertAgent(t, s, c.ID, "Dev", "engineer", "idle")
	is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("w")})
	// A failing PATCH that would have assigned (and so woken) dev delivers nothing.
	_, err := s.UpdateIssue(board, is.ID, store.IssuePatch{AssigneeAgentID: store.Some(dev), Status: store.Some("done")})
	wantCode(t, err, store.EUNPROCESSABLE, "backlog -> done")
	if len(rec.wakes) != 0 {
		t.Fatalf("rolled-back request woke %v", rec.wakes)
	}
	up := mustPatch(t, s, board, is.ID, store.IssuePatch{AssigneeAgentID: store.Some(dev), Status: store.Some("todo"),
		Comment: store.Some("yours @dev")})
	if len(rec.wakes) != 1 {
		t.Fatalf("want one merged wake, got %+v", rec.wakes)
	}
	w := rec.wakes[0]
	if w.AgentID != dev || w.CompanyID != c.ID || w.IssueID != is.ID || w.Reason != store.WakeIssueAssigned || w.Source != store.WakeSourceAssignment ||
		w.Payload["issueId"] != is.ID || w.Payload["mutation"] != "update" || w.Payload["commentId"] != up.Comment.ID ||
		w.CommentID != up.Comment.ID || w.RequestedByActorType != "user" || w.RequestedByActorID != store.LocalBoardUserID {
		t.Fatalf("wake %+v", w)
	}
}
