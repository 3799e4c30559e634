package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"paperclip/server"
	"paperclip/server/live"
	"paperclip/store"
	"paperclip/web"
)

// liveEnv is an env whose store publishes to a live hub served by the router, as the
// cli wires them.
type liveEnv struct {
	*env
	hub *live.Hub
}

func newLiveEnv(t *testing.T, mutate ...func(*server.Config)) *liveEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := server.Config{Version: "test", DeploymentMode: server.ModeLocalTrusted, Host: "127.0.0.1",
		DatabasePath: filepath.Join(dir, "db", "paperclip.db"), AgentJWTSecret: strings.Repeat("cd", 32)}
	for _, m := range mutate {
		m(&cfg)
	}
	hub := live.New(live.Options{})
	clock, wakes := &testClock{}, &wakeRecorder{}
	st, err := store.Open(context.Background(), cfg.DatabasePath, store.Options{Now: clock.now, Waker: wakes, Publisher: hub})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DeploymentMode == server.ModeLocalTrusted {
		if err := st.EnsureLocalBoard(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	srv := server.New(cfg, st, nil, nil)
	srv.SetLive(hub)
	ctx, cancel := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); hub.Run(ctx) }()
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		cancel()
		<-hubDone
		ts.Close()
		st.Close()
	})
	return &liveEnv{env: &env{t: t, store: st, srv: ts, cfg: cfg, clock: clock, wakes: wakes}, hub: hub}
}

// socketURL is the events socket of a company on the env's server.
func (e *liveEnv) socketURL(companyID string) string {
	return "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/companies/" + companyID + "/events/ws"
}

// dial opens the events socket; headers are name/value pairs. It fails the test unless
// the upgrade succeeds.
func (e *liveEnv) dial(rawURL string, headers ...string) *websocket.Conn {
	e.t.Helper()
	c, res, err := e.tryDial(rawURL, headers...)
	if err != nil {
		e.t.Fatalf("dial %s: %v (%v)", rawURL, err, res)
	}
	c.SetReadLimit(1 << 20)
	e.t.Cleanup(func() { c.CloseNow() })
	return c
}

func (e *liveEnv) tryDial(rawURL string, headers ...string) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	// No wait after Dial: the hub subscribes a client before answering its handshake.
	return websocket.Dial(ctx, rawURL, &websocket.DialOptions{HTTPHeader: h})
}

// nextOfType reads envelopes until one of type typ arrives (activity of setup calls
// may come first).
func nextOfType(t *testing.T, c *websocket.Conn, typ string) live.Envelope {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var env live.Envelope
		if err := json.Unmarshal(data, &env); err != nil {
			t.Fatalf("frame %s: %v", data, err)
		}
		if env.Type == typ {
			return env
		}
	}
}

// TestEventsActivityAfterComment: a board comment commits an activity row, and the
// company's socket receives it as activity.logged with the spec's payload.
func TestEventsActivityAfterComment(t *testing.T) {
	e := newLiveEnv(t)
	cid := e.mustCompany("Live")["id"].(string)
	issue := e.mustIssue(cid, map[string]any{"title": "Watch me", "status": "todo"})
	c := e.dial(e.socketURL(cid))

	r := e.do("POST", "/api/issues/"+issue["id"].(string)+"/comments", map[string]any{"body": "hello live"})
	if r.Status != http.StatusCreated {
		t.Fatalf("comment: %d %s", r.Status, r.Body)
	}
	comment := r.JSON()
	env := nextOfType(t, c, live.TypeActivityLogged)
	if env.CompanyID != cid || env.ID <= 0 || !strings.HasSuffix(env.CreatedAt, "Z") {
		t.Fatalf("envelope %+v", env)
	}
	var p map[string]any
	json.Unmarshal(env.Payload, &p)
	want := []string{"id", "actorType", "actorId", "action", "entityType", "entityId", "agentId", "runId", "details", "createdAt"}
	for _, k := range want {
		if _, ok := p[k]; !ok {
			t.Errorf("payload lacks %s: %v", k, p)
		}
	}
	if len(p) != len(want) {
		t.Errorf("payload has %d keys, want %d: %v", len(p), len(want), p)
	}
	details, _ := p["details"].(map[string]any)
	if p["action"] != "issue.comment_added" || p["entityType"] != "issue" || p["entityId"] != issue["id"] ||
		p["actorType"] != "user" || details["commentId"] != comment["id"] {
		t.Fatalf("payload %v", p)
	}
	// The row is the one the activity API lists.
	acts := e.do("GET", "/api/companies/"+cid+"/activity", nil).List()
	if len(acts) == 0 || acts[0]["id"] != p["id"] {
		t.Fatalf("activity %v, want first %v", acts, p["id"])
	}
}

