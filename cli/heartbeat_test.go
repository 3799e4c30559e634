package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// stubRuntime plays a scripted run in front of the real server (every other request
// goes there): a claude_local run with stream-json output and a failed run with Claude
// result details, which this package cannot produce without the Claude CLI. Real runs
// of the process adapter are in heartbeat_run_e2e_test.go at the repository root.
type stubRuntime struct {
	next     http.Handler
	wakeBody string // answer of POST /wakeup; empty = a run
	statuses []string
	run      map[string]any
	events   []map[string]any
	log      string // NDJSON

	mu    sync.Mutex
	polls int
	woken map[string]any
}

const stubRunID = "99999999-9999-4999-8999-999999999999"

func (s *stubRuntime) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case r.Method == "POST" && strings.HasSuffix(p, "/wakeup"):
		json.NewDecoder(r.Body).Decode(&s.woken)
		w.WriteHeader(http.StatusAccepted)
		if s.wakeBody != "" {
			fmt.Fprint(w, s.wakeBody)
			return
		}
		fmt.Fprintf(w, `{"id":%q,"status":"queued"}`, stubRunID)
	case p == "/api/heartbeat-runs/"+stubRunID:
		s.mu.Lock()
		st := s.statuses[min(s.polls, len(s.statuses)-1)]
		s.polls++
		s.mu.Unlock()
		run := map[string]any{"id": stubRunID, "status": st}
		for k, v := range s.run {
			run[k] = v
		}
		json.NewEncoder(w).Encode(run)
	case p == "/api/heartbeat-runs/"+stubRunID+"/events":
		after, _ := strconv.Atoi(r.URL.Query().Get("afterSeq"))
		out := []map[string]any{}
		for _, ev := range s.events {
			if int(ev["seq"].(float64)) > after {
				out = append(out, ev)
			}
		}
		json.NewEncoder(w).Encode(out)
	case p == "/api/heartbeat-runs/"+stubRunID+"/log":
		if s.log == "" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"Run log not found"}`)
			return
		}
		// Windows of 40 bytes cut back to a line end, as the log route does.
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		content, next := "", any(nil)
		if off < len(s.log) {
			end := min(off+40, len(s.log))
			content = s.log[off:end]
			if i := strings.LastIndexByte(content, '\n'); i >= 0 && end < len(s.log) {
				content = content[:i+1]
			}
			if off+len(content) < len(s.log) {
				next = off + len(content)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"runId": stubRunID, "store": "local_file", "content": content, "nextOffset": next})
	default:
		s.next.ServeHTTP(w, r)
	}
}

func logLines(chunks ...[2]string) string {
	var b strings.Builder
	for _, c := range chunks {
		line, _ := json.Marshal(map[string]string{"ts": "2026-11-22T10:00:00.000Z", "stream": c[0], "chunk": c[1]})
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// newHeartbeatEnv is an apiEnv whose server has the stub runtime in front.
func newHeartbeatEnv(t *testing.T, rt *stubRuntime) (*apiEnv, entity) {
	t.Helper()
	e := newAPIEnv(t)
	e.company("Acme")
	var ag entity
	e.mustJSON(&ag, "agent", "create", "--payload-json", `{"name":"Ceo","role":"ceo","adapterType":"claude_local"}`)
	rt.next = e.srv.Config.Handler
	stub := httptest.NewServer(rt)
	t.Cleanup(stub.Close)
	e.env["PAPERCLIP_API_URL"] = stub.URL
	return e, ag
}

func TestHeartbeatRunStreamsClaudeRun(t *testing.T) {
	rt := &stubRuntime{
		statuses: []string{"queued", "running", "running", "succeeded"},
		events: []map[string]any{
			{"seq": 1.0, "eventType": "lifecycle", "message": "run started"},
			{"seq": 2.0, "eventType": "adapter.invoke", "payload": map[string]any{"adapterType": "claude_local", "command": "claude",
				"commandArgs": []string{"--print", "-"}, "cwd": "/work", "env": map[string]string{"PAPERCLIP_API_KEY": "***REDACTED***"}, "prompt": "Do the work"}},
			{"seq": 3.0, "eventType": "error", "message": "adapter warning"},
		},
		log: logLines(
			[2]string{"stdout", `{"type":"system","subtype":"init","session_id":"s1","model":"sonnet"}` + "\n"},
			[2]string{"stdout", `{"type":"assistant","message":{"content":[{"type":"text","text":"Checking the inbox"},`},
			[2]string{"stdout", `{"type":"tool_use","name":"Bash"}]}}` + "\n"},
			[2]string{"stderr", "a warning\n"},
			[2]string{"system", "[paperclip] run log note\n"},
			[2]string{"stdout", `{"type":"result","subtype":"success","is_error":false,"result":"done","total_cost_usd":0.0123,"usage":{"input_tokens":100,"cache_read_input_tokens":10,"output_tokens":20}}` + "\n"},
		),
	}
	e, ag := newHeartbeatEnv(t, rt)
	r := e.mustRun("", "heartbeat", "run", "-a", ag.ID, "--source", "timer", "--trigger", "system")
	want := strings.Join([]string{
		"Invoked heartbeat run " + stubRunID + " for agent Ceo (" + ag.ID + ")",
		"Adapter: claude_local",
		"Working dir: /work",
		"Command: claude --print -",
		"Env:",
		"  PAPERCLIP_API_KEY=***REDACTED***",
		"Prompt:",
		"  Do the work",
		"[event] error: adapter warning",
		"Claude session s1 (model sonnet)",
		"Checking the inbox",
		"tool: Bash",
		"[stderr] a warning",
		"[system] [paperclip] run log note",
		"result: success cost=$0.0123 tokens in=100 cached=10 out=20",
	}, "\n")
	got := r.stdout
	for _, l := range []string{"[status] queued\n", "[status] running\n", "[status] succeeded\n"} {
		if !strings.Contains(got, l) {
			t.Errorf("missing %q", l)
		}
		got = strings.Replace(got, l, "", 1)
	}
	if got != want+"\nRun "+stubRunID+" completed with status succeeded\n" {
		t.Fatalf("stdout:\n%s\nwant:\n%s", got, want)
	}
	if rt.woken["source"] != "timer" || rt.woken["triggerDetail"] != "system" {
		t.Fatalf("wakeup body %v", rt.woken)
	}
}

func TestHeartbeatRunFailure(t *testing.T) {
	rt := &stubRuntime{statuses: []string{"running", "failed"}, run: map[string]any{
		"error": "Claude run failed: subtype=error_during_execution: boom", "stderrExcerpt": "fatal: boom\n",
		"resultJson": map[string]any{"type": "result", "subtype": "error_during_execution", "is_error": true, "result": "boom"},
	}}
	e, ag := newHeartbeatEnv(t, rt)
	r := e.run("", "heartbeat", "run", "--agent-id", ag.ID)
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	r.has(t, "Run "+stubRunID+" completed with status failed\n",
		"Error: Claude run failed: subtype=error_during_execution: boom\n",
		"Claude result: subtype=error_during_execution is_error=true\n",
		"stderr excerpt:\nfatal: boom\n")
	// --json: only the final run, same exit code.
	rt.polls = 0
	r = e.run("", "heartbeat", "run", "-a", ag.ID, "--json")
	var run map[string]any
	if r.code != 1 || json.Unmarshal([]byte(r.stdout), &run) != nil || run["status"] != "failed" {
		t.Fatalf("--json: exit %d\n%s", r.code, r.stdout)
	}
}

// TestHeartbeatRunSkippedTimeoutAndErrors runs against the real runtime routes. No
// scheduler executes runs in this harness, so a woken run stays queued: that is the
// timeout case. A policy skip and an unknown agent come from the real server too.
func TestHeartbeatRunSkippedTimeoutAndErrors(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	ag := e.agent("Ceo")
	r := e.run("", "heartbeat", "run", "-a", ag.ID, "--timeout-ms", "300")
	if r.code != 1 || !strings.Contains(r.stderr, "CLI timed out after 300ms") ||
		!strings.Contains(r.stdout, "Invoked heartbeat run ") || !strings.Contains(r.stdout, "for agent Ceo ("+ag.ID+")") {
		t.Fatalf("timeout: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if req := e.lastRequest(t, "POST", "/api/agents/"); !sameJSON(req.body, `{"source":"on_demand","triggerDetail":"manual"}`) {
		t.Errorf("wake body %s", req.body)
	}

	e.mustRun("", "agent", "update", ag.ID, "--payload-json", `{"runtimeConfig":{"heartbeat":{"wakeOnDemand":false}}}`)
	if r := e.mustRun("", "heartbeat", "run", "-a", ag.ID); r.stdout != "Heartbeat invocation was skipped (heartbeat.wakeOnDemand.disabled)\n" {
		t.Fatalf("skipped: %q", r.stdout)
	}
	var skip map[string]any
	if r := e.mustRun("", "heartbeat", "run", "-a", ag.ID, "--json"); json.Unmarshal([]byte(r.stdout), &skip) != nil ||
		skip["status"] != "skipped" || skip["reason"] != "heartbeat.wakeOnDemand.disabled" {
		t.Fatalf("skipped json: %q", r.stdout)
	}
	if r := e.run("", "heartbeat", "run", "-a", "00000000-0000-4000-8000-000000000000"); r.code != 1 ||
		strings.TrimSpace(r.stderr) != "Agent not found: 00000000-0000-4000-8000-000000000000" {
		t.Fatalf("unknown agent: %d %q", r.code, r.stderr)
	}
	if r := e.run("", "heartbeat", "run"); r.code != 2 || !strings.Contains(r.stderr, `required flag(s) "agent-id" not set`) {
		t.Fatalf("no agent: %d %q", r.code, r.stderr)
	}
}

func TestCodexLineFormatter(t *testing.T) {
	for line, want := range map[string]string{
		`{"type":"thread.started","thread_id":"t1"}`:                                                     "Codex thread t1",
		`{"type":"item.completed","item":{"type":"agent_message","text":"All done"}}`:                    "All done",
		`{"type":"item.started","item":{"type":"command_execution","command":"ls -la"}}`:                 "command: ls -la",
		`{"type":"item.completed","item":{"type":"command_execution","command":"false","exit_code":1}}`:  "command exited with code 1: false",
		`{"type":"turn.completed","usage":{"input_tokens":5,"cached_input_tokens":1,"output_tokens":2}}`: "usage: in=5 cached=1 out=2",
		`{"type":"turn.failed","error":{"message":"rate limited"}}`:                                      "error: rate limited",
		`not json`:                "not json",
		`{"type":"turn.started"}`: "",
	} {
		if got := strings.Join(formatCodexLine(line), "|"); got != want {
			t.Errorf("%s: %q, want %q", line, got, want)
		}
	}
}
