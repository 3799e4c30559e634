package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the paperclip executable built once for every end-to-end test; fakeAgent
// is the process-adapter agent of the runtime tests.
var binary, fakeAgent string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "paperclip-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "paperclip")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build paperclip:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	fakeAgent = filepath.Join(dir, "fakeagent")
	build = exec.Command("go", "build", "-o", fakeAgent, "./server/adapter/testdata/fakeagent")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build fakeagent:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// instanceEnv is a process environment with a temporary HOME and PAPERCLIP_HOME and
// nothing inherited that could change the server's behaviour or open a browser.
func instanceEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "PAPERCLIP_"), strings.HasPrefix(k, "HEARTBEAT_"),
			k == "HOME", k == "PORT", k == "HOST", k == "SERVE_UI", k == "DATABASE_URL",
			k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "NO_COLOR":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "PAPERCLIP_HOME="+filepath.Join(home, "pc"), "PORT=0")
	return append(env, extra...)
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is a running `paperclip run`.
type server struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	url    string
	done   chan error
}

var urlLine = regexp.MustCompile(`(?m)^  URL         (http://\S+)$`)

// startServer runs the binary and waits for the banner's URL line and a healthy API.
func startServer(tb testing.TB, env []string, args ...string) *server {
	tb.Helper()
	s := &server{cmd: exec.Command(binary, args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	tb.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for s.url == "" {
		if m := urlLine.FindStringSubmatch(s.stdout.String()); m != nil {
			s.url = m[1]
			break
		}
		select {
		case err := <-s.done:
			tb.Fatalf("paperclip exited before listening: %v\nstdout:\n%s\nstderr:\n%s", err, s.stdout, s.stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no banner after 30s\nstdout:\n%s\nstderr:\n%s", s.stdout, s.stderr)
		}
	}
	if err := waitHealthy(s.url, deadline); err != nil {
		tb.Fatal(err)
	}
	return s
}

func waitHealthy(url string, deadline time.Time) error {
	client := &http.Client{Timeout: time.Second}
	for {
		res, err := client.Get(url + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/api/health not healthy: %v", url, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns the exit code.
func (s *server) stop(tb testing.TB) int {
	tb.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			tb.Fatal(err)
		}
		return 0
	case <-time.After(15 * time.Second):
		tb.Fatalf("paperclip did not stop within 15s of SIGTERM\nstdout:\n%s", s.stdout)
	}
	return -1
}

// runOnce runs the binary to completion.
func runOnce(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

func call(t *testing.T, method, url string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

func TestRunEndToEnd(t *testing.T) {
	home := t.TempDir()
	env := instanceEnv(home)
	root := filepath.Join(home, "pc", "instances", "default")

	s := startServer(t, env, "run", "--no-open")
	out := s.stdout.String()
	for _, want := range []string{
		"No config found; created quickstart config at " + filepath.Join(root, "config.json"),
		"✓ Config file: Valid config at ",
		"Paperclip dev — control plane for AI-agent companies\n",
		"  Instance    default   (" + root + ")\n",
		"  Mode        local_trusted (private) — no login required\n",
		"  API         " + s.url + "/api   (health: /api/health)\n",
		"  UI          enabled\n",
		"  Database    " + filepath.Join(root, "db", "paperclip.db") + " (schema v",
		"  Agent JWT   configured\n",
		"  Scheduler   enabled (every 30s)\n",
		"  Backups     every 60m, keep 30d → " + filepath.Join(root, "data", "backups") + "\n",
		"  Logs        " + filepath.Join(root, "logs", "server.log") + "\n",
		"  Config      " + filepath.Join(root, "config.json") + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q\n%s", want, out)
		}
	}
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") || strings.HasSuffix(s.url, ":0") || strings.HasSuffix(s.url, ":3100") {
		t.Errorf("url %s is not the bound free port", s.url)
	}
	var lock struct {
		PID int    `json:"pid"`
		URL string `json:"url"`
	}
	if raw, err := os.ReadFile(filepath.Join(root, "server.lock")); err != nil || json.Unmarshal(raw, &lock) != nil ||
		lock.PID != s.cmd.Process.Pid || lock.URL != s.url {
		t.Errorf("server.lock = %+v (%v), want pid %d url %s", lock, err, s.cmd.Process.Pid, s.url)
	}

	status, body := call(t, http.MethodPost, s.url+"/api/companies", map[string]any{"name": "Durable Inc"})
	if status != http.StatusCreated {
		t.Fatalf("create company: %d %s", status, body)
	}
	var company struct{ ID string }
	json.Unmarshal(body, &company)

	// A second server of the same instance is refused by the lock.
	code, _, stderr := runOnce(t, env, "run", "--no-open")
	want := fmt.Sprintf("Paperclip is already running for instance \"default\" at %s (pid %d).", s.url, s.cmd.Process.Pid)
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("second run: exit %d, stderr %q, want %q", code, stderr, want)
	}
	if status, _ := call(t, http.MethodGet, s.url+"/api/health", nil); status != http.StatusOK {
		t.Errorf("first server unhealthy after the refused second run: %d", status)
	}

	if code := s.stop(t); code != 0 {
		t.Fatalf("SIGTERM exit %d\nstderr:\n%s", code, s.stderr)
	}
	logData, _ := os.ReadFile(filepath.Join(root, "logs", "server.log"))
	for _, want := range []string{`"msg":"server started"`, `"msg":"request"`, `"path":"/api/companies"`, `"msg":"server stopped"`} {
		if !bytes.Contains(logData, []byte(want)) {
			t.Errorf("server.log lacks %s", want)
		}
	}

	// Restart: the data survived.
	s2 := startServer(t, env, "run", "--no-open")
	if !strings.Contains(s2.stdout.String(), "0 migrations applied") {
		t.Errorf("restart re-applied migrations:\n%s", s2.stdout)
	}
	status, body = call(t, http.MethodGet, s2.url+"/api/companies/"+company.ID, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"name":"Durable Inc"`) {
		t.Fatalf("company after restart: %d %s", status, body)
	}
	status, body = call(t, http.MethodGet, s2.url+"/api/companies/"+company.ID+"/activity", nil)
	var acts []struct{ Action, EntityID string }
	json.Unmarshal(body, &acts)
	found := false
	for _, a := range acts {
		found = found || (a.Action == "company.created" && a.EntityID == company.ID)
	}
	if status != http.StatusOK || !found {
		t.Fatalf("company.created activity missing after restart: %d %s", status, body)
	}
	if code := s2.stop(t); code != 0 {
		t.Fatalf("second SIGTERM exit %d", code)
	}
}

func TestRunRefusesNonLoopbackInLocalTrusted(t *testing.T) {
	home := t.TempDir()
	code, _, stderr := runOnce(t, instanceEnv(home, "HOST=0.0.0.0"), "run", "--no-open")
	want := "local_trusted mode only binds to loopback (got 0.0.0.0). Use authenticated mode to expose Paperclip.\n"
	if code != 1 || stderr != want {
		t.Fatalf("exit %d, stderr %q, want %q", code, stderr, want)
	}
}

func TestRunRefusesBusyPort(t *testing.T) {
	home := t.TempDir()
	busy := startServer(t, instanceEnv(home, "PAPERCLIP_INSTANCE_ID=first"), "run", "--no-open")
	port := busy.url[strings.LastIndex(busy.url, ":")+1:]
	code, _, stderr := runOnce(t, instanceEnv(home, "PAPERCLIP_INSTANCE_ID=second", "PORT="+port), "run", "--no-open")
	want := "Port " + port + " is already in use by another program. Stop it, or set PORT / run paperclip configure --section server.\n"
	if code != 1 || stderr != want {
		t.Fatalf("exit %d, stderr %q, want %q", code, stderr, want)
	}
	if code := busy.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestNoArgumentsLaunch checks the double-click path: a running instance is reported
// (and would be opened) instead of failing.
func TestNoArgumentsLaunch(t *testing.T) {
	home := t.TempDir()
	env := instanceEnv(home, "CI=1") // never open a browser from tests
	s := startServer(t, env)
	if !strings.Contains(s.stdout.String(), "Paperclip is running at "+s.url+". Keep this window open; press Ctrl+C to stop.") {
		t.Errorf("no-args launch lacks the keep-open line:\n%s", s.stdout)
	}
	code, stdout, stderr := runOnce(t, env)
	want := fmt.Sprintf("Paperclip is already running at %s (pid %d); opening it.\n", s.url, s.cmd.Process.Pid)
	if code != 0 || stdout != want {
		t.Errorf("second launch: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestOnboardThenDoctorJSON(t *testing.T) {
	home := t.TempDir()
	env := instanceEnv(home)
	if code, out, errs := runOnce(t, env, "onboard", "--yes"); code != 0 || !strings.Contains(out, "Configuration saved") {
		t.Fatalf("onboard: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ := runOnce(t, env, "doctor", "--json")
	var rep struct {
		Checks []struct{ Name, Status string }
		Passed int
		Failed int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || len(rep.Checks) != 11 || rep.Failed != 0 {
		t.Fatalf("doctor --json: exit %d err %v\n%s", code, err, out)
	}
}

// BenchmarkColdStartToHealthy measures a first start on a fresh home: quickstart config,
// doctor, migrations, listener, until /api/health answers 200.
func BenchmarkColdStartToHealthy(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		home := b.TempDir()
		env := instanceEnv(home)
		b.StartTimer()
		cmd := exec.Command(binary, "run", "--no-open")
		cmd.Env = env
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		url := ""
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
				url = m[1]
				break
			}
		}
		if url == "" {
			cmd.Process.Kill()
			cmd.Wait()
			b.Fatal("no URL in banner")
		}
		if err := waitHealthy(url, time.Now().Add(30*time.Second)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cmd.Process.Kill()
		go io.Copy(io.Discard, stdout)
		cmd.Wait()
		b.StartTimer()
	}
}