// TestEventsTenancy: the socket is authorised like the API: an agent key or run JWT
// of the company (header or ?token=) is let in, another company's key is refused with
// 403 before the upgrade, a bad token 401, and a client never sees another company's
// events.
func TestEventsTenancy(t *testing.T) {
	e := newLiveEnv(t)
	mine := e.mustCompany("Mine")["id"].(string)
	theirs := e.mustCompany("Theirs")["id"].(string)
	me := e.mustAgent(mine, map[string]any{"name": "Watcher", "role": "engineer"})
	spy := e.mustAgent(theirs, map[string]any{"name": "Spy", "role": "engineer"})
	myKey, spyKey := e.agentKey(me["id"].(string)), e.agentKey(spy["id"].(string))
	run := e.insertRun(mine, me["id"].(string), "running", -1)
	jwt := e.mintJWT(me, run)

	refused := []struct {
		name    string
		url     string
		headers []string
		status  int
		body    string
	}{
		{"foreign agent key", e.socketURL(mine), bearer(spyKey), 403, "another company"},
		{"foreign agent key as token", e.socketURL(mine) + "?token=" + url.QueryEscape(spyKey), nil, 403, "another company"},
		{"bad token", e.socketURL(mine) + "?token=pcp_nonsense", nil, 401, "Invalid or expired credentials"},
		{"foreign origin", e.socketURL(mine), []string{"Origin", "http://evil.example"}, 403, "origin"},
		{"unknown company", e.socketURL(store.NewID()), nil, 404, "Company not found"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, res, err := e.tryDial(tc.url, tc.headers...)
			if err == nil || res == nil || res.StatusCode != tc.status {
				t.Fatalf("dial: %v %v, want %d", res, err, tc.status)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			body, _ := io.ReadAll(res.Body)
			if !strings.Contains(string(body), tc.body) {
				t.Errorf("body %s does not contain %q", body, tc.body)
			}
		})
	}

	byHeader := e.dial(e.socketURL(mine), bearer(myKey)...)
	byToken := e.dial(e.socketURL(mine) + "?token=" + url.QueryEscape(myKey))
	byJWT := e.dial(e.socketURL(mine) + "?token=" + url.QueryEscape(jwt))
	board := e.dial(e.socketURL(theirs))

	theirIssue := e.mustIssue(theirs, map[string]any{"title": "Secret plan", "status": "todo"})
	myIssue := e.mustIssue(mine, map[string]any{"title": "Open plan", "status": "todo"})
	for name, c := range map[string]*websocket.Conn{"header": byHeader, "token": byToken, "jwt": byJWT} {
		env := nextOfType(t, c, live.TypeActivityLogged)
		var p map[string]any
		json.Unmarshal(env.Payload, &p)
		// The first activity this client sees is its own company's, not the earlier one.
		if env.CompanyID != mine || p["entityId"] != myIssue["id"] {
			t.Fatalf("%s client got %s %v, want %s's issue", name, env.CompanyID, p, mine)
		}
	}
	env := nextOfType(t, board, live.TypeActivityLogged)
	var p map[string]any
	json.Unmarshal(env.Payload, &p)
	if env.CompanyID != theirs || p["entityId"] != theirIssue["id"] {
		t.Fatalf("board client of %s got %s %v", theirs, env.CompanyID, p)
	}
}

// TestEventsSocketPlainRequests: without an upgrade the route answers JSON, and an
// authenticated instance wants a credential before anything else.
func TestEventsSocketPlainRequests(t *testing.T) {
	e := newLiveEnv(t)
	cid := e.mustCompany("Plain")["id"].(string)
	e.run(t, []scenario{
		{"no upgrade", "GET", "/api/companies/" + cid + "/events/ws", nil, nil, 426, []string{"WebSocket upgrade required"}},
		{"token ignored elsewhere", "GET", "/api/companies/" + cid + "?token=pcp_nonsense", nil, nil, 200, []string{`"name":"Plain"`}},
	})
	auth := newLiveEnv(t, func(c *server.Config) { c.DeploymentMode = server.ModeAuthenticated })
	_, res, err := auth.tryDial(auth.socketURL(store.NewID()))
	if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous dial on an authenticated instance: %v %v", res, err)
	}
}

// TestRunnerClosesSockets: a server run by the Runner with the hub as a component
// closes its sockets with 1001 on shutdown, and every goroutine it started is gone.
func TestRunnerClosesSockets(t *testing.T) {
	hub := live.New(live.Options{})
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paperclip.db"), store.Options{Publisher: hub})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	baseline := runtime.NumGoroutine()

	ready := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	r := server.Runner{Config: server.Config{DeploymentMode: server.ModeLocalTrusted, DatabasePath: st.Path()}, Store: st,
		UI: web.FS(), Live: hub, Components: []server.Component{hub.Run}, Ready: func() { close(ready) }}
	go func() { done <- r.Run(ctx, ln) }()
	<-ready
	base := "ws://" + ln.Addr().String()
	// The local board needs a company to listen to; make one through the API.
	res, err := http.Post("http://"+ln.Addr().String()+"/api/companies", "application/json", strings.NewReader(`{"name":"Shutdown"}`))
	if err != nil {
		t.Fatal(err)
	}
	var company map[string]any
	json.NewDecoder(res.Body).Decode(&company)
	res.Body.Close()
	cid, _ := company["id"].(string)
	if res.StatusCode != http.StatusCreated || cid == "" {
		t.Fatalf("create company: %d %v", res.StatusCode, company)
	}
	// Its keep-alive connection is not the hub's to close.
	http.DefaultClient.CloseIdleConnections()
	var closed []chan error
	for i := 0; i < 3; i++ {
		dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, _, err := websocket.Dial(dctx, base+"/api/companies/"+cid+"/events/ws", nil)
		dcancel()
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan error, 1)
		go func() {
			for {
				if _, _, err := c.Read(context.Background()); err != nil {
					ch <- err
					return
				}
			}
		}()
		closed = append(closed, ch)
	}
	for wait := time.Now().Add(10 * time.Second); hub.Stats().Subscribers != 3; time.Sleep(time.Millisecond) {
		if time.Now().After(wait) {
			t.Fatalf("subscribers %d, want 3", hub.Stats().Subscribers)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not return with sockets open")
	}
	for i, ch := range closed {
		select {
		case err := <-ch:
			if websocket.CloseStatus(err) != websocket.StatusGoingAway {
				t.Errorf("client %d: %v, want close 1001", i, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("client %d still open after shutdown", i)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, baseline %d:\n%s", runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
