package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"paperclip/server"
	"paperclip/store"
	"paperclip/web"
)

// authEnv is an env in authenticated mode whose server logs into logs and whose
// responses are all kept in bodies, so tests can look for leaked secrets.
type authEnv struct {
	*env
	logs   *syncBuffer
	mu     sync.Mutex
	bodies []string
}

func newAuthEnv(t testing.TB, mutate ...func(*server.Config)) *authEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := server.Config{
		Version: "test", DeploymentMode: server.ModeAuthenticated, Exposure: server.ExposurePrivate,
		Host: "127.0.0.1", ServeUI: true, InstanceDir: dir,
		DatabasePath: filepath.Join(dir, "db", "paperclip.db"), StorageDir: filepath.Join(dir, "data", "storage"),
		BackupDir: filepath.Join(dir, "data", "backups"), RunLogDir: filepath.Join(dir, "data", "run-logs"),
		AgentJWTSecret: strings.Repeat("ab", 32),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	clock, wakes := &testClock{}, &wakeRecorder{}
	// A cheaper scrypt: under the race detector the real cost takes seconds a hash,
	// and these tests hash on every sign-up and sign-in (store tests pin the real one).
	st, err := store.Open(context.Background(), cfg.DatabasePath, store.Options{
		Now: clock.now, StorageDir: cfg.StorageDir, RunLogDir: cfg.RunLogDir, Waker: wakes, ScryptN: 1024})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	app := server.New(cfg, st, logger, web.FS())
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() {
		srv.Close()
		app.Close()
		st.Close()
	})
	return &authEnv{env: &env{t: t, store: st, srv: srv, app: app, cfg: cfg, clock: clock, wakes: wakes}, logs: logs}
}

// req sends a request and keeps its body; headers are name/value pairs.
func (e *authEnv) req(method, path string, body any, headers ...string) resp {
	e.t.Helper()
	r := e.do(method, path, body, headers...)
	e.mu.Lock()
	e.bodies = append(e.bodies, string(r.Body))
	e.mu.Unlock()
	return r
}

// allBodies is every response body seen so far.
func (e *authEnv) allBodies() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.bodies, "\n")
}

// cookieOf returns the session token a response set.
func cookieOf(t testing.TB, r resp) string {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == server.SessionCookie && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no session cookie in response %d %s", r.Status, r.Body)
	return ""
}

// as is the header pair that presents a session token as the browser would.
func as(token string) []string { return []string{"Cookie", server.SessionCookie + "=" + token} }

// signUp creates an account and returns its session token and user id.
func (e *authEnv) signUp(name, email, password string) (string, string) {
	e.t.Helper()
	r := e.req("POST", "/api/auth/sign-up/email", map[string]any{"name": name, "email": email, "password": password})
	if r.Status != http.StatusCreated {
		e.t.Fatalf("sign up %s: %d %s", email, r.Status, r.Body)
	}
	return cookieOf(e.t, r), r.JSON()["user"].(map[string]any)["id"].(string)
}

// bootstrapAdmin signs up the first user and makes them instance admin through a
// bootstrap invite, as a fresh instance's owner would.
func (e *authEnv) bootstrapAdmin() (string, string) {
	e.t.Helper()
	token, id := e.signUp("Ada Admin", "ada@example.com", "correct horse battery")
	inv, err := e.store.CreateBootstrapInvite(context.Background(), time.Hour, false)
	if err != nil {
		e.t.Fatal(err)
	}
	r := e.req("POST", "/api/invites/"+inv.Token+"/accept", map[string]any{"requestType": "human"}, as(token)...)
	if r.Status != http.StatusAccepted || r.JSON()["bootstrapAccepted"] != true {
		e.t.Fatalf("bootstrap accept: %d %s", r.Status, r.Body)
	}
	return token, id
}

// company creates a company as the given session.
func (e *authEnv) company(session, name string) string {
	e.t.Helper()
	r := e.req("POST", "/api/companies", map[string]any{"name": name}, as(session)...)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("create company: %d %s", r.Status, r.Body)
	}
	return r.JSON()["id"].(string)
}

// join invites a new user into companyID with role (as inviter) and returns the
// new member's session token and user id.
func (e *authEnv) join(inviter, companyID, role, name, email string) (string, string) {
	e.t.Helper()
	r := e.req("POST", "/api/companies/"+companyID+"/invites", map[string]any{"allowedJoinTypes": "human", "humanRole": role}, as(inviter)...)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("create invite: %d %s", r.Status, r.Body)
	}
	token := r.JSON()["token"].(string)
	session, id := e.signUp(name, email, "a long enough password")
	r = e.req("POST", "/api/invites/"+token+"/accept", map[string]any{"requestType": "human"}, as(session)...)
	if r.Status != http.StatusAccepted || r.JSON()["status"] != "approved" {
		e.t.Fatalf("accept invite: %d %s", r.Status, r.Body)
	}
	return session, id
}
