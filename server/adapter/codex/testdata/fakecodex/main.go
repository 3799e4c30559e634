// Command fakecodex stands in for the Codex CLI in tests. It accepts the command line
// of a codex_local run (`[--search] exec --json ... (resume <id> - | -)`), reads the
// prompt from stdin and prints JSONL shaped like the real CLI's (see ../streams/,
// recorded from Codex CLI 0.171.0). Behaviour is chosen by environment variables:
//
//	FAKE_SCENARIO   success (default) | error | login_required | rate_limit |
//	                unknown_session (fails only when resuming) | sleep |
//	                ignore_sigterm | spawn_grandchild | crash
//	FAKE_SESSION_ID thread id to report (default: the resumed one, else a fixed id)
//	FAKE_SLEEP_SEC  seconds to sleep in sleep / ignore_sigterm / spawn_grandchild (default 30)
//	FAKE_USAGE      "in,cached,out" tokens of this turn (default 2100,1500,60); with
//	                CODEX_HOME set, turn.completed reports the thread's totals, as
//	                the real CLI does for a resumed thread
//	FAKE_EXIT_CODE  exit code, overriding the scenario's
//	FAKE_RECORD_FILE writes {argv, env (PAPERCLIP_* only), stdin, cwd} as JSON
//	FAKE_GRANDCHILD_PID_FILE  where spawn_grandchild writes the grandchild's pid
//	FAKE_CALL_API=1 calls the Paperclip API as an agent would (see callAPI)
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const defaultThread = "01a23344-07b7-7321-8c1f-e57c9a8eb9e6"

func main() { os.Exit(run()) }

func run() int {
	args := os.Args[1:]
	if os.Getenv("FAKE_ROLE") == "grandchild" {
		time.Sleep(time.Duration(envInt("FAKE_SLEEP_SEC", 30)) * time.Second)
		return 0
	}
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-V") {
		fmt.Println("codex-cli 0.171.0")
		return 0
	}
	isExec, resume, ok := parseArgs(args)
	if !ok || !isExec {
		fmt.Fprintln(os.Stderr, "fakecodex: expected `exec --json ... -`, got:", strings.Join(args, " "))
		return 2
	}
	stdin, _ := io.ReadAll(os.Stdin)
	if err := record(args, stdin); err != nil {
		fmt.Fprintln(os.Stderr, "fakecodex: record:", err)
		return 70
	}
	thread := os.Getenv("FAKE_SESSION_ID")
	if thread == "" {
		thread = resume
	}
	if thread == "" {
		thread = defaultThread
	}
	code := play(os.Getenv("FAKE_SCENARIO"), thread, resume)
	if v := os.Getenv("FAKE_EXIT_CODE"); v != "" {
		code, _ = strconv.Atoi(v)
	}
	return code
}

// parseArgs checks the shape of the command line: exec with --json, ending in "-"
// (prompt on stdin), optionally "resume <id> -".
func parseArgs(args []string) (isExec bool, resume string, ok bool) {
	jsonOut := false
	for i, a := range args {
		switch a {
		case "exec":
			isExec = true
		case "--json":
			jsonOut = true
		case "resume":
			if i+2 != len(args)-1 {
				return isExec, "", false
			}
			resume = args[i+1]
		}
	}
	return isExec, resume, jsonOut && len(args) > 0 && args[len(args)-1] == "-"
}

func play(scenario, thread, resume string) int {
	if scenario == "unknown_session" && resume != "" {
		fmt.Fprintf(os.Stderr, "Error: thread/resume: thread/resume failed: no rollout found for thread id %s (code -32600)\n", resume)
		return 1
	}
	emit(map[string]any{"type": "thread.started", "thread_id": thread})
	emit(map[string]any{"type": "turn.started"})
	fail := func(msg string) int {
		emit(map[string]any{"type": "error", "message": msg})
		emit(map[string]any{"type": "turn.failed", "error": map[string]any{"message": msg}})
		return 1
	}
	switch scenario {
	case "login_required":
		return fail("unexpected status 401 Unauthorized: Missing bearer or basic authentication in header, url: https://api.openai.com/v1/responses")
	case "rate_limit":
		return fail("exceeded retry limit, last status: 429 Too Many Requests")
	case "error":
		return fail("stream disconnected before completion: the model failed")
	case "crash":
		message("item_0", "Starting on the task.")
		fmt.Fprintln(os.Stderr, "thread 'main' panicked: fake codex crashed mid-run")
		return 101
	case "sleep":
		time.Sleep(time.Duration(envInt("FAKE_SLEEP_SEC", 30)) * time.Second)
	case "ignore_sigterm":
		signal.Ignore(syscall.SIGTERM)
		message("item_0", "Ignoring SIGTERM.")
		time.Sleep(time.Duration(envInt("FAKE_SLEEP_SEC", 30)) * time.Second)
	case "spawn_grandchild":
		if err := spawnGrandchild(); err != nil {
			fmt.Fprintln(os.Stderr, "fakecodex:", err)
			return 70
		}
		time.Sleep(time.Duration(envInt("FAKE_SLEEP_SEC", 30)) * time.Second)
	}
	if os.Getenv("FAKE_CALL_API") == "1" {
		if err := callAPI(); err != nil {
			return fail("API call failed: " + err.Error())
		}
	}
	cmd := map[string]any{"id": "item_1", "type": "command_execution", "command": "/bin/bash -lc 'echo inbox-empty'",
		"aggregated_output": "", "exit_code": nil, "status": "in_progress"}
	emit(map[string]any{"type": "item.started", "item": cmd})
	cmd["aggregated_output"], cmd["exit_code"], cmd["status"] = "inbox-empty\n", 0, "completed"
	emit(map[string]any{"type": "item.completed", "item": cmd})
	message("item_2", "Checked out PAP-12, commented, and marked it done.")
	in, cached, out := threadUsage(thread, resume != "")
	emit(map[string]any{"type": "turn.completed", "usage": map[string]any{"input_tokens": in, "cached_input_tokens": cached,
		"cache_write_input_tokens": 0, "output_tokens": out, "reasoning_output_tokens": 10}})
	return 0
}

