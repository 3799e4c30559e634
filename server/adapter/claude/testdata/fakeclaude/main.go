// Command fakeclaude stands in for the Claude Code CLI in tests. It accepts the command
// line of a claude_local run, reads the prompt from stdin and prints stream-json shaped
// like the real CLI's (see ../streams/, recorded from Claude Code 2.1.197). Behaviour is
// chosen by environment variables:
//
//	FAKE_SCENARIO   success (default) | error | max_turns | login_required | rate_limit |
//	                unknown_session (fails only when --resume is given) | sleep |
//	                ignore_sigterm | spawn_grandchild | crash
//	FAKE_SESSION_ID session id to report (default: the resumed one, else a fixed id)
//	FAKE_SLEEP_SEC  seconds to sleep in sleep / ignore_sigterm / spawn_grandchild (default 30)
//	FAKE_USAGE      "in,cached,out" tokens of the result (default 1200,4000,25)
//	FAKE_COST_USD   total_cost_usd of the result (default 0.0063)
//	FAKE_EXIT_CODE  exit code, overriding the scenario's
//	FAKE_RECORD_FILE writes {argv, env (PAPERCLIP_* only), stdin, cwd} as JSON
//	FAKE_GRANDCHILD_PID_FILE  where spawn_grandchild writes the grandchild's pid
//	FAKE_CALL_API=1 calls the Paperclip API as an agent would (fakecli.CallAPI)
//
// `fakeclaude auth login` prints a sign-in URL, like the real login flow.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"paperclip/server/adapter/internal/fakecli"
)

const defaultSession = "4839ed0a-81cb-491a-a6f0-cdc864641650"

func main() { os.Exit(run()) }

func run() int {
	args := os.Args[1:]
	if fakecli.Grandchild() {
		return 0
	}
	if len(args) >= 2 && args[0] == "auth" && args[1] == "login" {
		fmt.Println("If the browser didn't open, visit: https://claude.ai/oauth/authorize?code=true&client_id=fake&state=s1")
		return 0
	}
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-v") {
		fmt.Println("2.1.197 (Claude Code)")
		return 0
	}
	stdin, _ := io.ReadAll(os.Stdin)
	resume := flagValue(args, "--resume")
	if err := fakecli.Record(args, stdin); err != nil {
		fmt.Fprintln(os.Stderr, "fakeclaude: record:", err)
		return 70
	}
	session := os.Getenv("FAKE_SESSION_ID")
	if session == "" {
		session = resume
	}
	if session == "" {
		session = defaultSession
	}
	model := flagValue(args, "--model")
	if model == "" {
		model = "claude-sonnet-4-5"
	}
	scenario := os.Getenv("FAKE_SCENARIO")
	return fakecli.ExitCode(play(scenario, session, model, resume, args))
}

