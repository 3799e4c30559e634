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

// TestWorkingDirectoryRules walks runtime.md §7.1: the issue's project workspace when
// it exists on disk, else the agent's absolute cwd (created), else the agent home
// (created 0700); a relative cwd fails the run before anything is spawned.
func TestWorkingDirectoryRules(t *testing.T) {
	r := newRuntime(t, nil)
	ws, own := filepath.Join(t.TempDir(), "repo"), filepath.Join(t.TempDir(), "agent", "work")
	os.MkdirAll(ws, 0o755)
	p, err := r.st.CreateProject(boardCtx(), r.company.ID, store.ProjectInput{Name: store.Some("Site")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.CreateProjectWorkspace(boardCtx(), p.ID, store.WorkspaceInput{Name: store.Some("repo"),
		Cwd: store.Some(ws), IsPrimary: store.Some(true)}); err != nil {
		t.Fatal(err)
	}
	is, err := r.st.CreateIssue(boardCtx(), r.company.ID, store.IssueInput{Title: store.Some("In the project"),
		Status: store.Some("todo"), ProjectID: store.Some(p.ID)})
	if err != nil {
		t.Fatal(err)
	}
	const script = `echo "cwd=$(pwd) src=$PAPERCLIP_WORKSPACE_SOURCE ws=$PAPERCLIP_WORKSPACE_CWD"`
	a := r.shAgent("Builder", script, map[string]any{"cwd": own})
	expect := func(payload map[string]any, dir, source string) {
		t.Helper()
		run := r.waitDone(r.invoke(a.ID, payload).Run.ID)
		want := "cwd=" + dir + " src=" + source + " ws=" + dir
		if log := r.logText(run); run.Status != store.RunSucceeded || !strings.Contains(log, want) {
			t.Fatalf("run %s %s: log %q, want %q", run.Status, deref(run.Error), log, want)
		}
	}
	expect(map[string]any{"issueId": is.Issue.ID}, ws, "project_primary")
	expect(nil, own, "agent_config") // not issue-scoped: the project does not apply
	os.RemoveAll(ws)
	expect(map[string]any{"issueId": is.Issue.ID}, own, "agent_config") // workspace gone from disk

	home := r.shAgent("Homebody", script, nil)
	run := r.waitDone(r.invoke(home.ID, nil).Run.ID)
	dir := filepath.Join(r.dir, "workspaces", home.ID)
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 || !strings.Contains(r.logText(run), "src=agent_home") {
		t.Fatalf("agent home %v %v, log %q", info, err, r.logText(run))
	}

	rel := r.shAgent("Relative", script, map[string]any{"cwd": "work/here"})
	run = r.waitDone(r.invoke(rel.ID, nil).Run.ID)
	if run.Status != store.RunFailed || deref(run.ErrorCode) != "adapter_failed" || deref(run.Error) != "cwd must be an absolute path" {
		t.Fatalf("relative cwd: %s %s %s", run.Status, deref(run.ErrorCode), deref(run.Error))
	}
}

// TestWorkerPoolBoundsTheInstance: with one worker, a second agent's run stays queued
// through whole scheduler passes while the first holds the worker, then runs. An idle
// timer agent counts the passes: each tick skips it once, after resuming queued runs.
func TestWorkerPoolBoundsTheInstance(t *testing.T) {
	later := func() time.Time { return time.Now().Add(time.Hour) }
	r := newRuntime(t, func(c *heartbeat.Config) {
		c.MaxWorkers, c.TimersEnabled, c.TickInterval, c.Now = 1, true, 20*time.Millisecond, later
	})
	script, release := gate(t.TempDir())
	a, b := r.shAgent("First", script, nil), r.shAgent("Second", "echo second", nil)
	clock := r.agent("Clock", store.AdapterProcess, map[string]any{"command": "true"},
		map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 30}})
	passes := func() int64 {
		st, _ := r.st.FindRuntimeState(context.Background(), clock)
		return st.IdleSkipCount
	}
	first := r.invoke(a.ID, nil)
	r.waitRun(first.Run.ID, func(run store.HeartbeatRun) bool { return run.Status == store.RunRunning })
	second := r.invoke(b.ID, nil)
	seen := passes()
	waitFor(t, "two scheduler passes", func() bool { return passes() >= seen+2 })
	if run, _ := r.st.FindHeartbeatRunByID(context.Background(), second.Run.ID); run.Status != store.RunQueued {
		t.Fatalf("second agent's run %s while the only worker is busy", run.Status)
	}
	os.WriteFile(release, nil, 0o600)
	if run := r.waitDone(second.Run.ID); run.Status != store.RunSucceeded {
		t.Fatalf("second run %s", run.Status)
	}
	if run := r.waitDone(first.Run.ID); run.Status != store.RunSucceeded {
		t.Fatalf("first run %s", run.Status)
	}
}
