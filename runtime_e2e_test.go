package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// apiJSON calls the API and decodes a JSON object answer, failing on another status.
func apiJSON(t *testing.T, method, url string, body any, want int) map[string]any {
	t.Helper()
	status, data := call(t, method, url, body)
	if status != want {
		t.Fatalf("%s %s: %d %s", method, url, status, data)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}

func apiList(t *testing.T, url string) []map[string]any {
	t.Helper()
	status, data := call(t, http.MethodGet, url, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, status, data)
	}
	var l []map[string]any
	json.Unmarshal(data, &l)
	return l
}

// poll retries cond every 50 ms for up to 60 s.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func newFakeAgent(t *testing.T, url, companyID, name string, env map[string]any) string {
	t.Helper()
	a := apiJSON(t, http.MethodPost, url+"/api/companies/"+companyID+"/agents", map[string]any{"name": name,
		"adapterType": "process", "adapterConfig": map[string]any{"command": fakeAgent, "env": env, "graceSec": 1}}, http.StatusCreated)
	return a["id"].(string)
}

// TestAgentWorksAnAssignedIssueEndToEnd is the product's promise: a board user assigns
// an issue to a process agent and the agent, woken by the assignment, checks it out,
// comments and finishes it with its run JWT, visibly in runs, the run log and activity.
func TestAgentWorksAnAssignedIssueEndToEnd(t *testing.T) {
	home := t.TempDir()
	s := startServer(t, instanceEnv(home), "run", "--no-open")
	company := apiJSON(t, http.MethodPost, s.url+"/api/companies", map[string]any{"name": "Runtime Inc"}, http.StatusCreated)
	cid := company["id"].(string)
	agentID := newFakeAgent(t, s.url, cid, "Worker", nil)
	// The board watches over the live-events socket, like the UI; a second client that
	// never reads must not hold anything up.
	events := watchEvents(t, s.url, cid)
	idle := dialEvents(t, s.url, cid)
	defer idle.CloseNow()
	issue := apiJSON(t, http.MethodPost, s.url+"/api/companies/"+cid+"/issues", map[string]any{"title": "Write the report",
		"status": "todo", "assigneeAgentId": agentID}, http.StatusCreated)
	issueID := issue["id"].(string)

	poll(t, "issue done", func() bool {
		got := apiJSON(t, http.MethodGet, s.url+"/api/issues/"+issueID, nil, http.StatusOK)
		return got["status"] == "done"
	})
	var run map[string]any
	poll(t, "run succeeded", func() bool {
		runs := apiList(t, s.url+"/api/companies/"+cid+"/heartbeat-runs?agentId="+agentID)
		if len(runs) == 1 && runs[0]["status"] == "succeeded" {
			run = runs[0]
		}
		return run != nil
	})
	runID := run["id"].(string)
	if run["invocationSource"] != "assignment" || run["issueId"] != issueID {
		t.Errorf("run source %v issue %v", run["invocationSource"], run["issueId"])
	}
	comments := apiList(t, s.url+"/api/issues/"+issueID+"/comments")
	if len(comments) != 1 || comments[0]["body"] != "Done by fakeagent in run "+runID || comments[0]["authorAgentId"] != agentID {
		t.Errorf("comments %v", comments)
	}
	log := apiJSON(t, http.MethodGet, s.url+"/api/heartbeat-runs/"+runID+"/log", nil, http.StatusOK)
	content, _ := log["content"].(string)
	if !strings.Contains(content, "I am "+agentID+", woken for issue_assigned") || !strings.Contains(content, "finished "+issueID) {
		t.Errorf("run log:\n%s", content)
	}
	acts := apiList(t, s.url+"/api/companies/"+cid+"/activity")
	seen := map[string]bool{}
	for _, a := range acts {
		if a["runId"] == runID && a["actorId"] == agentID {
			seen[a["action"].(string)] = true
		}
	}
	for _, action := range []string{"issue.checked_out", "issue.comment_added", "issue.updated"} {
		if !seen[action] {
			t.Errorf("activity lacks %s by the agent's run (saw %v)", action, seen)
		}
	}
	byAgent := apiList(t, s.url+"/api/companies/"+cid+"/costs/by-agent")
	if len(byAgent) != 1 || byAgent[0]["agentId"] != agentID || byAgent[0]["costCents"] != float64(2) || byAgent[0]["inputTokens"] != float64(120) {
		t.Errorf("the run's cost event: %v", byAgent)
	}
	got := apiJSON(t, http.MethodGet, s.url+"/api/issues/"+issueID, nil, http.StatusOK)
	if got["executionRunId"] != nil {
		t.Errorf("issue still locked by %v", got["executionRunId"])
	}
	checkLiveEvents(t, events, cid, runID, agentID)
	if code := s.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestKillNineMidRunThenRestart: a server killed with SIGKILL leaves a running run and
// its child behind. The restarted server stops the orphan, fails the run with a reason,
// retries it once, releases the issue lock, and the agent can be woken again.
func TestKillNineMidRunThenRestart(t *testing.T) {
	home := t.TempDir()
	env := instanceEnv(home)
	s := startServer(t, env, "run", "--no-open")
	company := apiJSON(t, http.MethodPost, s.url+"/api/companies", map[string]any{"name": "Crashy Inc"}, http.StatusCreated)
	cid := company["id"].(string)
	dir := t.TempDir()
	pidFile, onceFile := filepath.Join(dir, "pid"), filepath.Join(dir, "once")
	agentID := newFakeAgent(t, s.url, cid, "Sleeper", map[string]any{"FAKE_MODE": "sleep", "FAKE_PID_FILE": pidFile,
		"FAKE_ONCE_FILE": onceFile})
	issue := apiJSON(t, http.MethodPost, s.url+"/api/companies/"+cid+"/issues", map[string]any{"title": "Survive a crash",
		"status": "todo", "assigneeAgentId": agentID}, http.StatusCreated)
	issueID := issue["id"].(string)
	var pid int
	poll(t, "child pid", func() bool {
		raw, err := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(raw)))
		return err == nil && pid > 0
	})
	runs := apiList(t, s.url+"/api/companies/"+cid+"/heartbeat-runs?agentId="+agentID)
	if len(runs) != 1 || runs[0]["status"] != "running" {
		t.Fatalf("runs before the crash: %v", runs)
	}
	lostID := runs[0]["id"].(string)
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	if !alive(pid) {
		t.Fatalf("the child died with the server; the test needs it orphaned")
	}

	s2 := startServer(t, env, "run", "--no-open")
	defer s2.stop(t)
	if alive(pid) {
		t.Errorf("orphaned child %d survived the restart", pid)
	}
	lost := apiJSON(t, http.MethodGet, s2.url+"/api/heartbeat-runs/"+lostID, nil, http.StatusOK)
	if lost["status"] != "failed" || lost["errorCode"] != "process_lost" ||
		!strings.HasPrefix(lost["error"].(string), "Process lost -- orphaned process group") {
		t.Fatalf("lost run: %v %v %v", lost["status"], lost["errorCode"], lost["error"])
	}
	// The retry works the issue; the lock is released when it ends.
	poll(t, "retry finished the issue", func() bool {
		got := apiJSON(t, http.MethodGet, s2.url+"/api/issues/"+issueID, nil, http.StatusOK)
		return got["status"] == "done" && got["executionRunId"] == nil
	})
	out := apiJSON(t, http.MethodPost, s2.url+"/api/agents/"+agentID+"/wakeup", map[string]any{"reason": "after the crash"},
		http.StatusAccepted)
	if out["id"] == nil || out["status"] != "queued" {
		t.Fatalf("wake after restart: %v", out)
	}
}

