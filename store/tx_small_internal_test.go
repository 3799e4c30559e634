package store

import (
	"context"
	"testing"
)

// TestWriteSmallLeavesTheConnectionAsItWas: writeSmall turns temp_store to MEMORY only
// for the transaction it begins; the writer connection is back at its default inside
// that transaction already and for every later write, also when the begin fails.
func TestWriteSmallLeavesTheConnectionAsItWas(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	tempStore := func(q querier) int {
		t.Helper()
		var v int
		if err := q.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := tempStore(s.writer); v != 0 {
		t.Fatalf("writer temp_store %d before any write, want 0 (default)", v)
	}
	inside := -1
	if err := s.writeSmall(ctx, func(tx *Tx) error {
		inside = tempStore(tx)
		_, err := tx.ExecContext(tx.ctx, `UPDATE instance_settings SET updated_at = updated_at`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if inside != 0 {
		t.Errorf("temp_store %d inside the transaction, want 0 (set back once begun)", inside)
	}
	board := boardActor(ctx)
	c, err := s.CreateCompany(board, CompanyInput{Name: Some("Small")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateIssue(board, c.ID, IssueInput{Title: Some("one")}); err != nil {
		t.Fatal(err)
	}
	if v := tempStore(s.writer); v != 0 {
		t.Errorf("writer temp_store %d after a create, want 0", v)
	}
	cancelled, cancel := context.WithCancel(board)
	cancel()
	if _, err := s.CreateIssue(cancelled, c.ID, IssueInput{Title: Some("two")}); err == nil {
		t.Fatal("create with a cancelled context succeeded")
	}
	if v := tempStore(s.writer); v != 0 {
		t.Errorf("writer temp_store %d after a failed begin, want 0", v)
	}
	if _, err := s.CreateIssue(board, c.ID, IssueInput{Title: Some("three")}); err != nil {
		t.Fatalf("create after a failed begin: %v", err)
	}
}