func play(scenario, session, model, resume string, args []string) int {
	if scenario == "unknown_session" && resume != "" {
		fakecli.Emit(map[string]any{"type": "result", "subtype": "error_during_execution", "duration_ms": 0, "is_error": true,
			"num_turns": 0, "session_id": resume, "total_cost_usd": 0, "usage": usage(0, 0, 0),
			"errors": []string{"No conversation found with session ID: " + resume}})
		fmt.Fprintln(os.Stderr, "No conversation found with session ID: "+resume)
		return 1
	}
	init := map[string]any{"type": "system", "subtype": "init", "cwd": fakecli.Cwd(), "session_id": session, "tools": []string{"Bash", "Read", "Edit"},
		"mcp_servers": []any{}, "model": model, "permissionMode": "default", "apiKeySource": "none", "claude_code_version": "2.1.197"}
	fakecli.Emit(init)
	switch scenario {
	case "login_required":
		synthetic(session, "Not logged in · Please run /login", "authentication_failed")
		fakecli.Emit(result(session, "success", true, "Not logged in · Please run /login", 0, 0, 0, 0, nil))
		return 1
	case "rate_limit":
		fakecli.Emit(map[string]any{"type": "rate_limit_event", "session_id": session,
			"rate_limit_info": map[string]any{"status": "rejected", "resetsAt": 1767279600, "rateLimitType": "five_hour", "isUsingOverage": false}})
		synthetic(session, "You've hit your session limit · resets 3pm (UTC)", "rate_limit")
		r := result(session, "success", true, "You've hit your session limit · resets 3pm (UTC)", 0, 0, 0, 0, nil)
		r["api_error_status"] = 429
		fakecli.Emit(r)
		return 1
	case "crash":
		text(session, model, "Starting on the task.")
		fmt.Fprintln(os.Stderr, "fatal: the fake CLI crashed mid-run")
		return 3
	case "sleep":
		fakecli.Sleep()
	case "ignore_sigterm":
		signal.Ignore(syscall.SIGTERM)
		text(session, model, "Ignoring SIGTERM.")
		fakecli.Sleep()
	case "spawn_grandchild":
		if err := fakecli.SpawnGrandchild(); err != nil {
			fmt.Fprintln(os.Stderr, "fakeclaude:", err)
			return 70
		}
		fakecli.Sleep()
	}
	if os.Getenv("FAKE_CALL_API") == "1" {
		if err := fakecli.CallAPI("Done by the fake claude agent."); err != nil {
			fmt.Fprintln(os.Stderr, "fakeclaude: api:", err)
			synthetic(session, "API call failed: "+err.Error(), "")
			fakecli.Emit(map[string]any{"type": "result", "subtype": "error_during_execution", "is_error": true, "num_turns": 1,
				"session_id": session, "total_cost_usd": 0, "usage": usage(0, 0, 0), "errors": []string{err.Error()}})
			return 1
		}
	}
	in, cached, out := fakecli.Usage(1200, 4000, 25)
	cost := fakecli.EnvFloat("FAKE_COST_USD", 0.0063)
	switch scenario {
	case "error":
		text(session, model, "Trying the task.")
		fakecli.Emit(map[string]any{"type": "result", "subtype": "error_during_execution", "is_error": true, "num_turns": 1, "duration_ms": 120,
			"session_id": session, "total_cost_usd": cost, "usage": usage(in, cached, out), "errors": []string{"Tool execution failed: disk full"}})
		return 1
	case "max_turns":
		toolRound(session, model)
		r := map[string]any{"type": "result", "subtype": "error_max_turns", "is_error": true, "num_turns": 2, "duration_ms": 248,
			"session_id": session, "total_cost_usd": cost, "usage": usage(in, cached, out), "errors": []string{"Reached maximum number of turns (" + flagValue(args, "--max-turns") + ")"}}
		fakecli.Emit(r)
		return 1
	}
	toolRound(session, model)
	final := "Checked out PAP-12, commented, and marked it done."
	text(session, model, final)
	fakecli.Emit(result(session, "success", false, final, in, cached, out, cost, map[string]any{"num_turns": 2}))
	return 0
}

func toolRound(session, model string) {
	text(session, model, "I'll check the inbox first.")
	fakecli.Emit(map[string]any{"type": "assistant", "session_id": session, "parent_tool_use_id": nil, "message": map[string]any{
		"id": "msg_01", "type": "message", "role": "assistant", "model": model,
		"content": []any{map[string]any{"type": "tool_use", "id": "toolu_01", "name": "Bash", "input": map[string]any{"command": "echo inbox-empty"}}}}})
	fakecli.Emit(map[string]any{"type": "user", "session_id": session, "parent_tool_use_id": nil, "message": map[string]any{"role": "user",
		"content": []any{map[string]any{"tool_use_id": "toolu_01", "type": "tool_result", "content": "inbox-empty", "is_error": false}}}})
}

func text(session, model, t string) {
	fakecli.Emit(map[string]any{"type": "assistant", "session_id": session, "parent_tool_use_id": nil, "message": map[string]any{
		"id": "msg_01", "type": "message", "role": "assistant", "model": model,
		"content": []any{map[string]any{"type": "text", "text": t}}}})
}

// synthetic is the assistant message the CLI writes itself when the API call failed.
func synthetic(session, t, errKind string) {
	m := map[string]any{"type": "assistant", "session_id": session, "parent_tool_use_id": nil, "message": map[string]any{
		"id": "0f1e2d3c-0000-4000-8000-000000000001", "type": "message", "role": "assistant", "model": "<synthetic>",
		"stop_reason": "stop_sequence", "content": []any{map[string]any{"type": "text", "text": t}}}}
	if errKind != "" {
		m["error"] = errKind
	}
	fakecli.Emit(m)
}

func result(session, subtype string, isError bool, text string, in, cached, out int64, cost float64, extra map[string]any) map[string]any {
	r := map[string]any{"type": "result", "subtype": subtype, "is_error": isError, "api_error_status": nil, "duration_ms": 375,
		"duration_api_ms": 61, "num_turns": 1, "result": text, "stop_reason": "end_turn", "session_id": session,
		"total_cost_usd": cost, "usage": usage(in, cached, out), "modelUsage": map[string]any{}, "permission_denials": []any{}}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

func usage(in, cached, out int64) map[string]any {
	return map[string]any{"input_tokens": in, "cache_creation_input_tokens": 0, "cache_read_input_tokens": cached, "output_tokens": out}
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}
