package server

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

// steppingClock returns a time one minute later on every call, so backups taken in
// quick succession get distinct names.
func steppingClock(start time.Time) func() time.Time {
	var n atomic.Int64
	return func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Minute) }
}

func backupNames(t *testing.T, dir string) []string {
	t.Helper()
	return storetest.BackupNames(t, dir, BackupPrefix)
}

// waitFor polls cond; the generous deadline only matters on a loaded machine, a passing
// condition returns at once.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// companies lists the company names in the database at dbPath, comma-separated.
func companies(t *testing.T, dbPath string) string {
	t.Helper()
	return strings.Join(storetest.CompanyNames(t, dbPath), ",")
}

func TestBackupLoop(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "db", "paperclip.db")
	backups := filepath.Join(dir, "backups")
	storetest.AddCompany(t, dbPath, "Acme")
	// The server keeps the database open while the loop runs.
	ctx := storetest.Board()
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	loop := &backupLoop{dbPath: dbPath, dir: backups, prefix: "paperclip", retentionDays: 30,
		interval: 150 * time.Millisecond, now: steppingClock(start), logger: logger, commits: st.CommitCount}
	loopCtx, cancelLoop := context.WithCancel(context.Background())
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		loop.run(loopCtx)
	}()
	stop := func() {
		cancelLoop()
		<-loopDone
	}
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()

	if n := len(backupNames(t, backups)); n != 0 {
		t.Fatalf("%d backups right at start; the first is due one interval later", n)
	}
	waitFor(t, "the first backup", func() bool { return len(backupNames(t, backups)) == 1 })
	time.Sleep(500 * time.Millisecond) // three more ticks with nothing written
	if got := backupNames(t, backups); len(got) != 1 {
		t.Fatalf("unchanged database backed up again: %v", got)
	}
	if _, err := st.CreateCompany(ctx, store.CompanyInput{Name: store.Some("Beta")}); err != nil {
		t.Fatal(err)
	}
	// A tick may read the commit count while Beta's commit is in flight and snapshot
	// without it; the count then differs on the next tick, which backs up again. So the
	// contract is "some later backup holds the write", not "exactly the second one".
	newest := func() string {
		names := backupNames(t, backups)
		if len(names) < 2 {
			return ""
		}
		tmp, _, err := store.PrepareRestore(context.Background(), filepath.Join(backups, names[0]), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return companies(t, tmp)
	}
	waitFor(t, "a backup holding the write", func() bool { return newest() == "Acme,Beta" })

	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
		stopped = true
	case <-time.After(30 * time.Second):
		t.Fatal("loop did not stop on cancel")
	}
	kept := len(backupNames(t, backups))
	if kept < 2 || kept > 3 {
		t.Fatalf("backups after stop: %v (want the first, the write's, at most one in-flight extra)", backupNames(t, backups))
	}
	if got := newest(); got != "Acme,Beta" {
		t.Fatalf("newest backup holds %q", got)
	}

	// A failing backup leaves the marker with the error; the next success removes it
	// and prunes.
	junk := filepath.Join(dir, "junk.db")
	mustWrite(t, junk, strings.Repeat("not a database ", 100))
	bad := &backupLoop{dbPath: junk, dir: backups, prefix: "paperclip", retentionDays: 30,
		interval: time.Hour, now: steppingClock(start.Add(time.Hour)), logger: logger}
	if took, err := bad.tick(context.Background()); took || err == nil {
		t.Fatalf("tick on junk: took=%v err=%v", took, err)
	}
	marker := mustRead(t, filepath.Join(backups, BackupFailedMarker))
	if !strings.HasPrefix(marker, "2026-11-22T11:01:00.000Z ") || !strings.Contains(marker, "snapshot database") {
		t.Fatalf("marker %q", marker)
	}
	for d := 40; d <= 43; d++ {
		mustWrite(t, filepath.Join(backups, store.BackupName("paperclip", start.AddDate(0, 0, -d))), "old")
	}
	good := &backupLoop{dbPath: dbPath, dir: backups, prefix: "paperclip", retentionDays: 30,
		interval: time.Hour, now: steppingClock(start.Add(2 * time.Hour)), logger: logger}
	if took, err := good.tick(context.Background()); !took || err != nil {
		t.Fatalf("recovery tick: took=%v err=%v", took, err)
	}
	if _, err := os.Stat(filepath.Join(backups, BackupFailedMarker)); !os.IsNotExist(err) {
		t.Error("marker survived a successful backup")
	}
	// The loop's backups stay (the in-flight extra among them) and the recovery adds one.
	if got := backupNames(t, backups); len(got) != kept+1 || strings.Contains(strings.Join(got, " "), "202610") {
		t.Fatalf("old backups not pruned: %v (want the %d recent ones and the recovery's)", got, kept)
	}
}
