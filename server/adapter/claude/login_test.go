package claude

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fakeCLI(t *testing.T) string {
	p, err := filepath.Abs("testdata/fake-claude")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoginReportsURLAndExitCode(t *testing.T) {
	dir := t.TempDir()
	res, err := Login(context.Background(), LoginConfig{Command: fakeCLI(t), Cwd: dir,
		Env: append(os.Environ(), "FAKE_CLAUDE_MARKER=m1")})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode == nil || *res.ExitCode != 0 || res.TimedOut || res.Signal != nil {
		t.Fatalf("result %+v", res)
	}
	if res.LoginURL == nil || *res.LoginURL != "https://claude.ai/oauth/authorize?code=true&client_id=test&state=abc123" {
		t.Fatalf("login url %v", res.LoginURL)
	}
	if !strings.Contains(res.Stdout, "cwd="+dir) || !strings.Contains(res.Stdout, "marker=m1") {
		t.Fatalf("cwd/env not applied: %s", res.Stdout)
	}
}

func TestLoginTimesOut(t *testing.T) {
	start := time.Now()
	res, err := Login(context.Background(), LoginConfig{Command: fakeCLI(t), Timeout: 300 * time.Millisecond,
		Env: append(os.Environ(), "FAKE_CLAUDE_SLEEP=30")})
	if err != nil {
		t.Fatal(err)
	}
	if !res.TimedOut || res.Signal == nil || *res.Signal != "killed" {
		t.Fatalf("result %+v", res)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("timeout did not stop the child")
	}
}

func TestLoginMissingCommand(t *testing.T) {
	if _, err := Login(context.Background(), LoginConfig{Command: "/nonexistent/claude"}); err != ErrCommandNotFound {
		t.Fatalf("got %v", err)
	}
}
