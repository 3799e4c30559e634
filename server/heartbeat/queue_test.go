package heartbeat_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// gate is a script that blocks until its release file exists, so a test decides when
// a run ends.
func gate(dir string) (script, release string) {
	release = filepath.Join(dir, "release")
	return `while [ ! -f ` + release + ` ]; do sleep 0.05; done; echo done`, release
}

func TestCoalesceDeferAndPromote(t *testing.T) {
	r := newRuntime(t, nil)
	script, release := gate(t.TempDir())
	a := r.shAgent("Alpha", script, nil)
	b := r.shAgent("Beta", "echo beta", nil)
	is := r.issue("Shared", "")

	first := r.invoke(a.ID, map[string]any{"issueId": is.ID})
	r.waitRun(first.Run.ID, func(run store.HeartbeatRun) bool { return run.Status == store.RunRunning })
	// Same agent, same issue, no new comment: merged into the running run.
	again := r.invoke(a.ID, map[string]any{"issueId": is.ID})
	if again.Created || again.Run == nil || again.Run.ID != first.Run.ID {
		t.Fatalf("same-agent wake did not coalesce: %+v", again)
	}
	// Another agent on the locked issue is deferred, twice into one row.
	d1 := r.invoke(b.ID, map[string]any{"issueId": is.ID})
	d2 := r.invoke(b.ID, map[string]any{"issueId": is.ID})
	if d1.Skip == nil || d1.Skip.Reason != store.SkipDeferred || deref(d1.Skip.ExecutionRunID) != first.Run.ID || d2.WakeupID != d1.WakeupID {
		t.Fatalf("deferral: %+v %+v", d1.Skip, d2)
	}
	os.WriteFile(release, nil, 0o600)
	r.waitDone(first.Run.ID)
	var promoted string
	waitFor(t, "promotion", func() bool {
		runs, _ := r.st.FindHeartbeatRuns(context.Background(), store.RunFilter{CompanyID: r.company.ID, AgentID: b.ID})
		if len(runs) == 1 {
			promoted = runs[0].ID
		}
		return promoted != ""
	})
	run := r.waitDone(promoted)
	if run.AgentID != b.ID || run.Status != store.RunSucceeded {
		t.Fatalf("promoted run: agent %s status %s", run.AgentID, run.Status)
	}
	waitFor(t, "lock released", func() bool {
		got, _ := r.st.FindIssueByID(context.Background(), is.ID)
		return got.ExecutionRunID == nil
	})
}

func TestMaxConcurrentRunsPerAgent(t *testing.T) {
	r := newRuntime(t, nil)
	script, release := gate(t.TempDir())
	a := r.agent("Pair", store.AdapterProcess, map[string]any{"command": "sh", "args": []any{"-c", script}},
		map[string]any{"heartbeat": map[string]any{"maxConcurrentRuns": 2}})
	var ids []string
	for i := 0; i < 3; i++ {
		out := r.invoke(a.ID, map[string]any{"issueId": r.issue("Task", "").ID})
		ids = append(ids, out.Run.ID)
	}
	waitFor(t, "two running", func() bool {
		n, _ := r.st.CountRunningRuns(context.Background(), a.ID)
		return n == 2
	})
	third, _ := r.st.FindHeartbeatRunByID(context.Background(), ids[2])
	if third.Status != store.RunQueued {
		t.Fatalf("third run %s while two hold both slots", third.Status)
	}
	os.WriteFile(release, nil, 0o600)
	for _, id := range ids {
		if run := r.waitDone(id); run.Status != store.RunSucceeded {
			t.Errorf("run %s: %s", id, run.Status)
		}
	}
}

func TestAssignmentWakesThroughTheStoreHook(t *testing.T) {
	r := newRuntime(t, nil)
	a := r.shAgent("Assignee", `echo "task=$PAPERCLIP_TASK_ID reason=$PAPERCLIP_WAKE_REASON"`, nil)
	is := r.issue("Do it", a.ID)
	var runID string
	waitFor(t, "assignment run", func() bool {
		got, _ := r.st.FindIssueByID(context.Background(), is.ID)
		if got.ExecutionRunID != nil {
			runID = *got.ExecutionRunID
		}
		return runID != ""
	})
	run := r.waitDone(runID)
	if log := r.logText(run); !strings.Contains(log, "task="+is.ID+" reason=issue_assigned") {
		t.Errorf("log %q", log)
	}
}