// threadUsage is what turn.completed reports: like the real CLI, the running totals
// of the thread. This turn's usage (FAKE_USAGE) is added to the totals the thread had
// when it was resumed; they are kept under $CODEX_HOME/fake-threads/, next to where
// the real CLI keeps its rollouts.
func threadUsage(thread string, resumed bool) (int64, int64, int64) {
	in, cached, out := usageTriple()
	home := os.Getenv("CODEX_HOME")
	if home == "" {
		return in, cached, out
	}
	path := filepath.Join(home, "fake-threads", thread+".json")
	var total [3]int64
	if raw, err := os.ReadFile(path); err == nil && resumed {
		json.Unmarshal(raw, &total)
	}
	total[0], total[1], total[2] = total[0]+in, total[1]+cached, total[2]+out
	if b, err := json.Marshal(total); err == nil && os.MkdirAll(filepath.Dir(path), 0o700) == nil {
		os.WriteFile(path, b, 0o600)
	}
	return total[0], total[1], total[2]
}

func message(id, text string) {
	emit(map[string]any{"type": "item.completed", "item": map[string]any{"id": id, "type": "agent_message", "text": text}})
}

func usageTriple() (int64, int64, int64) {
	in, cached, out := int64(2100), int64(1500), int64(60)
	if v := os.Getenv("FAKE_USAGE"); v != "" {
		p := strings.Split(v, ",")
		if len(p) == 3 {
			in, _ = strconv.ParseInt(strings.TrimSpace(p[0]), 10, 64)
			cached, _ = strconv.ParseInt(strings.TrimSpace(p[1]), 10, 64)
			out, _ = strconv.ParseInt(strings.TrimSpace(p[2]), 10, 64)
		}
	}
	return in, cached, out
}

func emit(v any) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

func record(args []string, stdin []byte) error {
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
	b, err := json.MarshalIndent(map[string]any{"argv": args, "env": env, "stdin": string(stdin), "cwd": cwd()}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// spawnGrandchild starts a copy of this program that only sleeps, in the same process
// group, so tests can check that stopping a run stops its whole tree.
func spawnGrandchild() error {
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

// callAPI does what the paperclip skill teaches, with the run's credentials: who am I,
// check the task out, comment, mark it done.
func callAPI() error {
	base := strings.TrimRight(os.Getenv("PAPERCLIP_API_URL"), "/") + "/api"
	task := os.Getenv("PAPERCLIP_TASK_ID")
	agent := os.Getenv("PAPERCLIP_AGENT_ID")
	if _, err := call("GET", base+"/agents/me", nil); err != nil {
		return err
	}
	if task == "" {
		return nil
	}
	steps := []struct {
		method, path string
		body         any
	}{
		{"POST", "/issues/" + task + "/checkout", map[string]any{"agentId": agent, "expectedStatuses": []string{"todo", "backlog", "blocked", "in_review"}}},
		{"POST", "/issues/" + task + "/comments", map[string]any{"body": "Done by the fake codex agent."}},
		{"PATCH", "/issues/" + task, map[string]any{"status": "done"}},
	}
	for _, s := range steps {
		if _, err := call(s.method, base+s.path, s.body); err != nil {
			return err
		}
	}
	return nil
}

func call(method, url string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("PAPERCLIP_API_KEY"))
	req.Header.Set("X-Paperclip-Run-Id", os.Getenv("PAPERCLIP_RUN_ID"))
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return out, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, strings.TrimSpace(string(out)))
	}
	return out, nil
}

func cwd() string {
	d, _ := os.Getwd()
	return d
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}
