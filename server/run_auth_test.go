package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
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
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paperclip.db"), store.Options{Now: clock.now})
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
