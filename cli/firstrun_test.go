package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// background is a CLI invocation running in this process until its context ends.
type background struct {
	t          *testing.T
	out, errb  *lockedBuffer
	cancel     context.CancelFunc
	done       chan int
	stdinClose func()
}

// start runs the CLI in a goroutine with stdin that never ends (a terminal nobody types
// into), so tests can watch its output and interrupt it like Ctrl-C does.
func (e *cliEnv) start(args ...string) *background {
	e.t.Helper()
	pr, pw := io.Pipe()
	b := &background{t: e.t, out: &lockedBuffer{}, errb: &lockedBuffer{}, done: make(chan int, 1),
		stdinClose: func() { pw.Close() }}
	a := newApp(pr, b.out, b.errb)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	a.now = func() time.Time { return e.now }
	a.stdinTTY = e.tty
	a.openURL = func(string) error { e.t.Error("browser opened in a test"); return nil }
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	go func() { b.done <- a.main(ctx, args) }()
	e.t.Cleanup(func() {
		cancel()
		pw.Close()
		select {
		case <-b.done:
		case <-time.After(20 * time.Second):
			e.t.Error("command did not stop after cancel")
		}
	})
	return b
}

// waitFor polls the output until re matches (the first group is returned) or the
// command ends or the deadline passes.
func (b *background) waitFor(re *regexp.Regexp) string {
	b.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; {
		if m := re.FindStringSubmatch(b.out.String()); m != nil {
			if len(m) > 1 {
				return m[1]
			}
			return m[0]
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("no %s\nstdout:\n%s\nstderr:\n%s", re, b.out.String(), b.errb.String())
		}
		select {
		case code := <-b.done:
			b.done <- code
			b.t.Fatalf("exited %d before %s\nstdout:\n%s\nstderr:\n%s", code, re, b.out.String(), b.errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// interrupt cancels the command and returns its exit code.
func (b *background) interrupt() int {
	b.t.Helper()
	b.cancel()
	select {
	case code := <-b.done:
		b.done <- code
		return code
	case <-time.After(20 * time.Second):
		b.t.Fatalf("did not stop after the interrupt\nstdout:\n%s", b.out.String())
	}
	return -1
}

var bannerURL = regexp.MustCompile(`URL +(http://127\.0\.0\.1:\d+)\n`)

// Upstream's onboard --yes goes on to start the server; --no-run only writes config.
func TestOnboardYesStartsServer(t *testing.T) {
	e := newCLIEnv(t)
	e.env["PORT"] = "0"
	b := e.start("onboard", "--yes", "--no-open")
	url := b.waitFor(bannerURL)
	if !strings.Contains(b.out.String(), "Configuration saved") {
		t.Fatalf("no summary before the banner:\n%s", b.out.String())
	}
	res, err := http.Get(url + "/api/health")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", res, err)
	}
	res.Body.Close()
	if code := b.interrupt(); code != 0 {
		t.Fatalf("exit %d after interrupt\nstderr:\n%s", code, b.errb.String())
	}

	e2 := newCLIEnv(t)
	r := e2.mustRun("", "onboard", "--yes", "--no-run")
	if bannerURL.MatchString(r.stdout) {
		t.Fatalf("--no-run started the server:\n%s", r.stdout)
	}
	if r := e2.run("", "onboard", "--run", "--no-run"); r.code != exitUsage {
		t.Fatalf("--run --no-run: exit %d", r.code)
	}
}

// A second start is refused before any doctor output: the lock is taken first.
func TestRunReportsRunningBeforeDoctor(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	lock, err := acquireLock(filepath.Join(e.instDir("default"), "server.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	lock.write(lockInfo{PID: 4242, URL: "http://127.0.0.1:3999"})
	r := e.run("", "run", "--no-open")
	want := `Paperclip is already running for instance "default" at http://127.0.0.1:3999 (pid 4242).`
	if r.code != 1 || strings.TrimSpace(r.stderr) != want {
		t.Fatalf("exit %d stderr %q, want %q", r.code, r.stderr, want)
	}
	if r.stdout != "" {
		t.Fatalf("run printed before refusing:\n%s", r.stdout)
	}
}

// An unwritable home names the two ways to choose another one. A path below a regular
// file cannot be created even by root, which the test may run as.
func TestUnwritableHomeNamesTheFix(t *testing.T) {
	e := newCLIEnv(t)
	blocker := filepath.Join(e.home, "blocker")
	mustWrite(t, blocker, "a file, not a directory")
	e.env["PAPERCLIP_HOME"] = filepath.Join(blocker, "pc")
	for _, args := range [][]string{{"onboard", "--yes", "--no-run"}, {"run", "--no-open"}} {
		r := e.run("", args...)
		if r.code != 1 || !strings.Contains(r.stderr, "PAPERCLIP_HOME") || !strings.Contains(r.stderr, "-d") {
			t.Errorf("%v: exit %d stderr %q", args, r.code, r.stderr)
		}
	}
	if os.Getuid() != 0 {
		ro := filepath.Join(e.home, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		e.env["PAPERCLIP_HOME"] = ro
		if r := e.run("", "onboard", "--yes", "--no-run"); r.code != 1 || !strings.Contains(r.stderr, "PAPERCLIP_HOME") {
			t.Errorf("read-only home: exit %d stderr %q", r.code, r.stderr)
		}
	}
}

// Ctrl-C at any question ends the command at once with 130 and leaves the files as
// they were: before, the read ignored the cancelled context and waited for Enter.
func TestCtrlCAbortsPrompts(t *testing.T) {
	abort := func(t *testing.T, e *cliEnv, question string, args ...string) {
		t.Helper()
		b := e.start(args...)
		b.waitFor(regexp.MustCompile(regexp.QuoteMeta(question)))
		if code := b.interrupt(); code != exitInterrupted {
			t.Fatalf("%v: exit %d after Ctrl-C, want 130\nstderr:\n%s", args, code, b.errb.String())
		}
		if !strings.Contains(b.errb.String(), "Aborted") {
			t.Errorf("%v: stderr %q", args, b.errb.String())
		}
	}
	t.Run("onboard", func(t *testing.T) {
		e := newCLIEnv(t)
		e.tty = true
		abort(t, e, "Choose setup path", "onboard")
		if _, err := os.Stat(e.pcHome); !os.IsNotExist(err) {
			t.Fatalf("aborted onboard created %s (%v)", e.pcHome, err)
		}
	})
	t.Run("onboard invalid config", func(t *testing.T) {
		e := newCLIEnv(t)
		mustWrite(t, e.configPath(), "{")
		e.tty = true
		abort(t, e, "Replace it with defaults?", "onboard")
		if entries, _ := os.ReadDir(e.instDir("default")); len(entries) != 1 {
			t.Fatalf("aborted onboard wrote files: %v", entries)
		}
	})
	t.Run("configure", func(t *testing.T) {
		e := newCLIEnv(t)
		e.mustRun("", "onboard", "--yes", "--no-run")
		before := mustRead(t, e.configPath())
		e.tty = true
		abort(t, e, "Deployment mode", "configure", "--section", "server")
		if mustRead(t, e.configPath()) != before {
			t.Fatal("aborted configure rewrote the config")
		}
		if _, err := os.Stat(e.configPath() + ".backup"); !os.IsNotExist(err) {
			t.Fatal("aborted configure wrote a config backup")
		}
	})
	t.Run("doctor repair", func(t *testing.T) {
		e := newCLIEnv(t)
		e.mustRun("", "onboard", "--yes", "--no-run")
		storage := filepath.Join(e.instDir("default"), "data", "storage")
		if err := os.RemoveAll(storage); err != nil {
			t.Fatal(err)
		}
		e.tty = true
		abort(t, e, `Repair "Storage"?`, "doctor", "--repair")
		if _, err := os.Stat(storage); !os.IsNotExist(err) {
			t.Fatal("aborted doctor repaired anyway")
		}
	})
}

// copyDir copies a directory tree the way a user's cp -r does.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A copied instance uses its own files: config.json paths are relative to the instance
// directory, and a config with absolute paths into another instance is rebased.
func TestCopiedInstanceUsesItsOwnFiles(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	orig, copied := e.instDir("default"), e.instDir("copy")
	seedDB(t, filepath.Join(orig, "db", "paperclip.db"), nil)
	copyDir(t, orig, copied)
	// The original's database is gone: a copy still pointing at it cannot back up.
	if err := os.RemoveAll(filepath.Join(orig, "db")); err != nil {
		t.Fatal(err)
	}
	var res dbBackupResult
	r := e.mustRun("", "db:backup", "-i", "copy", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.BackupFile, filepath.Join(copied, "data", "backups")+string(filepath.Separator)) {
		t.Fatalf("copy backed up into %s", res.BackupFile)
	}

	// An older build wrote absolute paths; the copy of such a config is rebased too.
	abs := mustRead(t, filepath.Join(copied, "config.json"))
	for _, p := range defaultLayout() {
		rel := filepath.ToSlash(p)
		abs = strings.Replace(abs, `"`+rel+`"`, `"`+filepath.ToSlash(filepath.Join(orig, p))+`"`, 1)
	}
	mustWrite(t, filepath.Join(copied, "config.json"), abs)
	mustWrite(t, filepath.Join(orig, "config.json"), abs) // the original is still there
	r = e.run("", "doctor", "-i", "copy")
	r.has(t, "! Config file: Valid config at "+filepath.Join(copied, "config.json")+"; its paths pointed into "+orig)
	r = e.mustRun("", "db:backup", "-i", "copy", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || !strings.HasPrefix(res.BackupFile, copied) {
		t.Fatalf("rebased copy backed up into %s (%v)", res.BackupFile, err)
	}
	if _, err := os.Stat(filepath.Join(orig, "db")); !os.IsNotExist(err) {
		t.Fatal("the copy touched the original's database directory")
	}
	e.mustRun("", "doctor", "-i", "copy", "--repair", "--yes")
	if got := dig(readJSON(t, filepath.Join(copied, "config.json")), "database.path"); got != "db/paperclip.db" {
		t.Fatalf("repaired database.path %v", got)
	}
}

// A hand-edited config.json that does not parse says where the mistake is.
func TestConfigParseErrorPosition(t *testing.T) {
	e := newCLIEnv(t)
	for _, tt := range []struct{ text, want string }{
		{"{\n  \"server\": {\n    \"port\": 3100,\n  }\n}\n", "line 4, column 3: invalid character '}'"},
		{"{\n  \"server\": {\n    \"port\": \"x\"\n  }\n}\n", "line 3, column 13: server.port must be a number"},
		{"{\n  \"server\": {\n", "line 3, column 1: unexpected EOF"},
		{"{\"database\": {\"backup\": {\"enabled\": 12}}}", "line 1, column 37: database.backup.enabled must be a boolean"},
	} {
		mustWrite(t, e.configPath(), tt.text)
		r := e.run("", "doctor")
		if r.code != 1 || !strings.Contains(r.stdout, tt.want) {
			t.Errorf("%q: exit %d, want %q in\n%s", tt.text, r.code, tt.want, r.stdout)
		}
	}
}
