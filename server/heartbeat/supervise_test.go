package heartbeat_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// treeScript starts a grandchild sleeper, records both pids, then sleeps itself;
// with ignore it also ignores SIGTERM, so only SIGKILL ends it.
func treeScript(pidFile string, ignore bool) string {
	trap := ""
	if ignore {
		trap = "trap '' TERM; "
	}
	return trap + `sleep 120 & echo "$$ $!" > ` + pidFile + `; echo started; while true; do sleep 1; done`
}

// readPids waits for a tree script's pid file.
func readPids(t *testing.T, file string) []int {
	t.Helper()
	var pids []int
	waitFor(t, "pid file", func() bool {
		raw, err := os.ReadFile(file)
		if err != nil || !strings.HasSuffix(string(raw), "\n") {
			return false
		}
		pids = nil
		for _, f := range strings.Fields(string(raw)) {
			n, _ := strconv.Atoi(f)
			pids = append(pids, n)
		}
		return len(pids) == 2
	})
	return pids
}

func assertGone(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		if heartbeat.ProcessAlive(pid) {
			t.Errorf("process %d survived", pid)
		}
	}
}

func TestTimeoutKillsTheWholeTree(t *testing.T) {
	r := newRuntime(t, nil)
	pidFile := filepath.Join(t.TempDir(), "pids")
	a := r.shAgent("Stubborn", treeScript(pidFile, true), map[string]any{"timeoutSec": 1, "graceSec": 1})
	is := r.issue("Long task", "")
	out := r.invoke(a.ID, map[string]any{"issueId": is.ID})
	pids := readPids(t, pidFile)
	run := r.waitDone(out.Run.ID)
	if run.Status != store.RunTimedOut || deref(run.ErrorCode) != "timeout" || deref(run.Error) != "Timed out after 1s" {
		t.Fatalf("run %s %s %s", run.Status, deref(run.ErrorCode), deref(run.Error))
	}
	if deref(run.Signal) != "SIGKILL" {
		t.Errorf("signal %s: the child ignores SIGTERM, so it must have been killed", deref(run.Signal))
	}
	assertGone(t, pids)
	got, _ := r.st.FindIssueByID(context.Background(), is.ID)
	if got.ExecutionRunID != nil {
		t.Errorf("issue still locked by %s after the timeout", *got.ExecutionRunID)
	}
	ag, _ := r.st.FindAgentByID(context.Background(), a.ID)
	if ag.Status != store.AgentError || ag.ErrorReason == nil {
		t.Errorf("agent %s %v after a timed-out run", ag.Status, ag.ErrorReason)
	}
}

func TestCancelRunningAndQueued(t *testing.T) {
	r := newRuntime(t, nil)
	pidFile := filepath.Join(t.TempDir(), "pids")
	a := r.shAgent("Worker", treeScript(pidFile, false), map[string]any{"graceSec": 1})
	is := r.issue("Cancel me", "")
	first := r.invoke(a.ID, map[string]any{"issueId": is.ID})
	pids := readPids(t, pidFile)
	// A second wake without an issue queues behind the first (one run at a time).
	second := r.invoke(a.ID, nil)
	if !second.Created {
		t.Fatalf("second wake: %+v", second)
	}
	cancelled, err := r.sch.Cancel(boardCtx(), second.Run.ID, "Cancelled by a board operator")
	if err != nil || cancelled.Status != store.RunCancelled {
		t.Fatalf("cancel queued: %v %s", err, cancelled.Status)
	}
	run, err := r.sch.Cancel(boardCtx(), first.Run.ID, "Cancelled by a board operator")
	if err != nil || run.Status != store.RunCancelled {
		t.Fatalf("cancel running: %v %s", err, run.Status)
	}
	done := r.waitDone(first.Run.ID)
	if done.Status != store.RunCancelled || deref(done.ErrorCode) != "cancelled" || deref(done.Error) != "Cancelled by a board operator" {
		t.Fatalf("after the process exited: %s %s %s", done.Status, deref(done.ErrorCode), deref(done.Error))
	}
	assertGone(t, pids)
	again, err := r.sch.Cancel(boardCtx(), first.Run.ID, "again")
	if err != nil || deref(again.Error) != "Cancelled by a board operator" {
		t.Errorf("cancel of a terminal run must be a no-op: %v %s", err, deref(again.Error))
	}
	got, _ := r.st.FindIssueByID(context.Background(), is.ID)
	if got.ExecutionRunID != nil {
		t.Errorf("issue still locked after cancel")
	}
	waitFor(t, "agent idle", func() bool {
		ag, _ := r.st.FindAgentByID(context.Background(), a.ID)
		return ag.Status == store.AgentIdle
	})
}

