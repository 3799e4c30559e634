package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"paperclip/store"
)

// steppingClock returns a time one minute later on every call, so backups taken in
// quick succession get distinct names.
func steppingClock(start time.Time) func() time.Time {
	var n atomic.Int64
	return func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Minute) }
}

func backupNames(t *testing.T, dir string) []string {
	t.Helper()
	files, err := store.ListBackups(dir, "paperclip")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

// waitFor polls cond for up to 2 s.
// waitFor polls cond; the generous deadline only matters on a loaded machine (CI runs
// the suite under -race on two cores), a passing condition returns at once.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBackupLoop(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "db", "paperclip.db")
	backups := filepath.Join(dir, "backups")
	seedDB(t, dbPath)
	// The server keeps the database open while the loop runs.
	ctx := store.NewContextWithActor(context.Background(), store.Actor{Kind: store.ActorBoard, Source: "local_implicit",
		UserID: store.LocalBoardUserID, InstanceAdmin: true})
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	loop := &backupLoop{dbPath: dbPath, dir: backups, prefix: "paperclip", retentionDays: 30,
		interval: 150 * time.Millisecond, now: steppingClock(start), logger: logger}
	stop := loop.start(context.Background())
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
	waitFor(t, "a backup after a write", func() bool { return len(backupNames(t, backups)) == 2 })

	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
		stopped = true
	case <-time.After(30 * time.Second):
		t.Fatal("loop did not stop on cancel")
	}
	names := backupNames(t, backups)
	if len(names) != 2 {
		t.Fatalf("backups after stop: %v", names)
	}
	tmp, _, err := store.PrepareRestore(context.Background(), filepath.Join(backups, names[0]), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got := companies(t, tmp); got != "Acme,Beta" {
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
	marker := mustRead(t, filepath.Join(backups, backupFailedMarker))
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
	if _, err := os.Stat(filepath.Join(backups, backupFailedMarker)); !os.IsNotExist(err) {
		t.Error("marker survived a successful backup")
	}
	if got := backupNames(t, backups); len(got) != 3 || strings.Contains(strings.Join(got, " "), "202610") {
		t.Fatalf("old backups not pruned: %v", got)
	}
}

// TestBackupBeforeMigrate takes the pre-migration backup only for an existing database
// with pending migrations, named after the version it migrates from.
func TestBackupBeforeMigrate(t *testing.T) {
	e, _, dbPath, dir := dbInstance(t)
	a := newApp(strings.NewReader(""), io.Discard, io.Discard)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	a.now = func() time.Time { return e.now }
	inst, set, err := a.instanceSettings("")
	if err != nil || inst.ID != "default" {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()

	// Current schema: nothing to do.
	if file, err := a.backupBeforeMigrate(ctx, set, logger); file != "" || err != nil {
		t.Fatalf("current schema: %q %v", file, err)
	}
	a.pendingMigrations = func(context.Context, string) (int, int, error) { return 1, 2, nil }
	file, err := a.backupBeforeMigrate(ctx, set, logger)
	if want := filepath.Join(dir, "paperclip-pre-migrate-1-20261122-100000.db.gz"); file != want || err != nil {
		t.Fatalf("pending: %q %v, want %s", file, err, want)
	}
	if tmp, _, err := store.PrepareRestore(ctx, file, t.TempDir()); err != nil || companies(t, tmp) != "Acme" {
		t.Fatalf("pre-migration backup unusable: %v", err)
	}
	// A brand-new database (version 0) has nothing to protect.
	a.pendingMigrations = func(context.Context, string) (int, int, error) { return 0, 1, nil }
	if file, err := a.backupBeforeMigrate(ctx, set, logger); file != "" || err != nil {
		t.Fatalf("new database: %q %v", file, err)
	}
	// A failed backup stops the migration.
	a.pendingMigrations = func(context.Context, string) (int, int, error) { return 1, 1, nil }
	set.Server.BackupDir = filepath.Join(dbPath, "not-a-dir")
	if _, err := a.backupBeforeMigrate(ctx, set, logger); err == nil || !strings.Contains(err.Error(), "before migrating") {
		t.Fatalf("failed backup: %v", err)
	}
	// Disabled backups: migrate without one.
	set.Server.BackupEnabled = false
	if file, err := a.backupBeforeMigrate(ctx, set, logger); file != "" || err != nil {
		t.Fatalf("disabled: %q %v", file, err)
	}
}

// TestRunTakesBackups drives `paperclip run` in process: the pre-migration backup is
// taken before the store opens and the loop writes a backup while the server runs.
func TestRunTakesBackups(t *testing.T) {
	t.Setenv(jwtSecretKey, "") // run exports .env values to the process for agents
	e, _, _, dir := dbInstance(t)
	e.env["PORT"] = "0"
	var out, errb lockedBuffer
	a := newApp(strings.NewReader(""), &out, &errb)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	a.backupInterval = 100 * time.Millisecond
	a.pendingMigrations = func(context.Context, string) (int, int, error) { return 1, 1, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- a.main(ctx, []string{"run", "--no-open"}) }()

	banner := regexp.MustCompile(`URL +http://127\.0\.0\.1:\d+\n`)
	waitFor(t, "the banner", func() bool {
		select {
		case code := <-done:
			t.Fatalf("run exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
		default:
		}
		return banner.MatchString(out.String())
	})
	if !strings.Contains(out.String(), "Pre-migration backup written: "+filepath.Join(dir, "paperclip-pre-migrate-1-")) {
		t.Fatalf("no pre-migration backup line:\n%s", out.String())
	}
	waitFor(t, "a loop backup", func() bool {
		for _, n := range backupNames(t, dir) {
			if !strings.Contains(n, "pre-migrate") {
				return true
			}
		}
		return false
	})
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after cancel\nstderr:\n%s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
}
