// Package fakecli is the scaffolding the fake agent CLIs of the adapter tests share
// (testdata/fakeclaude, testdata/fakecodex): the environment knobs of runtime.md §22,
// the invocation record, the grandchild that proves a whole tree is stopped, the calls
// an agent makes to the API with its run credentials, and the helpers their tests use
// to build and run them. Each fake keeps only its CLI's own output format.
package fakecli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Grandchild runs the sleeping grandchild role when this process is one (FAKE_ROLE),
// reporting whether it was; a fake's main calls it first.
func Grandchild() bool {
	if os.Getenv("FAKE_ROLE") != "grandchild" {
		return false
	}
	Sleep()
	return true
}

// Sleep sleeps FAKE_SLEEP_SEC seconds (default 30).
func Sleep() { time.Sleep(time.Duration(EnvInt("FAKE_SLEEP_SEC", 30)) * time.Second) }

// SpawnGrandchild starts a copy of this program that only sleeps, in the same process
// group, so tests can check that stopping a run stops its whole tree; its pid goes to
// FAKE_GRANDCHILD_PID_FILE when set.
func SpawnGrandchild() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "FAKE_ROLE=grandchild")
	if err := cmd.Start(); err != nil {
		return err
	}
	if path := os.Getenv("FAKE_GRANDCHILD_PID_FILE"); path != "" {
		return os.WriteFile(path, []byte(strconv.Itoa(cmd.Process.Pid)), 0o600)
	}
	return nil
}

// Record writes {argv, env (PAPERCLIP_* only), stdin, cwd} to FAKE_RECORD_FILE, so
// tests assert the flags, variable names and prompt a run was given.
func Record(args []string, stdin []byte) error {
	path := os.Getenv("FAKE_RECORD_FILE")
	if path == "" {
		return nil
	}
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "PAPERCLIP_") {
			env[k] = v
		}
	}
	b, err := json.MarshalIndent(map[string]any{"argv": args, "env": env, "stdin": string(stdin), "cwd": Cwd()}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// Usage is FAKE_USAGE ("in,cached,out"), else the defaults.
func Usage(in, cached, out int64) (int64, int64, int64) {
	if p := strings.Split(os.Getenv("FAKE_USAGE"), ","); len(p) == 3 {
		in, _ = strconv.ParseInt(strings.TrimSpace(p[0]), 10, 64)
		cached, _ = strconv.ParseInt(strings.TrimSpace(p[1]), 10, 64)
		out, _ = strconv.ParseInt(strings.TrimSpace(p[2]), 10, 64)
	}
	return in, cached, out
}

// Emit prints v as one JSON line on stdout, the way both CLIs stream.
func Emit(v any) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

// CallAPI does what the paperclip skill teaches, with the run's credentials: who am I,
// then, for a task, check it out, comment, mark it done (FAKE_CALL_API=1).
func CallAPI(comment string) error {
	base := strings.TrimRight(os.Getenv("PAPERCLIP_API_URL"), "/") + "/api"
	task := os.Getenv("PAPERCLIP_TASK_ID")
	if err := call("GET", base+"/agents/me", nil); err != nil {
		return err
	}
	if task == "" {
		return nil
	}
	steps := []struct {
		method, path string
		body         any
	}{
		{"POST", "/issues/" + task + "/checkout", map[string]any{"agentId": os.Getenv("PAPERCLIP_AGENT_ID"),
			"expectedStatuses": []string{"todo", "backlog", "blocked", "in_review"}}},
		{"POST", "/issues/" + task + "/comments", map[string]any{"body": comment}},
		{"PATCH", "/issues/" + task, map[string]any{"status": "done"}},
	}
	for _, s := range steps {
		if err := call(s.method, base+s.path, s.body); err != nil {
			return err
		}
	}
	return nil
}

func call(method, url string, body any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("PAPERCLIP_API_KEY"))
	req.Header.Set("X-Paperclip-Run-Id", os.Getenv("PAPERCLIP_RUN_ID"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, strings.TrimSpace(string(out)))
	}
	return nil
}

// Cwd is the working directory the fake was started in.
func Cwd() string {
	d, _ := os.Getwd()
	return d
}

// EnvInt is an integer environment knob.
func EnvInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

// EnvFloat is a decimal environment knob.
func EnvFloat(key string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(key), 64); err == nil {
		return f
	}
	return def
}

// ExitCode applies FAKE_EXIT_CODE over a scenario's exit code.
func ExitCode(code int) int {
	if v := os.Getenv("FAKE_EXIT_CODE"); v != "" {
		code, _ = strconv.Atoi(v)
	}
	return code
}
