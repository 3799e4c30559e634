package heartbeat_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"paperclip/server/adapter/claude"
	"paperclip/server/adapter/codex"
	"paperclip/server/heartbeat"
	"paperclip/store"
)

type recording struct {
	Argv  []string          `json:"argv"`
	Env   map[string]string `json:"env"`
	Stdin string            `json:"stdin"`
}

func readRecord(t *testing.T, path string) recording {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec recording
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// commentWake is an automation wake (a comment), which resumes a saved session.
func (r *rt) commentWake(agentID, issueID string) store.WakeOutcome {
	r.t.Helper()
	reason := store.WakeIssueCommented
	out, err := r.sch.Wakeup(boardCtx(), store.WakeRequest{AgentID: agentID, Source: "automation", TriggerDetail: "system",
		Reason: &reason, Payload: map[string]any{"issueId": issueID}})
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

func TestClaudeRunsThroughTheFakeCLI(t *testing.T) {
	r := newRuntime(t, nil, claude.New())
	rec := filepath.Join(t.TempDir(), "rec.json")
	env := map[string]any{"FAKE_RECORD_FILE": rec, "FAKE_SESSION_ID": "sess-1", "FAKE_USAGE": "100,50,10", "FAKE_COST_USD": "0.25"}
	a := r.agent("Claude", store.AdapterClaudeLocal, map[string]any{"command": fakeClaude, "env": env}, nil)
	is := r.issue("Think", "")

	run := r.waitDone(r.invoke(a.ID, map[string]any{"issueId": is.ID}).Run.ID)
	if run.Status != store.RunSucceeded || deref(run.SessionIDAfter) != "sess-1" {
		t.Fatalf("first run %s %s session %s", run.Status, deref(run.Error), deref(run.SessionIDAfter))
	}
	first := readRecord(t, rec)
	if slices.Contains(first.Argv, "--resume") || !slices.Contains(first.Argv, "--add-dir") ||
		first.Env["PAPERCLIP_RUN_ID"] != run.ID || first.Env["PAPERCLIP_TASK_ID"] != is.ID ||
		!strings.Contains(first.Stdin, "## Paperclip wake") {
		t.Errorf("first invocation: %+v", first)
	}
	var usage map[string]any
	json.Unmarshal(run.UsageJSON, &usage)
	if usage["inputTokens"] != float64(100) || usage["costUsd"] != 0.25 || usage["provider"] != "anthropic" {
		t.Errorf("usage %v", usage)
	}
	st, _ := r.st.FindRuntimeState(context.Background(), a)
	if st.TotalInputTokens != 100 || st.TotalOutputTokens != 10 {
		t.Errorf("runtime totals %+v", st)
	}

	// A comment wake resumes the saved session.
	run = r.waitDone(r.commentWake(a.ID, is.ID).Run.ID)
	if second := readRecord(t, rec); run.Status != store.RunSucceeded || !containsPair(second.Argv, "--resume", "sess-1") {
		t.Fatalf("resume: %s argv %v", run.Status, second.Argv)
	}

	// The saved session is gone on the CLI side: one fresh retry inside the same run.
	env["FAKE_SCENARIO"], env["FAKE_SESSION_ID"] = "unknown_session", "sess-2"
	r.updateConfig(a, map[string]any{"command": fakeClaude, "env": env})
	run = r.waitDone(r.commentWake(a.ID, is.ID).Run.ID)
	if third := readRecord(t, rec); run.Status != store.RunSucceeded || slices.Contains(third.Argv, "--resume") ||
		deref(run.SessionIDAfter) != "sess-2" {
		t.Fatalf("fresh retry: %s %s argv %v", run.Status, deref(run.Error), third.Argv)
	}

	env["FAKE_SCENARIO"] = "error"
	r.updateConfig(a, map[string]any{"command": fakeClaude, "env": env})
	run = r.waitDone(r.invoke(a.ID, map[string]any{"issueId": is.ID}).Run.ID)
	if run.Status != store.RunFailed || !strings.HasPrefix(deref(run.Error), "Claude run failed") {
		t.Fatalf("error scenario: %s %s", run.Status, deref(run.Error))
	}
}

func TestCodexRunsThroughTheFakeCLI(t *testing.T) {
	r := newRuntime(t, nil, codex.New())
	rec := filepath.Join(t.TempDir(), "rec.json")
	home := t.TempDir()
	env := map[string]any{"FAKE_RECORD_FILE": rec, "FAKE_SESSION_ID": "thread-1", "CODEX_HOME": home, "FAKE_USAGE": "100,40,10"}
	a := r.agent("Codex", store.AdapterCodexLocal, map[string]any{"command": fakeCodex, "env": env}, nil)
	is := r.issue("Code", "")
	run := r.waitDone(r.invoke(a.ID, map[string]any{"issueId": is.ID}).Run.ID)
	if run.Status != store.RunSucceeded || deref(run.SessionIDAfter) != "thread-1" {
		t.Fatalf("run %s %s session %s", run.Status, deref(run.Error), deref(run.SessionIDAfter))
	}
	if u := usageOf(t, run); u["usageSource"] != "run" || u["inputTokens"] != float64(100) || u["provider"] != "openai" {
		t.Errorf("first usage %v", u)
	}
	if skill, err := os.ReadFile(filepath.Join(home, "skills", "paperclip", "SKILL.md")); err != nil || len(skill) == 0 {
		t.Errorf("skill not installed under CODEX_HOME: %v", err)
	}
	run = r.waitDone(r.commentWake(a.ID, is.ID).Run.ID)
	if got := readRecord(t, rec); run.Status != store.RunSucceeded || !containsPair(got.Argv, "resume", "thread-1") {
		t.Fatalf("resume: %s argv %v", run.Status, got.Argv)
	}
	// The resumed thread reported its totals (200,80,20); the run is charged the growth.
	if u := usageOf(t, run); u["usageSource"] != "session_delta" || u["inputTokens"] != float64(100) ||
		u["cachedInputTokens"] != float64(40) || u["outputTokens"] != float64(10) || u["rawInputTokens"] != float64(200) {
		t.Errorf("resumed usage %v", u)
	}
	st, _ := r.st.FindRuntimeState(context.Background(), a)
	if st.TotalInputTokens != 200 || st.TotalCachedInputTokens != 80 || st.TotalOutputTokens != 20 {
		t.Errorf("runtime totals %+v, want the two runs' own usage (200,80,20)", st)
	}
	// The cost event follows the run row's transaction (§10.2), so it is polled for.
	var costs []store.AgentCost
	waitFor(t, "both runs' cost events", func() bool {
		costs, _ = r.st.FindCostsByAgent(context.Background(), r.company.ID, store.CostRange{})
		return len(costs) == 1 && costs[0].SubscriptionRunCount == 2
	})
	if costs[0].InputTokens != 200 || costs[0].CachedInputTokens != 80 || costs[0].OutputTokens != 20 {
		t.Errorf("cost events charged %+v, want 200/80/20 over both runs", costs)
	}
	// Totals below the previous run's mean the counter restarted: raw is charged.
	os.RemoveAll(filepath.Join(home, "fake-threads"))
	run = r.waitDone(r.commentWake(a.ID, is.ID).Run.ID)
	if u := usageOf(t, run); u["usageSource"] != "run" || u["inputTokens"] != float64(100) || u["rawInputTokens"] != float64(100) {
		t.Errorf("usage after a counter restart %v", u)
	}
	env["FAKE_SCENARIO"] = "error"
	r.updateConfig(a, map[string]any{"command": fakeCodex, "env": env})
	run = r.waitDone(r.invoke(a.ID, nil).Run.ID)
	if run.Status != store.RunFailed || deref(run.Error) == "" {
		t.Fatalf("error scenario: %s %s", run.Status, deref(run.Error))
	}
}

// TestIdleTimerWakesSaveAdapterInvocations counts the invocations the idle check
// saves: with nothing to do, every due timer wake is skipped and the CLI never runs.
func TestIdleTimerWakesSaveAdapterInvocations(t *testing.T) {
	later := func() time.Time { return time.Now().Add(time.Hour) }
	r := newRuntime(t, func(c *heartbeat.Config) {
		c.TimersEnabled, c.TickInterval, c.Now = true, 20*time.Millisecond, later
	}, claude.New())
	rec := filepath.Join(t.TempDir(), "rec.json")
	hb := map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 30}}
	a := r.agent("Idle", store.AdapterClaudeLocal, map[string]any{"command": fakeClaude, "env": map[string]any{"FAKE_RECORD_FILE": rec}}, hb)
	var saved int64
	waitFor(t, "idle skips", func() bool {
		st, _ := r.st.FindRuntimeState(context.Background(), a)
		saved = st.IdleSkipCount
		return saved >= 3
	})
	if _, err := os.Stat(rec); err == nil {
		t.Fatal("the CLI ran for an idle timer wake")
	}
	if runs, _ := r.st.FindHeartbeatRuns(context.Background(), store.RunFilter{CompanyID: r.company.ID}); len(runs) != 0 {
		t.Fatalf("idle wakes created %d runs", len(runs))
	}
	t.Logf("adapter invocations saved by the idle check: %d", saved)

	// With the check off, the next due timer wake runs the CLI.
	hb["heartbeat"].(map[string]any)["skipWhenNoActionableWork"] = false
	r.updateRuntime(a, hb)
	waitFor(t, "timer run", func() bool {
		_, err := os.Stat(rec)
		return err == nil
	})
}

func usageOf(t *testing.T, run store.HeartbeatRun) map[string]any {
	t.Helper()
	var u map[string]any
	if err := json.Unmarshal(run.UsageJSON, &u); err != nil {
		t.Fatalf("usageJson %s: %v", run.UsageJSON, err)
	}
	return u
}

func containsPair(argv []string, k, v string) bool {
	for i := 0; i+1 < len(argv); i++ {
		if argv[i] == k && argv[i+1] == v {
			return true
		}
	}
	return false
}

func (r *rt) updateConfig(a store.Agent, cfg map[string]any) {
	r.t.Helper()
	if _, err := r.st.UpdateAgent(boardCtx(), a.ID, store.AgentPatch{AdapterConfig: store.Some(cfg), ReplaceAdapterConfig: store.Some(true)}, store.AgentUpdateOptions{}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rt) updateRuntime(a store.Agent, cfg map[string]any) {
	r.t.Helper()
	if _, err := r.st.UpdateAgent(boardCtx(), a.ID, store.AgentPatch{RuntimeConfig: store.Some(cfg)}, store.AgentUpdateOptions{}); err != nil {
		r.t.Fatal(err)
	}
}
