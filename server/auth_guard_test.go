package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"paperclip/server"
)

// doHost sends a request with an explicit Host header (the client otherwise uses the
// test server's address).
func (e *authEnv) doHost(method, path, host string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	e.mu.Lock()
	e.bodies = append(e.bodies, string(b))
	e.mu.Unlock()
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func TestHostGuardAuthenticatedPrivate(t *testing.T) {
	e := newAuthEnv(t, func(c *server.Config) {
		c.Host = "10.1.2.3"
		c.AllowedHostnames = []string{"paperclip.lan"}
	})
	cases := []struct {
		host    string
		headers []string
		status  int
	}{
		{"localhost:3100", nil, 200},
		{"127.0.0.1", nil, 200},
		{"[::1]:3100", nil, 200},
		{"10.1.2.3:3100", nil, 200},
		{"PAPERCLIP.lan", nil, 200},
		{"evil.example", nil, 403},
		{"paperclip.lan.evil.example", nil, 403},
		// X-Forwarded-Host is ignored without trustProxy, both ways.
		{"localhost", []string{"X-Forwarded-Host", "evil.example"}, 200},
		{"evil.example", []string{"X-Forwarded-Host", "paperclip.lan"}, 403},
	}
	for _, c := range cases {
		r := e.doHost("GET", "/api/health", c.host, nil, c.headers...)
		if r.Status != c.status {
			t.Errorf("Host %q %v: %d %s", c.host, c.headers, r.Status, r.Body)
		}
		if c.status == 403 && !strings.Contains(string(r.Body), "paperclip allowed-hostname") {
			t.Errorf("Host %q: message %s", c.host, r.Body)
		}
	}
	if r := e.doHost("GET", "/", "evil.example", nil); r.Status != 403 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("UI path: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

func TestHostGuardTrustProxyAndPublic(t *testing.T) {
	proxied := newAuthEnv(t, func(c *server.Config) {
		c.TrustProxy = true
		c.AllowedHostnames = []string{"paperclip.lan"}
	})
	if r := proxied.doHost("GET", "/api/health", "127.0.0.1", nil, "X-Forwarded-Host", "paperclip.lan"); r.Status != 200 {
		t.Errorf("trusted forwarded host: %d %s", r.Status, r.Body)
	}
	if r := proxied.doHost("GET", "/api/health", "127.0.0.1", nil, "X-Forwarded-Host", "evil.example"); r.Status != 403 {
		t.Errorf("trusted forwarded evil host: %d %s", r.Status, r.Body)
	}
	public := newAuthEnv(t, func(c *server.Config) {
		c.Exposure = server.ExposurePublic
		c.PublicBaseURL = "https://board.example.com"
	})
	if r := public.doHost("GET", "/api/health", "anything.example", nil); r.Status != 200 {
		t.Errorf("public exposure host: %d %s", r.Status, r.Body)
	}
}

// TestTrustedOriginForSessionMutations: a signed-in browser's writes must come from
// this instance's own origin (CSRF); reads, CLI calls without Origin and board keys
// are not affected.
func TestTrustedOriginForSessionMutations(t *testing.T) {
	e := newAuthEnv(t, func(c *server.Config) { c.PublicBaseURL = "https://board.example.com" })
	session, _ := e.signUp("Ida", "ida@example.com", "12345678")
	host := strings.TrimPrefix(e.srv.URL, "http://")
	patch := map[string]any{"name": "Ida"}
	cases := []struct {
		name    string
		headers []string
		status  int
	}{
		{"no origin (CLI)", nil, 200},
		{"same origin", []string{"Origin", "http://" + host}, 200},
		{"public base url", []string{"Origin", "https://board.example.com"}, 200},
		{"referer fallback ok", []string{"Referer", "http://" + host + "/some/page"}, 200},
		{"cross site", []string{"Origin", "https://evil.example"}, 403},
		{"cross site referer", []string{"Referer", "https://evil.example/x"}, 403},
		{"lookalike", []string{"Origin", "http://" + host + ".evil.example"}, 403},
		{"null origin", []string{"Origin", "null"}, 403},
	}
	for _, c := range cases {
		r := e.req("PATCH", "/api/auth/profile", patch, append(as(session), c.headers...)...)
		if r.Status != c.status {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
		if c.status == 403 && !strings.Contains(string(r.Body), "Board mutation requires trusted browser origin") {
			t.Errorf("%s: message %s", c.name, r.Body)
		}
	}
	// Reads are not mutations.
	if r := e.req("GET", "/api/auth/profile", nil, append(as(session), "Origin", "https://evil.example")...); r.Status != 200 {
		t.Errorf("cross-site read: %d %s", r.Status, r.Body)
	}
	// A cross-site page cannot sign the browser in either.
	if r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "ida@example.com", "password": "12345678"},
		"Origin", "https://evil.example"); r.Status != 403 {
		t.Errorf("cross-site sign-in: %d %s", r.Status, r.Body)
	}
}

// TestSecureCookie: Secure whenever the instance is public, or the request came over
// HTTPS through a trusted proxy; never on plain private HTTP.
func TestSecureCookie(t *testing.T) {
	secure := func(e *authEnv, headers ...string) bool {
		r := e.req("POST", "/api/auth/sign-up/email", map[string]any{"name": "J", "email": strings.Repeat("j", len(e.bodies)+1) + "@example.com",
			"password": "12345678"}, headers...)
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == server.SessionCookie {
				return c.Secure
			}
		}
		t.Fatalf("no cookie: %d %s", r.Status, r.Body)
		return false
	}
	private := newAuthEnv(t)
	if secure(private) || secure(private, "X-Forwarded-Proto", "https") {
		t.Error("Secure cookie on private HTTP (forwarded proto must be ignored without trustProxy)")
	}
	proxied := newAuthEnv(t, func(c *server.Config) { c.TrustProxy = true })
	if !secure(proxied, "X-Forwarded-Proto", "https") || secure(proxied) {
		t.Error("trusted proxy HTTPS must set Secure, plain HTTP must not")
	}
	public := newAuthEnv(t, func(c *server.Config) {
		c.Exposure = server.ExposurePublic
		c.PublicBaseURL = "https://board.example.com"
	})
	if !secure(public, "Origin", "https://board.example.com") {
		t.Error("public exposure must always set Secure")
	}
}
