package heartbeat_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	pcembed "paperclip/embed"
	"paperclip/server/adapter/process"
	"paperclip/server/heartbeat"
	"paperclip/server/runjwt"
	"paperclip/store"
)

// rt is a running runtime over a real store in a temp dir.
type rt struct {
	t       testing.TB
	st      *store.Store
	sch     *heartbeat.Scheduler
	dir     string
	events  *eventLog
	company store.Company
	stop    func()
}

func boardCtx() context.Context {
	return store.NewContextWithActor(context.Background(), store.Actor{Kind: store.ActorBoard, Source: "local_implicit",
		UserID: store.LocalBoardUserID, InstanceAdmin: true})
}

// newRuntime opens a store, builds a scheduler with the given adapters (the process
// adapter by default), hooks it into the store and runs it until the test ends.
func newRuntime(t *testing.T, mutate func(*heartbeat.Config), adapters ...heartbeat.Adapter) *rt {
	return newRuntimeTB(t, mutate, adapters...)
}

func newRuntimeTB(t testing.TB, mutate func(*heartbeat.Config), adapters ...heartbeat.Adapter) *rt {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "db", "paperclip.db"), store.Options{RunLogDir: filepath.Join(dir, "run-logs")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := heartbeat.Config{RunLogDir: filepath.Join(dir, "run-logs"), InstanceDir: dir, TickInterval: time.Hour,
		JWT: runjwt.Config{Secret: strings.Repeat("k", 32)}, ServerEnv: os.Environ(), APIURL: "http://127.0.0.1:9",
		ShutdownGrace: 5 * time.Second}
	cfg.SkillMD, _ = fs.ReadFile(pcembed.Skills(), "paperclip/SKILL.md")
	if mutate != nil {
		mutate(&cfg)
	}
	if len(adapters) == 0 {
		adapters = []heartbeat.Adapter{process.New()}
	}
	ev := &eventLog{}
	sch := heartbeat.New(cfg, st, heartbeat.NewRegistry(adapters...), ev, nil, nil)
	st.SetHooks(store.Hooks{Waker: sch, RunStopper: sch})
	if err := st.EnsureLocalBoard(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sch.Run(ctx)
	}()
	r := &rt{t: t, st: st, sch: sch, dir: dir, events: ev}
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	t.Cleanup(func() {
		r.stop()
		st.Close()
	})
	c, err := st.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	r.company = c
	return r
}

// agent creates an agent of the company with adapter config and runtime config.
func (r *rt) agent(name, adapterType string, adapterConfig, runtimeConfig map[string]any) store.Agent {
	r.t.Helper()
	in := store.AgentInput{Name: store.Some(name), AdapterType: store.Some(adapterType), AdapterConfig: store.Some(adapterConfig)}
	if runtimeConfig != nil {
		in.RuntimeConfig = store.Some(runtimeConfig)
	}
	a, err := r.st.CreateAgent(boardCtx(), r.company.ID, in)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// shAgent is a process agent running a shell script.
func (r *rt) shAgent(name, script string, extra map[string]any) store.Agent {
	cfg := map[string]any{"command": "sh", "args": []any{"-c", script}}
	for k, v := range extra {
		cfg[k] = v
	}
	return r.agent(name, store.AdapterProcess, cfg, nil)
}

func (r *rt) issue(title string, assignee string) store.Issue {
	r.t.Helper()
	in := store.IssueInput{Title: store.Some(title), Status: store.Some("todo"), AllowDuplicate: store.Some(true)}
	if assignee != "" {
		in.AssigneeAgentID = store.Some(assignee)
	}
	out, err := r.st.CreateIssue(boardCtx(), r.company.ID, in)
	if err != nil {
		r.t.Fatal(err)
	}
	return out.Issue
}

// invoke is an on-demand wake of an agent, as the API makes it.
func (r *rt) invoke(agentID string, payload map[string]any) store.WakeOutcome {
	r.t.Helper()
	out, err := r.sch.Wakeup(boardCtx(), store.WakeRequest{AgentID: agentID, Source: "on_demand", TriggerDetail: "manual",
		Payload: payload, Audit: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// waitRun polls a run until cond holds, failing after 30 s.
func (r *rt) waitRun(runID string, cond func(store.HeartbeatRun) bool) store.HeartbeatRun {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		run, err := r.st.FindHeartbeatRunByID(context.Background(), runID)
		if err != nil {
			r.t.Fatal(err)
		}
		if cond(run) {
			return run
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("run %s stuck in %s (error %v)", runID, run.Status, deref(run.Error))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *rt) waitDone(runID string) store.HeartbeatRun {
	return r.waitRun(runID, func(run store.HeartbeatRun) bool { return store.IsTerminalRunStatus(run.Status) && run.LogBytes != nil })
}

func terminal(run store.HeartbeatRun) bool { return store.IsTerminalRunStatus(run.Status) }

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// logText reads a run's whole NDJSON log back as stream-prefixed text.
func (r *rt) logText(run store.HeartbeatRun) string {
	r.t.Helper()
	content, _, err := heartbeat.ReadRunLog(filepath.Join(r.dir, "run-logs"), deref(run.LogRef), 0, 1<<20, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(content), "\n") {
		var l struct{ Stream, Chunk string }
		json.Unmarshal([]byte(line), &l)
		b.WriteString(l.Stream + ":" + l.Chunk)
	}
	return b.String()
}

// eventLog records what the scheduler publishes, in order.
type eventLog struct {
	mu   sync.Mutex
	list []string
}

func (e *eventLog) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

func (e *eventLog) RunQueued(r store.HeartbeatRun)       { e.add("queued:" + r.ID) }
func (e *eventLog) RunStatus(r store.HeartbeatRun)       { e.add("status:" + r.ID + ":" + r.Status) }
func (e *eventLog) RunEvent(ev store.RunEvent)           { e.add("event:" + ev.RunID + ":" + ev.EventType) }
func (e *eventLog) RunLog(c heartbeat.LiveLogChunk)      { e.add("log:" + c.RunID + ":" + c.Stream) }
func (e *eventLog) AgentStatus(a store.Agent, o *string) { e.add("agent:" + a.ID + ":" + a.Status) }

// of returns the recorded events of one run, without log chunks repeated.
func (e *eventLog) of(runID string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, s := range e.list {
		if strings.Contains(s, runID) && (len(out) == 0 || out[len(out)-1] != s) {
			out = append(out, strings.Replace(s, ":"+runID, "", 1))
		}
	}
	return out
}
