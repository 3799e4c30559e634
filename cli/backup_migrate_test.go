package cli

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

func backupNames(t *testing.T, dir string) []string {
	t.Helper()
	return storetest.BackupNames(t, dir, "paperclip")
}

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
