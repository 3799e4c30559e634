package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"paperclip/store"
)

// MustOpen opens a real SQLite file in a temp dir, closed when the test ends.
func MustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	dir := tb.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "db", "paperclip.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	s.StorageDir = filepath.Join(dir, "storage")
	s.RunLogDir = filepath.Join(dir, "run-logs")
	tb.Cleanup(func() { s.Close() })
	return s
}

func boardCtx() context.Context {
	return store.NewContextWithActor(context.Background(), store.Actor{Kind: store.ActorBoard, Source: "local_implicit", UserID: store.LocalBoardUserID, InstanceAdmin: true})
}

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "paperclip.db")
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Applied != store.MigrationCount() || s.Applied == 0 {
		t.Fatalf("applied %d migrations, want %d", s.Applied, store.MigrationCount())
	}
	s.Close()
	v, pending, err := store.PendingMigrations(ctx, path)
	if err != nil || pending != 0 || v != store.SchemaVersion() {
		t.Fatalf("pending after migrate: v=%d pending=%d err=%v", v, pending, err)
	}
	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Applied != 0 {
		t.Fatalf("reopen applied %d migrations, want 0", s.Applied)
	}
	if err := store.QuickCheck(ctx, path); err != nil {
		t.Fatal(err)
	}
}

func TestPendingMigrationsOnMissingFile(t *testing.T) {
	v, pending, err := store.PendingMigrations(context.Background(), filepath.Join(t.TempDir(), "none.db"))
	if err != nil || v != 0 || pending != store.MigrationCount() {
		t.Fatalf("got v=%d pending=%d err=%v", v, pending, err)
	}
}
