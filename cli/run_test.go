package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunInProcess starts the server through the CLI in this process (so -race sees
// the serve and shutdown goroutines), then cancels the context like a SIGTERM does.
func TestRunInProcess(t *testing.T) {
	// Run must hand the .env to the server as config, never export it: the JWT secret
	// doctor writes into the .env must not appear in this process's environment.
	t.Setenv(jwtSecretKey, "")
	e := newCLIEnv(t)
	e.env["PORT"] = "0"
	var out, errb lockedBuffer
	a := newApp(strings.NewReader(""), &out, &errb)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- a.main(ctx, []string{"run", "--no-open"}) }()

	re := regexp.MustCompile(`URL +(http://127\.0\.0\.1:\d+)\n`)
	var url string
	for deadline := time.Now().Add(20 * time.Second); url == ""; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no banner\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
		}
		select {
		case code := <-done:
			t.Fatalf("run exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	res, err := http.Get(url + "/api/health")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", res, err)
	}
	res.Body.Close()

	// The live-events hub is wired: the store publishes to it and the route serves it.
	socket := checkLiveEvents(t, url)

	// While it runs, doctor reports the instance as running instead of probing the port.
	r := e.run("", "doctor")
	r.has(t, "✓ Server port: Paperclip is running on this instance at "+url)

	cancel()
	// The hub is a component of the run: shutdown closes its sockets politely.
	sctx, scancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer scancel()
	if _, _, err := socket.Read(sctx); websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Fatalf("socket after shutdown: %v, want close 1001", err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after cancel\nstderr:\n%s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	if held, _, _ := probeLock(e.instDir("default") + "/server.lock"); held {
		t.Fatal("lock still held after shutdown")
	}
	if v := os.Getenv(jwtSecretKey); v != "" {
		t.Fatalf("run exported %s into the process environment", jwtSecretKey)
	}
}

// checkLiveEvents creates a company, listens to its events socket and requires the
// activity of a new issue to arrive on it; it returns the open socket.
func checkLiveEvents(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	post := func(path, body string) map[string]any {
		res, err := http.Post(url+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d %v", path, res.StatusCode, m)
		}
		return m
	}
	cid := post("/api/companies", `{"name":"Live"}`)["id"].(string)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/api/companies/"+cid+"/events/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	// The hub subscribes a client before it answers the handshake, so nothing
	// committed after Dial returns can be missed.
	issue := post("/api/companies/"+cid+"/issues", `{"title":"Watched"}`)
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("no live event for a new issue: %v", err)
	}
	var env struct {
		CompanyID string `json:"companyId"`
		Type      string `json:"type"`
		Payload   struct {
			EntityID string `json:"entityId"`
		} `json:"payload"`
	}
	json.Unmarshal(data, &env)
	if env.Type != "activity.logged" || env.CompanyID != cid || env.Payload.EntityID != issue["id"] {
		t.Fatalf("event %s, want the issue's activity", data)
	}
	return c
}
