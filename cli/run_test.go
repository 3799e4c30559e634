package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
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

	// While it runs, doctor reports the instance as running instead of probing the port.
	r := e.run("", "doctor")
	r.has(t, "✓ Server port: Paperclip is running on this instance at "+url)

	cancel()
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
