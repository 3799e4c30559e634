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
//	FAKE_CALL_API=1 calls the Paperclip API as an agent would (fakecli.CallAPI)
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"paperclip/server/adapter/internal/fakecli"
)

const defaultThread = "01a23344-07b7-7321-8c1f-e57c9a8eb9e6"

func main() { os.Exit(run()) }

func run() int {
	args := os.Args[1:]
	if fakecli.Grandchild() {
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
	if err := fakecli.Record(args, stdin); err != nil {
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
	return fakecli.ExitCode(play(os.Getenv("FAKE_SCENARIO"), thread, resume))
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
	fakecli.Emit(map[string]any{"type": "thread.started", "thread_id": thread})
	fakecli.Emit(map[string]any{"type": "turn.started"})
	fail := func(msg string) int {
		fakecli.Emit(map[string]any{"type": "error", "message": msg})
		fakecli.Emit(map[string]any{"type": "turn.failed", "error": map[string]any{"message": msg}})
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
		fakecli.Sleep()
	case "ignore_sigterm":
		signal.Ignore(syscall.SIGTERM)
		message("item_0", "Ignoring SIGTERM.")
		fakecli.Sleep()
	case "spawn_grandchild":
		if err := fakecli.SpawnGrandchild(); err != nil {
			fmt.Fprintln(os.Stderr, "fakecodex:", err)
			return 70
		}
		fakecli.Sleep()
	}
	if os.Getenv("FAKE_CALL_API") == "1" {
		if err := fakecli.CallAPI("Done by the fake codex agent."); err != nil {
			return fail("API call failed: " + err.Error())
		}
	}
	cmd := map[string]any{"id": "item_1", "type": "command_execution", "command": "/bin/bash -lc 'echo inbox-empty'",
		"aggregated_output": "", "exit_code": nil, "status": "in_progress"}
	fakecli.Emit(map[string]any{"type": "item.started", "item": cmd})
	cmd["aggregated_output"], cmd["exit_code"], cmd["status"] = "inbox-empty\n", 0, "completed"
	fakecli.Emit(map[string]any{"type": "item.completed", "item": cmd})
	message("item_2", "Checked out PAP-12, commented, and marked it done.")
	in, cached, out := threadUsage(thread, resume != "")
	fakecli.Emit(map[string]any{"type": "turn.completed", "usage": map[string]any{"input_tokens": in, "cached_input_tokens": cached,
		"cache_write_input_tokens": 0, "output_tokens": out, "reasoning_output_tokens": 10}})
	return 0
}

// threadUsage is what turn.completed reports: like the real CLI, the running totals
// of the thread. This turn's usage (FAKE_USAGE) is added to the totals the thread had
// when it was resumed; they are kept under $CODEX_HOME/fake-threads/, next to where
// the real CLI keeps its rollouts.
func threadUsage(thread string, resumed bool) (int64, int64, int64) {
	in, cached, out := fakecli.Usage(2100, 1500, 60)
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
	fakecli.Emit(map[string]any{"type": "item.completed", "item": map[string]any{"id": id, "type": "agent_message", "text": text}})
}
