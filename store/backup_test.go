package store_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

var backupNow = time.Date(2026, 11, 22, 10, 30, 45, 0, time.UTC)

// gunzipTo decompresses a backup into a plain file and returns its path.
func gunzipTo(t *testing.T, gz string) string {
	t.Helper()
	in, err := os.Open(gz)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatalf("backup is not gzip: %v", err)
	}
	out := filepath.Join(t.TempDir(), "restored.db")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, zr); err != nil {
		t.Fatalf("decompress: %v", err)
	}
	f.Close()
	return out
}

// TestBackupWhileOpen snapshots a database that a store still has open (its latest
// write only in the WAL) and checks the gzip holds a sound copy with that write.
func TestBackupWhileOpen(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	if _, err := s.CreateCompany(ctx, store.CompanyInput{Name: store.Some("Acme")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCompany(ctx, store.CompanyInput{Name: store.Some("Beta")}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	file, size, err := store.Backup(context.Background(), s.Path(), dir, "paperclip", backupNow)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "paperclip-20261122-103045.db.gz"); file != want {
		t.Fatalf("file %s, want %s", file, want)
	}
	info, err := os.Stat(file)
	if err != nil || info.Size() != size || size == 0 {
		t.Fatalf("stat %v size %d reported %d", err, info.Size(), size)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode %o, want 600", mode)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	plain := gunzipTo(t, file)
	if err := store.QuickCheck(context.Background(), plain); err != nil {
		t.Fatalf("quick_check of the backup: %v", err)
	}
	if got := strings.Join(storetest.CompanyNames(t, plain), ","); got != "Acme,Beta" {
		t.Fatalf("companies in backup %q", got)
	}

	// The store keeps working after the snapshot.
	if _, err := s.CreateCompany(ctx, store.CompanyInput{Name: store.Some("Gamma")}); err != nil {
		t.Fatalf("write after backup: %v", err)
	}
}

func TestBackupWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	_, _, err := store.Backup(context.Background(), filepath.Join(dir, "none.db"), filepath.Join(dir, "b"), "paperclip", backupNow)
	if !errors.Is(err, store.ErrNoDatabase) {
		t.Fatalf("err %v, want ErrNoDatabase", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Fatal("backup created the database")
	}
}

func touchBackup(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func listNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestPruneKeepsNewestThreeAndDeletesByAge(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	// Five old backups (40..44 days) and one other prefix, plus an unrelated file.
	for d := 40; d <= 44; d++ {
		touchBackup(t, dir, store.BackupName("paperclip", now.AddDate(0, 0, -d)))
	}
	touchBackup(t, dir, store.BackupName("other", now.AddDate(0, 0, -90)))
	touchBackup(t, dir, "notes.txt")

	n, err := store.PruneBackups(dir, "paperclip", 30, now)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d err %v, want 2", n, err)
	}
	want := []string{"notes.txt", "other-20260824-120000.db.gz",
		"paperclip-20261011-120000.db.gz", "paperclip-20261012-120000.db.gz", "paperclip-20261013-120000.db.gz"}
	if got := listNames(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("left %v\nwant %v", got, want)
	}

	// With fresh backups the old ones go: only age within retention protects beyond 3.
	for d := 0; d < 4; d++ {
		touchBackup(t, dir, store.BackupName("paperclip", now.AddDate(0, 0, -d)))
	}
	touchBackup(t, dir, store.BackupName("paperclip-pre-migrate-1", now.AddDate(0, 0, -29)))
	n, err = store.PruneBackups(dir, "paperclip", 30, now)
	if err != nil || n != 3 {
		t.Fatalf("second prune: %d %v, want 3", n, err)
	}
	files, _ := store.ListBackups(dir, "paperclip")
	var got []string
	for _, f := range files {
		got = append(got, f.Name)
	}
	want = []string{"paperclip-20261122-120000.db.gz", "paperclip-20261121-120000.db.gz",
		"paperclip-20261120-120000.db.gz", "paperclip-20261119-120000.db.gz", "paperclip-pre-migrate-1-20261024-120000.db.gz"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("newest first: %v\nwant %v", got, want)
	}
}

func TestRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "db", "paperclip.db")
	s, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some("Acme")}); err != nil {
		t.Fatal(err)
	}
	file, _, err := store.Backup(ctx, dbPath, filepath.Join(dir, "backups"), "paperclip", backupNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some("Later")}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	tmp, version, err := store.PrepareRestore(ctx, file, filepath.Dir(dbPath))
	if err != nil || version != store.SchemaVersion() {
		t.Fatalf("prepare: v%d %v", version, err)
	}
	prev, err := store.ReplaceDatabase(ctx, dbPath, tmp, backupNow)
	if err != nil {
		t.Fatal(err)
	}
	if prev != dbPath+".before-restore-20261122-103045" {
		t.Fatalf("previous %s", prev)
	}
	if got := strings.Join(storetest.CompanyNames(t, dbPath), ","); got != "Acme" {
		t.Fatalf("restored companies %q", got)
	}
	if got := strings.Join(storetest.CompanyNames(t, prev), ","); got != "Acme,Later" {
		t.Fatalf("previous database holds %q", got)
	}

	// Garbage and newer schemas are refused before anything is replaced.
	junk := filepath.Join(dir, "junk.db.gz")
	os.WriteFile(junk, []byte{0x1f, 0x8b, 0, 1, 2, 3}, 0o600)
	if _, _, err := store.PrepareRestore(ctx, junk, filepath.Dir(dbPath)); !errors.Is(err, store.ErrBackupCorrupt) {
		t.Fatalf("junk: %v", err)
	}
	db, _ := sql.Open("sqlite", "file:"+dbPath)
	db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')`)
	db.Close()
	newer, _, err := store.Backup(ctx, dbPath, filepath.Join(dir, "backups"), "newer", backupNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.PrepareRestore(ctx, newer, filepath.Dir(dbPath)); !errors.Is(err, store.ErrBackupTooNew) {
		t.Fatalf("newer schema: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dbPath))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".restore-") {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
}
