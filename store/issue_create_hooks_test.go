package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"paperclip/store"
)

// writingWaker writes to the store from Wake, as the heartbeat runtime does when an
// assignment wakes an agent.
type writingWaker struct {
	s     *store.Store
	woken chan error
}

func (w *writingWaker) Wake(store.Wake) {
	_, err := w.s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some("Woken")})
	w.woken <- err
}

// TestCreateIssueHooksMayWrite: a create's hooks run after its commit and may write to
// the store; the create must have handed the writer connection back by then (an issue
// create holds it itself to keep its statement journal in memory, and holding it into
// the hooks hung the assigned-issue end-to-end test).
func TestCreateIssueHooksMayWrite(t *testing.T) {
	w := &writingWaker{woken: make(chan error, 4)}
	dir := t.TempDir()
	// Not MustOpen: a hung create holds the writer, and closing would hang the test too.
	s, err := store.Open(context.Background(), filepath.Join(dir, "paperclip.db"), store.Options{Waker: w,
		StorageDir: filepath.Join(dir, "storage"), RunLogDir: filepath.Join(dir, "run-logs")})
	if err != nil {
		t.Fatal(err)
	}
	w.s = s
	c := mustCompany(t, s, "Hooks")
	agent := insertAgent(t, s, c.ID, "Worker", "engineer", "idle")
	done := make(chan error, 1)
	go func() {
		_, err := s.CreateIssue(boardCtx(), c.ID, store.IssueInput{Title: store.Some("Wake the worker"),
			Status: store.Some("todo"), AssigneeAgentID: store.Some(agent)})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("CreateIssue did not return: its wake hook could not write")
	}
	defer s.Close()
	if err := <-w.woken; err != nil {
		t.Fatalf("the hook's write: %v", err)
	}
}
