package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"paperclip/store"
	"paperclip/store/storetest"
)

// MustOpen opens a real SQLite file in a temp dir, closed when the test ends. The
// optional Options carry a clock or hooks; storage and run-log dirs default to the
// temp dir.
func MustOpen(tb testing.TB, opts ...store.Options) *store.Store {
	tb.Helper()
	dir := tb.TempDir()
	var o store.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.StorageDir == "" {
		o.StorageDir = filepath.Join(dir, "storage")
	}
	if o.RunLogDir == "" {
		o.RunLogDir = filepath.Join(dir, "run-logs")
	}
	s, err := store.Open(context.Background(), filepath.Join(dir, "db", "paperclip.db"), o)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// boardCtx acts as the local board user, an instance admin.
func boardCtx() context.Context { return storetest.Board() }

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "paperclip.db")
	ctx := context.Background()
	s, err := store.Open(ctx, path, store.Options{})
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
	s, err = store.Open(ctx, path, store.Options{})
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
