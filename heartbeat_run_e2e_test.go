package main_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// TestHeartbeatRunCommandEndToEnd runs the built binary's `heartbeat run` against a
// running server whose agent is the fake process agent: the command wakes it, streams
// the run's status, events and stdout as they happen, and exits 0 for a succeeded run;
// an agent that fails gives its stderr and exit code 1.
func TestHeartbeatRunCommandEndToEnd(t *testing.T) {
	home := t.TempDir()
	env := instanceEnv(home)
	s := startServer(t, env, "run", "--no-open")
	company := apiJSON(t, http.MethodPost, s.url+"/api/companies", map[string]any{"name": "Streaming Inc"}, http.StatusCreated)
	cid := company["id"].(string)
	agentID := newFakeAgent(t, s.url, cid, "Streamer", nil)
	client := append(env, "PAPERCLIP_API_URL="+s.url)

	code, out, errs := runOnce(t, client, "heartbeat", "run", "-a", agentID, "--timeout-ms", "60000")
	runID := ""
	for _, line := range strings.Split(out, "\n") {
		if _, err := fmt.Sscanf(line, "Invoked heartbeat run %s for agent", &runID); err == nil {
			break
		}
	}
	if code != 0 || runID == "" {
		t.Fatalf("heartbeat run: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{
		"Invoked heartbeat run " + runID + " for agent Streamer (" + agentID + ")\n",
		"[status] ", // which statuses a 200 ms poll sees depends on the agent's speed
		"Adapter: process\n",
		"I am " + agentID + ", woken for ",
		"nothing to do\n",
		"Run " + runID + " completed with status succeeded\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q\n%s", want, out)
		}
	}
	// Streamed in order: the agent's line comes after the start and before the end.
	if i, j := strings.Index(out, "I am "), strings.Index(out, "completed with status"); i < 0 || j < i {
		t.Errorf("agent output not between start and end:\n%s", out)
	}

	if runtime.GOOS != "windows" {
		failing := apiJSON(t, http.MethodPost, s.url+"/api/companies/"+cid+"/agents", map[string]any{"name": "Breaker",
			"adapterType": "process", "adapterConfig": map[string]any{"command": "sh",
				"args": []string{"-c", "echo working; echo disk full >&2; exit 3"}, "graceSec": 1}}, http.StatusCreated)
		code, out, errs = runOnce(t, client, "heartbeat", "run", "-a", failing["id"].(string), "--timeout-ms", "60000")
		if code != 1 {
			t.Fatalf("failing agent: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
		}
		for _, want := range []string{"working\n", "[stderr] disk full\n", "completed with status failed\n", "Error: "} {
			if !strings.Contains(out+errs, want) {
				t.Errorf("failing run lacks %q\nstdout:\n%s\nstderr:\n%s", want, out, errs)
			}
		}
	}

	// --json: no streaming, the final run object.
	code, out, _ = runOnce(t, client, "heartbeat", "run", "-a", agentID, "--json", "--timeout-ms", "60000")
	if code != 0 || !strings.HasPrefix(out, "{\n") || !strings.Contains(out, `"status": "succeeded"`) || strings.Contains(out, "[status]") {
		t.Errorf("--json: exit %d\n%s", code, out)
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("server exit %d", code)
	}
}
