package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

// dbInstance onboards the default instance and seeds its database with company Acme.
func dbInstance(t *testing.T) (e *cliEnv, root, dbPath, backupDir string) {
	t.Helper()
	e = newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	root = e.instDir("default")
	dbPath = filepath.Join(root, "db", "paperclip.db")
	seedDB(t, dbPath, nil)
	return e, root, dbPath, filepath.Join(root, "data", "backups")
}

// companies lists the company names in the database at dbPath, comma-separated.
func companies(t *testing.T, dbPath string) string {
	t.Helper()
	return strings.Join(storetest.CompanyNames(t, dbPath), ",")
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

func TestDBBackupHumanOutput(t *testing.T) {
	e, _, dbPath, dir := dbInstance(t)
	r := e.mustRun("", "db:backup")
	file := filepath.Join(dir, "paperclip-20261122-100000.db.gz")
	want := fmt.Sprintf("Backup written: %s (%s)\nPruned 0 old backup(s) (retention 30 days)\n", file, humanSize(fileSize(t, file)))
	if r.stdout != want || r.stderr != "" {
		t.Fatalf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", r.stdout, want, r.stderr)
	}
	if m := fileMode(t, file); m != 0o600 {
		t.Errorf("backup mode %o", m)
	}
	// The gzip restores to the seeded data.
	tmp, _, err := store.PrepareRestore(context.Background(), file, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got := companies(t, tmp); got != "Acme" {
		t.Fatalf("backup holds %q", got)
	}

	// --dir and --filename-prefix put it elsewhere under another name; config untouched.
	other := filepath.Join(t.TempDir(), "elsewhere")
	r = e.mustRun("", "db:backup", "--dir", other, "--filename-prefix", "manual")
	r.has(t, "Backup written: "+filepath.Join(other, "manual-20261122-100000.db.gz")+" (")
	if _, err := os.Stat(dbPath); err != nil {
		t.Fatal(err)
	}

	r = e.run("", "db:backup", "--filename-prefix", "../x")
	if r.code != 1 || !strings.Contains(r.stderr, `Invalid --filename-prefix "../x"`) {
		t.Fatalf("bad prefix: exit %d %s", r.code, r.stderr)
	}
	r = e.run("", "db:backup", "--retention-days", "0")
	if r.code != 1 || !strings.Contains(r.stderr, "Invalid --retention-days 0") {
		t.Fatalf("bad retention: exit %d %s", r.code, r.stderr)
	}
}

func TestDBBackupJSONPrunes(t *testing.T) {
	e, _, _, dir := dbInstance(t)
	e.mustRun("", "db:backup")
	// Five backups 40..44 days old: with two fresh ones, the newest 3 keep one of them.
	for d := 40; d <= 44; d++ {
		mustWrite(t, filepath.Join(dir, store.BackupName("paperclip", e.now.AddDate(0, 0, -d))), "old")
	}
	mustWrite(t, filepath.Join(dir, backupFailedMarker), "earlier failure")
	e.now = e.now.Add(time.Minute)
	r := e.mustRun("", "db:backup", "--json", "--retention-days", "7")

	var raw map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "backupDir,backupFile,connectionSource,prunedCount,retentionDays,sizeBytes" {
		t.Fatalf("keys %s", got)
	}
	var res dbBackupResult
	json.Unmarshal([]byte(r.stdout), &res)
	file := filepath.Join(dir, "paperclip-20261122-100100.db.gz")
	if res.BackupFile != file || res.SizeBytes != fileSize(t, file) || res.PrunedCount != 4 || res.BackupDir != dir ||
		res.RetentionDays != 7 || res.ConnectionSource != "sqlite" {
		t.Fatalf("result %+v", res)
	}
	if !strings.HasSuffix(r.stdout, "}\n") || !strings.Contains(r.stdout, "\n  \"backupFile\": ") {
		t.Errorf("not 2-space indented JSON:\n%s", r.stdout)
	}
	files, _ := store.ListBackups(dir, "paperclip")
	if len(files) != 3 || files[2].Name != "paperclip-20261013-100000.db.gz" {
		t.Fatalf("left %+v", files)
	}
	if _, err := os.Stat(filepath.Join(dir, backupFailedMarker)); !os.IsNotExist(err) {
		t.Error("a successful backup left the failure marker")
	}
}

func TestDBBackupWithoutDatabase(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	r := e.run("", "db:backup")
	want := "No database at " + filepath.Join(e.instDir("default"), "db", "paperclip.db") + " yet. Start Paperclip once first.\n"
	if r.code != 1 || r.stderr != want || r.stdout != "" {
		t.Fatalf("exit %d\nstderr %q\nwant   %q", r.code, r.stderr, want)
	}
	if _, err := os.Stat(filepath.Join(e.instDir("default"), "db", "paperclip.db")); !os.IsNotExist(err) {
		t.Error("db:backup created the database")
	}
}

func TestDBRestoreRefusesWhileLocked(t *testing.T) {
	e, root, dbPath, dir := dbInstance(t)
	e.mustRun("", "db:backup")
	storetest.AddCompany(t, dbPath, "Beta")
	lock, err := acquireLock(filepath.Join(root, "server.lock"))
	if err != nil {
		t.Fatal(err)
	}
	lock.write(lockInfo{PID: 4242, URL: "http://127.0.0.1:3100"})
	r := e.run("", "db:restore", filepath.Join(dir, "paperclip-20261122-100000.db.gz"), "--yes")
	lock.release()
	if want := "Paperclip is running for this instance (pid 4242). Stop it before restoring.\n"; r.code != 1 || r.stderr != want {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if got := companies(t, dbPath); got != "Acme,Beta" {
		t.Fatalf("database changed while locked: %q", got)
	}
}

func TestDBRestoreRoundTrip(t *testing.T) {
	e, root, dbPath, dir := dbInstance(t)
	e.mustRun("", "db:backup")
	storetest.AddCompany(t, dbPath, "Beta")
	file := filepath.Join(dir, "paperclip-20261122-100000.db.gz")

	e.now = e.now.Add(2 * time.Hour)
	r := e.mustRun("", "db:restore", file, "--yes")
	previous := dbPath + ".before-restore-20261122-120000"
	want := "Restored " + file + " → " + dbPath + ". Previous database kept at " + previous + ".\n" +
		"Note: uploaded files and run logs are not part of the backup; they were left as they are.\n"
	if r.stdout != want {
		t.Fatalf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if got := companies(t, dbPath); got != "Acme" {
		t.Fatalf("restored companies %q, want Acme", got)
	}
	if got := companies(t, previous); got != "Acme,Beta" {
		t.Fatalf("previous database holds %q", got)
	}
	if held, _, _ := probeLock(filepath.Join(root, "server.lock")); held {
		t.Fatal("restore left the lock held")
	}
	entries, _ := os.ReadDir(filepath.Dir(dbPath))
	for _, en := range entries {
		if strings.HasPrefix(en.Name(), ".restore-") {
			t.Errorf("temp file left: %s", en.Name())
		}
	}
	// The restored database opens and migrates like any other.
	if err := store.QuickCheck(context.Background(), dbPath); err != nil {
		t.Fatal(err)
	}

	// A bare name from --list is found in the backup dir.
	storetest.AddCompany(t, dbPath, "Gamma")
	e.now = e.now.Add(time.Second)
	e.mustRun("", "db:restore", "paperclip-20261122-100000.db.gz", "--yes")
	if got := companies(t, dbPath); got != "Acme" {
		t.Fatalf("restore by name: %q", got)
	}

	r = e.run("", "db:restore", "nope.db.gz", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "Backup file not found: nope.db.gz") {
		t.Fatalf("missing file: exit %d %s", r.code, r.stderr)
	}
	r = e.run("", "db:restore")
	if r.code != exitUsage || !strings.Contains(r.stderr, "requires a backup file") {
		t.Fatalf("no argument: exit %d %s", r.code, r.stderr)
	}
}

func TestDBRestoreConfirmation(t *testing.T) {
	e, _, dbPath, dir := dbInstance(t)
	e.mustRun("", "db:backup")
	storetest.AddCompany(t, dbPath, "Beta")
	file := filepath.Join(dir, "paperclip-20261122-100000.db.gz")

	r := e.run("", "db:restore", file)
	if r.code != 1 || !strings.Contains(r.stderr, "db:restore needs confirmation; pass --yes") {
		t.Fatalf("non-TTY: exit %d %s", r.code, r.stderr)
	}
	e.tty = true
	r = e.run("n\n", "db:restore", file)
	if r.code != 1 || !strings.Contains(r.stdout, "? Replace the current database with "+file+"? (y/N) ") ||
		!strings.Contains(r.stderr, "Restore cancelled") {
		t.Fatalf("declined: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := companies(t, dbPath); got != "Acme,Beta" {
		t.Fatalf("declined restore changed the database: %q", got)
	}
	e.mustRun("y\n", "db:restore", file)
	if got := companies(t, dbPath); got != "Acme" {
		t.Fatalf("confirmed restore: %q", got)
	}

	// A damaged backup is refused before the question.
	bad := filepath.Join(dir, "paperclip-20261121-100000.db.gz")
	mustWrite(t, bad, "\x1f\x8bnot really gzip")
	r = e.run("", "db:restore", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "failed its check") || strings.Contains(r.stdout, "Replace the current") {
		t.Fatalf("damaged: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestDBRestoreList(t *testing.T) {
	e, _, _, dir := dbInstance(t)
	r := e.mustRun("", "db:restore", "--list")
	if r.stdout != "No backups in "+dir+"\n" {
		t.Fatalf("empty list: %q", r.stdout)
	}
	e.mustRun("", "db:backup")
	e.now = e.now.Add(90 * time.Minute)
	e.mustRun("", "db:backup")
	r = e.mustRun("", "db:restore", "--list")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("list:\n%s", r.stdout)
	}
	for i, want := range [][2]string{
		{"paperclip-20261122-113000.db.gz", "2026-11-22 11:30:00 UTC"},
		{"paperclip-20261122-100000.db.gz", "2026-11-22 10:00:00 UTC"},
	} {
		size := humanSize(fileSize(t, filepath.Join(dir, want[0])))
		if !strings.HasPrefix(lines[i], want[0]+"  ") || !strings.HasSuffix(lines[i], size+"  "+want[1]) {
			t.Errorf("line %d = %q, want %s … %s  %s", i, lines[i], want[0], size, want[1])
		}
	}
	r = e.run("", "db:restore", "--list", "x.db.gz")
	if r.code != exitUsage {
		t.Fatalf("--list with a file: exit %d", r.code)
	}
}

func TestDoctorBackupHints(t *testing.T) {
	e, _, _, dir := dbInstance(t)
	e.env["PORT"] = "0"
	mustWrite(t, filepath.Join(dir, backupFailedMarker), "2026-11-22T09:00:00.000Z snapshot database: disk full\n")
	c := findCheck(doctorJSON(t, e.run("", "doctor", "--json")), "Backups")
	if c.Status != "warn" || c.Message != "The last automatic backup failed: 2026-11-22T09:00:00.000Z snapshot database: disk full" ||
		c.Hint != "Run: paperclip db:backup (to retry and see the error)" {
		t.Fatalf("marker: %+v", c)
	}
	e.env["PAPERCLIP_DB_BACKUP_ENABLED"] = "false"
	c = findCheck(doctorJSON(t, e.run("", "doctor", "--json")), "Backups")
	if c.Status != "warn" || !strings.HasPrefix(c.Hint, "Unset PAPERCLIP_DB_BACKUP_ENABLED") {
		t.Fatalf("disabled by env: %+v", c)
	}
	// Every command a Backups or Database hint names exists.
	for _, cmd := range []string{"db:backup", "db:restore", "doctor"} {
		if r := e.run("", cmd, "--help"); r.code != 0 {
			t.Errorf("paperclip %s --help: exit %d %s", cmd, r.code, r.stderr)
		}
	}
}

// Two backups in the same second both survive, newest listed first, and --list --json
// describes them for scripts.
func TestDBBackupSameSecondAndListJSON(t *testing.T) {
	e, _, dbPath, dir := dbInstance(t)
	if r := e.mustRun("", "db:restore", "--list", "--json"); r.stdout != "{\n  \"backupDir\": \""+dir+"\",\n  \"backups\": []\n}\n" {
		t.Fatalf("empty list %q", r.stdout)
	}
	var first, second dbBackupResult
	e.mustJSONOut(&first, "db:backup", "--json")
	storetest.AddCompany(t, dbPath, "Beta")
	e.mustJSONOut(&second, "db:backup", "--json")
	if first.BackupFile == second.BackupFile {
		t.Fatalf("second backup of the same second replaced the first: %s", first.BackupFile)
	}
	if filepath.Base(second.BackupFile) != "paperclip-20261122-100000-2.db.gz" {
		t.Fatalf("second name %s", second.BackupFile)
	}
	for _, f := range []string{first.BackupFile, second.BackupFile} {
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
	}
	var list backupListJSON
	e.mustJSONOut(&list, "db:restore", "--list", "--json")
	if list.BackupDir != dir || len(list.Backups) != 2 || list.Backups[0].Path != second.BackupFile ||
		list.Backups[1].Path != first.BackupFile || list.Backups[0].SizeBytes != second.SizeBytes ||
		list.Backups[0].Time != "2026-11-22T10:00:00.000Z" {
		t.Fatalf("list %+v", list)
	}
	// The newest (second) backup holds Beta: restoring it by name round-trips.
	e.mustRun("", "db:restore", list.Backups[0].Name, "--yes")
	if got := companies(t, dbPath); got != "Acme,Beta" {
		t.Fatalf("restored companies %q", got)
	}
	if r := e.run("", "db:restore", "--json", "x.db.gz"); r.code != exitUsage {
		t.Fatalf("--json without --list: exit %d", r.code)
	}
}

// mustJSONOut runs a command and decodes its stdout as JSON.
func (e *cliEnv) mustJSONOut(v any, args ...string) {
	e.t.Helper()
	r := e.mustRun("", args...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		e.t.Fatalf("paperclip %v: %v\n%s", args, err, r.stdout)
	}
}
