package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSynchronousOptionReachesTheWriter: the writer runs with the synchronous level
// the options ask for (1 = NORMAL, 2 = FULL), the default is NORMAL, and an unknown
// level is refused before any file is touched.
func TestSynchronousOptionReachesTheWriter(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		opt   string
		want  int
		named string
	}{{"", 1, SyncNormal}, {"normal", 1, SyncNormal}, {"FULL", 2, SyncFull}, {" full ", 2, SyncFull}} {
		s, err := Open(ctx, filepath.Join(t.TempDir(), "paperclip.db"), Options{Synchronous: tc.opt})
		if err != nil {
			t.Fatalf("%q: %v", tc.opt, err)
		}
		// Several writes, so a pooled writer connection opened later is checked too.
		for range 3 {
			var got int
			if err := s.writer.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&got); err != nil || got != tc.want {
				t.Errorf("%q: PRAGMA synchronous = %d (%v), want %d", tc.opt, got, err, tc.want)
			}
		}
		if s.Synchronous() != tc.named {
			t.Errorf("%q: Synchronous() = %q", tc.opt, s.Synchronous())
		}
		s.Close()
	}
	dir := t.TempDir()
	if _, err := Open(ctx, filepath.Join(dir, "db", "paperclip.db"), Options{Synchronous: "OFF"}); err == nil {
		t.Fatal("synchronous OFF accepted")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 0 {
		t.Fatalf("a refused open created %v", m)
	}
}