// alive reports whether pid is a live process (zombies count as dead).
func alive(pid int) bool {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}

// TestShutdownLeavesNoAgentProcess: SIGTERM to the server mid-run stops the agent's
// whole process tree before the server exits; a scan of every process on the machine
// finds none of the fake agent's left.
func TestShutdownLeavesNoAgentProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("needs /proc to scan processes")
	}
	home := t.TempDir()
	s := startServer(t, instanceEnv(home), "run", "--no-open")
	company := apiJSON(t, http.MethodPost, s.url+"/api/companies", map[string]any{"name": "Tidy Inc"}, http.StatusCreated)
	cid := company["id"].(string)
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	agentID := newFakeAgent(t, s.url, cid, "Sleeper", map[string]any{"FAKE_MODE": "sleep", "FAKE_PID_FILE": pidFile,
		"FAKE_ONCE_FILE": filepath.Join(dir, "once"), "FAKE_GRANDCHILD": "1", "FAKE_SLEEP_SEC": "600"})
	apiJSON(t, http.MethodPost, s.url+"/api/companies/"+cid+"/issues", map[string]any{"title": "Interrupted",
		"status": "todo", "assigneeAgentId": agentID}, http.StatusCreated)
	poll(t, "agent child and grandchild", func() bool {
		_, err := os.Stat(pidFile)
		return err == nil && len(agentProcesses()) >= 2
	})
	if code := s.stop(t); code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, s.stderr)
	}
	if left := agentProcesses(); len(left) > 0 {
		t.Fatalf("agent processes survived the server: %v", left)
	}
}

// agentProcesses lists the live processes running the fake agent binary, found by
// scanning /proc (zombies, which nothing can stop, do not count).
func agentProcesses() []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		argv0, _, _ := strings.Cut(string(cmdline), "\x00")
		if argv0 == fakeAgent && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}
