package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A double-click launch (no arguments) on a desktop with no instance yet sets one up,
// serves, and opens the browser on the board's root, which serves the UI, with no
// company yet: the page the UI sends to its onboarding wizard (the browser tests follow
// the redirect and the wizard from there).
func TestDoubleClickLaunchOpensBoardRoot(t *testing.T) {
	e := newCLIEnv(t)
	e.env["PORT"] = "0"
	e.env["DISPLAY"] = ":0" // a desktop session: the launch opens the browser
	pr, pw := io.Pipe()
	defer pw.Close()
	out, errb := &lockedBuffer{}, &lockedBuffer{}
	a := newApp(pr, out, errb)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	a.now = func() time.Time { return e.now }
	opened := make(chan string, 1)
	a.openURL = func(u string) error { opened <- u; return nil }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- a.main(ctx, nil) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("launch did not stop after cancel")
		}
	}()
	var url string
	select {
	case url = <-opened:
	case code := <-done:
		t.Fatalf("launch exited %d before opening a browser\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("no browser opened\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	if !strings.HasPrefix(url, "http://") || !strings.HasSuffix(url, "/") || strings.Count(url, "/") != 3 {
		t.Fatalf("opened %q, want the board's root URL", url)
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), `<div id="root">`) || !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("GET %s: %d %q", url, res.StatusCode, page)
	}
	res, err = http.Get(url + "api/companies")
	if err != nil {
		t.Fatal(err)
	}
	var companies []any
	json.NewDecoder(res.Body).Decode(&companies)
	res.Body.Close()
	if res.StatusCode != 200 || companies == nil || len(companies) != 0 {
		t.Fatalf("GET /api/companies on a new instance: %d %v, want an empty list (the UI then opens /onboarding)", res.StatusCode, companies)
	}
}
