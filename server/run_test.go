package server_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"paperclip/server"
	"paperclip/store"
	"paperclip/web"
)

// TestRunnerLifecycle: Run serves once Ready is called, starts components in order,
// and on cancel stops HTTP first, then the components last to first; the store stays
// open for its owner.
func TestRunnerLifecycle(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "paperclip.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()

	var mu sync.Mutex
	var events []string
	record := func(e string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}
	component := func(name string) server.Component {
		return func(ctx context.Context) error {
			record(name + " start")
			<-ctx.Done()
			// HTTP is down before any component stops.
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				record(name + " stop while HTTP listens")
			}
			record(name + " stop")
			return nil
		}
	}
	ready := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	r := server.Runner{Config: server.Config{DeploymentMode: server.ModeLocalTrusted, DatabasePath: st.Path()}, Store: st, UI: web.FS(),
		Components: []server.Component{component("scheduler"), component("hub")}, Ready: func() { close(ready) }}
	go func() { done <- r.Run(ctx, ln) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Run returned before ready: %v", err)
	}
	res, err := http.Get("http://" + addr + "/api/health")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	mu.Lock()
	got := slices.Clone(events)
	mu.Unlock()
	// Start order is concurrent; stop order is fixed: the later component first.
	if len(got) != 4 || !slices.Contains(got[:2], "scheduler start") || !slices.Contains(got[:2], "hub start") ||
		!slices.Equal(got[2:], []string{"hub stop", "scheduler stop"}) {
		t.Fatalf("events %v", got)
	}
	if err := st.Ping(context.Background()); err != nil {
		t.Fatalf("store closed by Run: %v", err)
	}
}

// TestRunnerComponentFailure: a component that fails stops the server with its error.
func TestRunnerComponentFailure(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "paperclip.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("scheduler: database gone")
	r := server.Runner{Config: server.Config{DeploymentMode: server.ModeAuthenticated}, Store: st,
		Components: []server.Component{func(context.Context) error { return boom }}}
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background(), ln) }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Fatalf("Run: %v, want %v", err, boom)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run kept serving after a component failed")
	}
}
