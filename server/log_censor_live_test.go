package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"paperclip/server"
	"paperclip/server/heartbeat"
	"paperclip/server/live"
	"paperclip/store"
	"paperclip/web"
)

// newRuntimeEnv is an env with the heartbeat runtime and the live hub wired as the cli
// wires them, the server running as account u.
func newRuntimeEnv(t *testing.T, u heartbeat.OSUser) *liveEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := server.Config{Version: "test", DeploymentMode: server.ModeLocalTrusted, Host: "127.0.0.1", InstanceDir: dir,
		DatabasePath: filepath.Join(dir, "db", "paperclip.db"), RunLogDir: filepath.Join(dir, "data", "run-logs"),
		AgentJWTSecret: strings.Repeat("ef", 32), OSUser: u}
	st, err := store.Open(context.Background(), cfg.DatabasePath, store.Options{RunLogDir: cfg.RunLogDir})
	if err != nil {
		t.Fatal(err)
	}
	hub := live.New(live.Options{})
	app := server.New(cfg, st, nil, web.FS())
	srv := httptest.NewServer(app.Handler())
	sched := heartbeat.New(heartbeat.Config{RunLogDir: cfg.RunLogDir, InstanceDir: dir, APIURL: srv.URL, JWT: cfg.RunJWT(),
		ServerEnv: os.Environ(), ShutdownGrace: 2 * time.Second, OSUser: u},
		st, server.BuiltinAdapters(), server.LiveEvents(hub, server.NewLogCensor(st, u)), nil, slog.New(slog.DiscardHandler))
	st.SetHooks(store.Hooks{Publisher: hub, Waker: sched, RunStopper: sched})
	app.WithRuntime(sched)
	app.SetLive(hub)
	if err := st.EnsureLocalBoard(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{hub.Run, sched.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); run(ctx) }()
	}
	t.Cleanup(func() {
		srv.Close()
		cancel()
		wg.Wait()
		app.Close()
		st.Close()
	})
	return &liveEnv{env: &env{t: t, store: st, srv: srv, app: app, cfg: cfg}, hub: hub}
}

// runAndWatch wakes the agent and returns the run id and every run frame the company's
// socket carried until the run finished.
func (e *liveEnv) runAndWatch(cid, aid string) (string, []live.Envelope) {
	e.t.Helper()
	c := e.dial(e.socketURL(cid))
	r := e.do(http.MethodPost, "/api/agents/"+aid+"/wakeup", map[string]any{})
	if r.Status != http.StatusAccepted {
		e.t.Fatalf("wakeup: %d %s", r.Status, r.Body)
	}
	runID := r.JSON()["id"].(string)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var frames []live.Envelope
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			e.t.Fatalf("waiting for run %s to finish: %v", runID, err)
		}
		var env live.Envelope
		if err := json.Unmarshal(data, &env); err != nil {
			e.t.Fatal(err)
		}
		if !strings.HasPrefix(env.Type, "heartbeat.run.") {
			continue
		}
		frames = append(frames, env)
		var p struct{ RunID, Status string }
		raw, _ := json.Marshal(env.Payload)
		json.Unmarshal(raw, &p)
		if env.Type == live.TypeRunStatus && p.RunID == runID && (p.Status == store.RunSucceeded || p.Status == store.RunFailed) {
			c.Close(websocket.StatusNormalClosure, "")
			return runID, frames
		}
	}
}

// liveStdout joins the stdout chunks of heartbeat.run.log frames.
func liveStdout(frames []live.Envelope) string {
	var b strings.Builder
	for _, f := range frames {
		if f.Type != live.TypeRunLog {
			continue
		}
		raw, _ := json.Marshal(f.Payload)
		var p live.RunLog
		json.Unmarshal(raw, &p)
		if p.Stream == "stdout" {
			b.WriteString(p.Chunk)
		}
	}
	return b.String()
}

// TestCensorUsernameInLiveRun runs a real child that prints the home (split across two
// writes, in the middle of the name) and the name: with the setting on, the live log
// and event frames show ~ and [user] and nothing of the name, while the stored log
// keeps the raw bytes; with it off the frames show the raw path.
func TestCensorUsernameInLiveRun(t *testing.T) {
	home := filepath.Join(t.TempDir(), "zorblax")
	u := heartbeat.OSUser{Name: "zorblax", Home: home}
	e := newRuntimeEnv(t, u)
	cid := e.mustCompany("Live censor")["id"].(string)
	script := `h="$1"; printf 'cd %s' "${h%???}"; sleep 0.3; printf '%s/work as zorblax, not zorblaxent\n' "${h#"${h%???}"}"; echo "err $h" >&2`
	aid := e.mustAgent(cid, map[string]any{"name": "Printer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "sh", "args": []any{"-c", script, "sh", home}, "cwd": filepath.Join(home, "work")}})["id"].(string)

	e.setCensor(true)
	runID, frames := e.runAndWatch(cid, aid)
	all, _ := json.Marshal(frames)
	if leaksName(string(all)) {
		t.Errorf("setting on: live frames show the name: %s", all)
	}
	if out := liveStdout(frames); out != "cd ~/work as [user], not zorblaxent\n" {
		t.Errorf("setting on: live stdout %q", out)
	}
	if !strings.Contains(string(all), `"cwd":"~/work"`) {
		t.Errorf("setting on: no censored adapter.invoke cwd in %s", all)
	}
	run := e.do(http.MethodGet, "/api/heartbeat-runs/"+runID, nil).JSON()
	if run["stdoutExcerpt"] != "cd ~/work as [user], not zorblaxent\n" || run["stderrExcerpt"] != "err ~\n" {
		t.Errorf("setting on: excerpts %q %q", run["stdoutExcerpt"], run["stderrExcerpt"])
	}
	stored, err := os.ReadFile(filepath.Join(e.cfg.RunLogDir, filepath.FromSlash(run["logRef"].(string))))
	if err != nil || !strings.Contains(string(stored), home) {
		t.Errorf("the stored log must keep the raw home: %v %s", err, stored)
	}

	e.setCensor(false)
	_, frames = e.runAndWatch(cid, aid)
	if out := liveStdout(frames); out != "cd "+home+"/work as zorblax, not zorblaxent\n" {
		t.Errorf("setting off: live stdout %q", out)
	}
}
