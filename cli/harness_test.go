package cli

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

// result is what one CLI invocation produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// cliEnv is a hermetic environment: a temp HOME and PAPERCLIP_HOME, and an environment
// map instead of the process environment, so tests cannot leak into each other.
type cliEnv struct {
	t      *testing.T
	home   string // user home
	pcHome string
	env    map[string]string
	tty    bool
	now    time.Time
}

func newCLIEnv(t *testing.T) *cliEnv {
	t.Helper()
	home := t.TempDir()
	e := &cliEnv{t: t, home: home, pcHome: filepath.Join(home, "pc"),
		now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	e.env = map[string]string{"HOME": home, "PAPERCLIP_HOME": e.pcHome}
	return e
}

// instDir is the root of an instance under the test home.
func (e *cliEnv) instDir(id string) string { return filepath.Join(e.pcHome, "instances", id) }

func (e *cliEnv) configPath() string { return filepath.Join(e.instDir("default"), "config.json") }

// run invokes the CLI like Main does, with stdin as the answers to any prompts.
func (e *cliEnv) run(stdin string, args ...string) result {
	e.t.Helper()
	var out, errb bytes.Buffer
	a := newApp(strings.NewReader(stdin), &out, &errb)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	a.now = func() time.Time { return e.now }
	a.stdinTTY, a.stdoutTTY = e.tty, false
	a.openURL = func(string) error { e.t.Error("browser opened in a test"); return nil }
	code := a.main(context.Background(), args)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

func (e *cliEnv) mustRun(stdin string, args ...string) result {
	e.t.Helper()
	r := e.run(stdin, args...)
	if r.code != 0 {
		e.t.Fatalf("paperclip %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

func (r result) has(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.stdout+r.stderr, w) {
			t.Errorf("output does not contain %q\nstdout:\n%s\nstderr:\n%s", w, r.stdout, r.stderr)
		}
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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

// seedDB creates the instance database with one company "Acme", lets seed add rows
// through the store, and then runs extra SQL on it for rows no store call creates yet
// (secrets). It returns the company id.
func seedDB(t *testing.T, path string, seed func(st *store.Store, companyID string), stmts ...string) string {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	co := storetest.Company(t, st, "Acme")
	if seed != nil {
		seed(st, co.ID)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(strings.ReplaceAll(s, "$COMPANY", co.ID)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return co.ID
}
