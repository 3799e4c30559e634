package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"paperclip/server"
	"paperclip/store"
)

// startAuthRunner runs a Runner in authenticated mode until the test ends and returns
// its base URL and what Bootstrap was told.
func startAuthRunner(t *testing.T, st *store.Store, logs *syncBuffer, prune time.Duration) (string, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	var told string
	r := server.Runner{
		Config: server.Config{DeploymentMode: server.ModeAuthenticated, Exposure: server.ExposurePrivate, Host: "127.0.0.1",
			DatabasePath: st.Path()},
		Store: st, Logger: slog.New(slog.NewJSONHandler(logs, nil)), SessionPruneInterval: prune,
		Bootstrap: func(url, exp string) { told = url + "|" + exp },
		Ready:     func() { close(ready) },
	}
	go func() { done <- r.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Run returned before ready: %v", err)
	}
	return "http://" + ln.Addr().String(), told
}

// TestRunnerCreatesBootstrapInvite: an authenticated start without an admin creates a
// bootstrap invite, logs its URL and hands it to Bootstrap (the banner); the URL
// works, and a restart while it is active does not replace it.
func TestRunnerCreatesBootstrapInvite(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paperclip.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logs := &syncBuffer{}
	base, told := startAuthRunner(t, st, logs, 0)
	url, exp, _ := strings.Cut(told, "|")
	if !strings.HasPrefix(url, base+"/invite/pcp_bootstrap_") || exp == "" {
		t.Fatalf("Bootstrap told %q (base %s)", told, base)
	}
	if !strings.Contains(logs.String(), url) {
		t.Fatalf("invite URL not logged: %s", logs.String())
	}
	token := strings.TrimPrefix(url, base+"/invite/")
	res, err := http.Get(base + "/api/invites/" + token)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("bootstrap invite summary: %v %v", res, err)
	}
	var sum map[string]any
	json.NewDecoder(res.Body).Decode(&sum)
	res.Body.Close()
	if sum["inviteType"] != "bootstrap_ceo" {
		t.Fatalf("summary %v", sum)
	}
	res, _ = http.Get(base + "/api/health")
	var health map[string]any
	json.NewDecoder(res.Body).Decode(&health)
	res.Body.Close()
	if health["bootstrapStatus"] != "bootstrap_pending" || health["bootstrapInviteActive"] != true {
		t.Fatalf("health %v", health)
	}

	// Second start, same database: the active invite is kept and not re-shown.
	_, again := startAuthRunner(t, st, &syncBuffer{}, 0)
	if again != "|" {
		t.Fatalf("second start told %q", again)
	}
	if _, err := st.FindInviteSummary(context.Background(), token); err != nil {
		t.Fatalf("first invite replaced: %v", err)
	}
}

// TestRunnerPrunesExpiredSessions: the pruning component deletes expired sessions.
func TestRunnerPrunesExpiredSessions(t *testing.T) {
	clock := &testClock{}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paperclip.db"), store.Options{Now: clock.now, ScryptN: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.SignUp(context.Background(), store.SignUpInput{Name: "K", Email: "k@example.com", Password: "12345678"},
		store.SessionMeta{}); err != nil {
		t.Fatal(err)
	}
	clock.advance(8 * 24 * time.Hour)
	logs := &syncBuffer{}
	startAuthRunner(t, st, logs, 10*time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "pruned expired sessions") {
		if time.Now().After(deadline) {
			t.Fatalf("sessions not pruned; log: %s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n, _ := st.PruneExpiredSessions(context.Background()); n != 0 {
		t.Fatalf("%d expired sessions left", n)
	}
}

// TestBoardClaimAtStartup: an instance with companies but no admin also logs a
// board-claim URL; a signed-in user with the code takes over, once.
func TestBoardClaimAtStartup(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paperclip.db"), store.Options{ScryptN: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.CreateCompany(context.Background(), store.CompanyInput{Name: store.Some("Legacy")})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	base, _ := startAuthRunner(t, st, logs, 0)
	m := regexp.MustCompile(`/board-claim/([0-9a-f]{48})\?code=([0-9a-f]{24})`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no board claim URL in log: %s", logs.String())
	}
	token, code := m[1], m[2]
	get := func(path string) map[string]any {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		v["_status"] = res.StatusCode
		return v
	}
	post := func(path string, body any, cookie string) (int, map[string]any, *http.Response) {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(string(raw)))
		if cookie != "" {
			req.Header.Set("Cookie", server.SessionCookie+"="+cookie)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v, res
	}
	if v := get("/api/board-claim/" + token + "?code=" + code); v["status"] != "available" {
		t.Fatalf("status %v", v)
	}
	if v := get("/api/board-claim/" + token + "?code=nope"); v["status"] != "invalid" {
		t.Fatalf("wrong code status %v", v)
	}
	if v := get("/api/board-claim/" + strings.Repeat("0", 48)); v["_status"] != 404 {
		t.Fatalf("unknown token %v", v)
	}
	claim := "/api/board-claim/" + token + "/claim"
	if st, _, _ := post(claim, map[string]any{"code": code}, ""); st != 401 {
		t.Fatalf("anonymous claim: %d", st)
	}
	_, _, res := post("/api/auth/sign-up/email", map[string]any{"name": "Lee", "email": "lee@example.com", "password": "12345678"}, "")
	cookie := res.Cookies()[0].Value
	if st, _, _ := post(claim, map[string]any{}, cookie); st != 400 {
		t.Fatalf("missing code: %d", st)
	}
	if st, _, _ := post(claim, map[string]any{"code": strings.Repeat("0", 24)}, cookie); st != 403 {
		t.Fatalf("wrong code: %d", st)
	}
	if st, v, _ := post(claim, map[string]any{"code": code}, cookie); st != 200 || v["claimed"] != true {
		t.Fatalf("claim: %d %v", st, v)
	}
	if st, _, _ := post(claim, map[string]any{"code": code}, cookie); st != 409 {
		t.Fatalf("second claim: %d", st)
	}
	req, _ := http.NewRequest("GET", base+"/api/companies/"+c.ID, nil)
	req.Header.Set("Cookie", server.SessionCookie+"="+cookie)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("claimed admin reads legacy company: %v %v", res, err)
	}
	if v := get("/api/health"); v["bootstrapStatus"] != "ready" {
		t.Fatalf("health after claim %v", v)
	}
}

// TestRunnerRefusesForbiddenExposure: local_trusted never serves a non-loopback
// listener, and a public instance needs its base URL.
func TestRunnerRefusesForbiddenExposure(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paperclip.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run := func(cfg server.Config, addr string) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("listen %s: %v", addr, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			done <- server.Runner{Config: cfg, Store: st, Ready: cancel}.Run(ctx, ln)
		}()
		return <-done
	}
	public := server.Config{DeploymentMode: server.ModeAuthenticated, Exposure: server.ExposurePublic, DatabasePath: st.Path()}
	if err := run(public, "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "public base URL") {
		t.Fatalf("public without base URL: %v", err)
	}
	public.PublicBaseURL = "https://board.example.com"
	if err := run(public, "127.0.0.1:0"); err != nil {
		t.Fatalf("public with base URL: %v", err)
	}
	local := server.Config{DeploymentMode: server.ModeLocalTrusted, DatabasePath: st.Path()}
	if err := run(local, "127.0.0.1:0"); err != nil {
		t.Fatalf("local on loopback: %v", err)
	}
	if err := run(local, "0.0.0.0:0"); err == nil || !strings.Contains(err.Error(), "only binds to loopback") {
		t.Fatalf("local on all interfaces: %v", err)
	}
}