func TestShutdownLeavesNoChildAndQueuesTheRetry(t *testing.T) {
	r := newRuntime(t, nil)
	pidFile := filepath.Join(t.TempDir(), "pids")
	a := r.shAgent("Sleeper", treeScript(pidFile, true), map[string]any{"graceSec": 1})
	is := r.issue("Interrupted", "")
	out := r.invoke(a.ID, map[string]any{"issueId": is.ID})
	pids := readPids(t, pidFile)
	r.stop()
	assertGone(t, pids)
	run, _ := r.st.FindHeartbeatRunByID(context.Background(), out.Run.ID)
	if run.Status != store.RunFailed || deref(run.ErrorCode) != "process_lost" ||
		deref(run.Error) != "Process lost -- server shut down; retrying once" {
		t.Fatalf("run after shutdown: %s %s %s", run.Status, deref(run.ErrorCode), deref(run.Error))
	}
	got, _ := r.st.FindIssueByID(context.Background(), is.ID)
	if got.ExecutionRunID == nil || *got.ExecutionRunID == run.ID {
		t.Fatalf("the retry must take over the issue lock, got %v", got.ExecutionRunID)
	}
	retry, _ := r.st.FindHeartbeatRunByID(context.Background(), *got.ExecutionRunID)
	if retry.Status != store.RunQueued || deref(retry.RetryOfRunID) != run.ID {
		t.Errorf("retry %s retryOf %s", retry.Status, deref(retry.RetryOfRunID))
	}
}

// TestCascadeCancelsStopTheProcess: a transaction that cancels live runs (pausing the
// agent, cancelling the issue) reaches the runtime after commit, which stops the
// running process tree; the run keeps the cascade's reason and the issue is unlocked.
func TestCascadeCancelsStopTheProcess(t *testing.T) {
	r := newRuntime(t, nil)
	for _, tc := range []struct {
		name, reason string
		cascade      func(a store.Agent, is store.Issue) error
		agentStatus  string
	}{
		{"pause", "Cancelled due to agent pause", func(a store.Agent, _ store.Issue) error {
			_, err := r.st.PauseAgent(boardCtx(), a.ID)
			return err
		}, store.AgentPaused},
		{"issue cancelled", "Cancelled because the issue was cancelled", func(_ store.Agent, is store.Issue) error {
			_, err := r.st.UpdateIssue(boardCtx(), is.ID, store.IssuePatch{Status: store.Some("cancelled")})
			return err
		}, store.AgentIdle},
	} {
		pidFile := filepath.Join(t.TempDir(), "pids")
		a := r.shAgent("Worker "+tc.name, treeScript(pidFile, false), map[string]any{"graceSec": 1})
		is := r.issue("Work "+tc.name, "")
		out := r.invoke(a.ID, map[string]any{"issueId": is.ID})
		pids := readPids(t, pidFile)
		if err := tc.cascade(a, is); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		run := r.waitDone(out.Run.ID)
		if run.Status != store.RunCancelled || deref(run.Error) != tc.reason {
			t.Fatalf("%s: run %s %s", tc.name, run.Status, deref(run.Error))
		}
		assertGone(t, pids)
		got, _ := r.st.FindIssueByID(context.Background(), is.ID)
		if got.ExecutionRunID != nil {
			t.Errorf("%s: issue still locked", tc.name)
		}
		waitFor(t, "agent status", func() bool {
			ag, _ := r.st.FindAgentByID(context.Background(), a.ID)
			return ag.Status == tc.agentStatus
		})
	}
}