func TestBootRecoveryFailsLostRunsAndStopsSurvivors(t *testing.T) {
	r := newRuntime(t, nil)
	a := r.shAgent("Ghost", "true", nil)
	is := r.issue("Locked by the dead", "")
	// A run a crashed server left behind: running, its process still alive. The live
	// scheduler stops first, or its worker may claim and run the queued run itself.
	r.stop()
	out, err := r.st.EnqueueWake(boardCtx(), store.WakeRequest{AgentID: a.ID, Source: "on_demand", Payload: map[string]any{"issueId": is.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.ClaimRun(context.Background(), out.Run.ID); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(t.TempDir(), "pids")
	child := startOrphan(t, pidFile)
	pids := readPids(t, pidFile)
	if err := r.st.RecordRunSpawn(context.Background(), out.Run.ID, child, child, processStart(t, child)); err != nil {
		t.Fatal(err)
	}
	ev := &eventLog{}
	sch := heartbeat.New(heartbeat.Config{RunLogDir: r.dir, InstanceDir: r.dir}, r.st, heartbeat.NewRegistry(), ev, nil, nil)
	sch.Recover(context.Background())
	assertGone(t, pids)
	run, _ := r.st.FindHeartbeatRunByID(context.Background(), out.Run.ID)
	if run.Status != store.RunFailed || deref(run.ErrorCode) != "process_lost" ||
		!strings.HasPrefix(deref(run.Error), "Process lost -- orphaned process group") {
		t.Fatalf("lost run: %s %s %s", run.Status, deref(run.ErrorCode), deref(run.Error))
	}
	got, _ := r.st.FindIssueByID(context.Background(), is.ID)
	if got.ExecutionRunID == nil || *got.ExecutionRunID == run.ID {
		t.Fatalf("retry should hold the lock: %v", got.ExecutionRunID)
	}
	// The retry was a process-loss retry; losing it too releases the lock for good.
	retryID := *got.ExecutionRunID
	if _, err := r.st.ClaimRun(context.Background(), retryID); err != nil {
		t.Fatal(err)
	}
	sch.Recover(context.Background())
	retry, _ := r.st.FindHeartbeatRunByID(context.Background(), retryID)
	if deref(retry.Error) != "Process lost -- server restarted" {
		t.Errorf("second loss: %s", deref(retry.Error))
	}
	got, _ = r.st.FindIssueByID(context.Background(), is.ID)
	if got.ExecutionRunID != nil {
		t.Errorf("issue still locked after the retry was lost too")
	}
}

// startOrphan starts a process tree in its own group that nobody waits for, like the
// children of a killed server.
func startOrphan(t *testing.T, pidFile string) int {
	t.Helper()
	cmd := orphanCommand(treeScript(pidFile, false))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	t.Cleanup(func() { heartbeat.StopGroup(cmd.Process.Pid, time.Second) })
	return cmd.Process.Pid
}

func processStart(t *testing.T, pid int) time.Time {
	started, ok := heartbeat.ProcessStartTime(pid)
	if !ok {
		t.Skip("no process start times on this platform")
	}
	return started
}

// TestBootRecoveryNeverSignalsARecycledPid: the recorded pid is alive but started at
// another time than the run's child, so it is someone else's process now; recovery
// fails the run without touching it.
func TestBootRecoveryNeverSignalsARecycledPid(t *testing.T) {
	r := newRuntime(t, nil)
	a := r.shAgent("Ghost", "true", nil)
	r.stop()
	out, err := r.st.EnqueueWake(boardCtx(), store.WakeRequest{AgentID: a.ID, Source: "on_demand"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.ClaimRun(context.Background(), out.Run.ID); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(t.TempDir(), "pids")
	other := startOrphan(t, pidFile)
	pids := readPids(t, pidFile)
	started := processStart(t, other)
	if err := r.st.RecordRunSpawn(context.Background(), out.Run.ID, other, other, started.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	heartbeat.New(heartbeat.Config{RunLogDir: r.dir, InstanceDir: r.dir}, r.st, heartbeat.NewRegistry(), nil, nil, nil).
		Recover(context.Background())
	for _, pid := range pids {
		if !heartbeat.ProcessAlive(pid) {
			t.Errorf("process %d, not the run's, was signalled", pid)
		}
	}
	run, _ := r.st.FindHeartbeatRunByID(context.Background(), out.Run.ID)
	if run.Status != store.RunFailed || deref(run.Error) != "Process lost -- server restarted; retrying once" {
		t.Fatalf("run %s %s", run.Status, deref(run.Error))
	}
}
