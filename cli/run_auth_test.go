package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRunAuthenticatedShowsBootstrapInvite: an authenticated start without an admin
// prints the bootstrap invite in the banner; following it makes the first user the
// instance admin, who can then mint a board key that works as a bearer.
func TestRunAuthenticatedShowsBootstrapInvite(t *testing.T) {
	t.Setenv(jwtSecretKey, "")
	e := newCLIEnv(t)
	e.env["PORT"] = "0"
	e.env["PAPERCLIP_DEPLOYMENT_MODE"] = "authenticated"
	var out, errb lockedBuffer
	a := newApp(strings.NewReader(""), &out, &errb)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- a.main(ctx, []string{"run", "--no-open"}) }()

	re := regexp.MustCompile(`Bootstrap +((http://127\.0\.0\.1:\d+)/invite/(pcp_bootstrap_[0-9a-f]{48})) \(expires [0-9TZ:.-]+\)\n`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil; {
		if m = re.FindStringSubmatch(out.String()); m != nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("no bootstrap line\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
		}
		select {
		case code := <-done:
			t.Fatalf("run exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	base, token := m[2], m[3]
	post := func(path string, body any, headers ...string) (*http.Response, map[string]any) {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res, v
	}
	res, _ := post("/api/auth/sign-up/email", map[string]any{"name": "Root", "email": "root@example.com", "password": "12345678"})
	if res.StatusCode != 201 {
		t.Fatalf("sign up: %d", res.StatusCode)
	}
	cookie := res.Cookies()[0]
	session := []string{"Cookie", cookie.Name + "=" + cookie.Value}
	if res, v := post("/api/invites/"+token+"/accept", map[string]any{"requestType": "human"}, session...); res.StatusCode != 202 || v["bootstrapAccepted"] != true {
		t.Fatalf("accept: %d %v", res.StatusCode, v)
	}
	res, key := post("/api/board-api-keys", map[string]any{"name": "cli"}, session...)
	if res.StatusCode != 201 {
		t.Fatalf("board key: %d %v", res.StatusCode, key)
	}
	if res, v := post("/api/companies", map[string]any{"name": "Via Key"}, "Authorization", "Bearer "+key["token"].(string)); res.StatusCode != 201 {
		t.Fatalf("create company with board key: %d %v", res.StatusCode, v)
	}
	if res, _ := http.Get(base + "/api/companies"); res.StatusCode != 401 {
		t.Fatalf("anonymous companies: %d", res.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d\nstderr:\n%s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop")
	}
}
