package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"paperclip/server"
)

// hostStatus sends GET /api/health with the given Host header.
func (e *env) hostStatus(t *testing.T, host string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/health", nil)
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// The guard stops DNS rebinding: in local_trusted mode a page on any other name,
// including other spellings of a loopback address, must not reach the board.
func TestHostGuardLocalTrustedAllowsOnlyLoopbackNames(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		host string
		ok   bool
	}{
		{"localhost", true}, {"localhost:3100", true}, {"LocalHost:3100", true},
		{"127.0.0.1", true}, {"127.0.0.1:3100", true},
		{"[::1]", true}, {"[::1]:3100", true}, {"::1", true},
		{"127.0.0.2", false}, {"127.0.0.2:3100", false}, {"127.1", false},
		{"[::ffff:127.0.0.1]", false}, {"[::ffff:127.0.0.1]:3100", false},
		{"[0:0:0:0:0:0:0:1]:3100", false}, {"0:0:0:0:0:0:0:1", false},
		{"localhost.", false}, {"localhost.evil.example", false}, {"evil.example", false},
		{"127.0.0.1:x", false}, {"[::1]x", false}, {"[::1", false}, {"0.0.0.0:3100", false},
	} {
		status, body := e.hostStatus(t, c.host)
		switch {
		case c.ok && status != 200:
			t.Errorf("Host %q refused: %d %s", c.host, status, body)
		case !c.ok && (status != 403 || !strings.Contains(body, "is not allowed for this Paperclip instance")):
			t.Errorf("Host %q got %d %s, want 403", c.host, status, body)
		}
	}
}

func TestHostGuardPrivateAllowsBindHostAndListedNames(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.DeploymentMode, c.Exposure = server.ModeAuthenticated, server.ExposurePrivate
		c.Host, c.AllowedHostnames = "192.168.1.5", []string{"board.lan"}
	})
	for _, c := range []struct {
		host string
		ok   bool
	}{
		{"localhost:3100", true}, {"[::1]:3100", true}, {"192.168.1.5:3100", true}, {"BOARD.lan", true},
		{"127.0.0.2", false}, {"[::ffff:127.0.0.1]", false}, {"other.lan", false},
	} {
		if status, body := e.hostStatus(t, c.host); (status == 200) != c.ok || (!c.ok && status != 403) {
			t.Errorf("Host %q got %d %s, want allowed=%v", c.host, status, body, c.ok)
		}
	}
}
