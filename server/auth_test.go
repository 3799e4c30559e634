package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"paperclip/server"
)

func TestSignUpSignInSignOut(t *testing.T) {
	e := newAuthEnv(t)
	e.run(t, []scenario{
		{"bad email", "POST", "/api/auth/sign-up/email", map[string]any{"name": "A", "email": "nope", "password": "12345678"}, nil, 400, []string{"email"}},
		{"short password", "POST", "/api/auth/sign-up/email", map[string]any{"name": "A", "email": "a@b.c", "password": "1234567"}, nil, 400, []string{"password"}},
		{"no name", "POST", "/api/auth/sign-up/email", map[string]any{"email": "a@b.c", "password": "12345678"}, nil, 400, []string{"name"}},
	})
	r := e.req("POST", "/api/auth/sign-up/email", map[string]any{"name": " Bea ", "email": " Bea@Example.COM", "password": "12345678"})
	if r.Status != 201 {
		t.Fatalf("sign up: %d %s", r.Status, r.Body)
	}
	body := r.JSON()
	if u := body["user"].(map[string]any); u["email"] != "bea@example.com" || u["name"] != "Bea" {
		t.Fatalf("user %v", u)
	}
	cookie := (&http.Response{Header: r.Header}).Cookies()[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("cookie attributes: %+v", cookie)
	}
	if r := e.req("POST", "/api/auth/sign-up/email", map[string]any{"name": "B", "email": "bea@example.com", "password": "12345678"}); r.Status != 409 ||
		!strings.Contains(string(r.Body), "User already exists") {
		t.Fatalf("duplicate: %d %s", r.Status, r.Body)
	}
	// Wrong password and unknown email are the same answer.
	wrong := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "bea@example.com", "password": "nope-nope"})
	unknown := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "who@example.com", "password": "12345678"})
	if wrong.Status != 401 || unknown.Status != 401 || string(wrong.Body) != string(unknown.Body) ||
		!strings.Contains(string(wrong.Body), "Invalid email or password") {
		t.Fatalf("wrong %d %s / unknown %d %s", wrong.Status, wrong.Body, unknown.Status, unknown.Body)
	}
	in := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "BEA@example.com", "password": "12345678"})
	if in.Status != 200 {
		t.Fatalf("sign in: %d %s", in.Status, in.Body)
	}
	token := cookieOf(t, in)
	// No company access until invited.
	if r := e.req("GET", "/api/companies", nil, as(token)...); r.Status != 200 || len(r.List()) != 0 {
		t.Fatalf("new user companies: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/auth/profile", nil, as(token)...); r.Status != 200 || r.JSON()["email"] != "bea@example.com" {
		t.Fatalf("profile: %d %s", r.Status, r.Body)
	}
	out := e.req("POST", "/api/auth/sign-out", nil, as(token)...)
	if out.Status != 200 || !strings.Contains(out.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign out: %d %v", out.Status, out.Header)
	}
	if r := e.req("GET", "/api/auth/get-session", nil, as(token)...); r.Status != 401 || !strings.Contains(string(r.Body), "Board authentication required") {
		t.Fatalf("after sign out: %d %s", r.Status, r.Body)
	}
}

func TestSignUpRefusedByMode(t *testing.T) {
	local := newEnv(t)
	if r := local.do("POST", "/api/auth/sign-up/email", map[string]any{"name": "A", "email": "a@b.c", "password": "12345678"}); r.Status != 403 ||
		!strings.Contains(string(r.Body), "local_trusted") {
		t.Fatalf("local sign up: %d %s", r.Status, r.Body)
	}
	// The local board has a session of its own kind and no password.
	if r := local.do("GET", "/api/auth/get-session", nil); r.Status != 200 || !strings.Contains(string(r.Body), "paperclip:local_implicit:local-board") {
		t.Fatalf("local get-session: %d %s", r.Status, r.Body)
	}
	if r := local.do("POST", "/api/auth/change-password", map[string]any{"currentPassword": "x", "newPassword": "12345678"}); r.Status != 403 {
		t.Fatalf("local change password: %d %s", r.Status, r.Body)
	}
	closed := newAuthEnv(t, func(c *server.Config) { c.DisableSignUp = true })
	if r := closed.req("POST", "/api/auth/sign-up/email", map[string]any{"name": "A", "email": "a@b.c", "password": "12345678"}); r.Status != 403 ||
		!strings.Contains(string(r.Body), "Sign-up is disabled") {
		t.Fatalf("disabled sign up: %d %s", r.Status, r.Body)
	}
}

// TestSessionExpiryAndSliding moves the clock: a session used within its week is
// extended once a day has passed; one left alone for a week is refused.
func TestSessionExpiryAndSliding(t *testing.T) {
	e := newAuthEnv(t)
	token, _ := e.signUp("Cleo", "cleo@example.com", "12345678")
	exp := func() string {
		r := e.req("GET", "/api/auth/get-session", nil, as(token)...)
		if r.Status != 200 {
			t.Fatalf("get-session: %d %s", r.Status, r.Body)
		}
		return r.JSON()["session"].(map[string]any)["expiresAt"].(string)
	}
	first := exp()
	e.clock.advance(6 * 24 * time.Hour)
	extended := exp()
	if extended <= first {
		t.Fatalf("not extended after 6 days: %s then %s", first, extended)
	}
	// 6 + 6 days: past the original week, inside the extended one.
	e.clock.advance(12 * 24 * time.Hour)
	if r := e.req("GET", "/api/auth/profile", nil, as(token)...); r.Status != 200 {
		t.Fatalf("extended session refused: %d %s", r.Status, r.Body)
	}
	// Left alone for more than a week after the last extension.
	e.clock.advance(20 * 24 * time.Hour)
	if r := e.req("GET", "/api/auth/profile", nil, as(token)...); r.Status != 401 {
		t.Fatalf("expired session: %d %s", r.Status, r.Body)
	}
	n, err := e.store.PruneExpiredSessions(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("prune: %d %v", n, err)
	}
}

// TestChangePasswordRevokesOtherSessions: the other device is signed out, this one
// stays, and the old password no longer works.
func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	e := newAuthEnv(t)
	phone, _ := e.signUp("Dan", "dan@example.com", "old password")
	laptop := cookieOf(t, e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "dan@example.com", "password": "old password"}))
	if r := e.req("POST", "/api/auth/change-password", map[string]any{"currentPassword": "wrong one", "newPassword": "new password"}, as(laptop)...); r.Status != 401 {
		t.Fatalf("wrong current: %d %s", r.Status, r.Body)
	}
	r := e.req("POST", "/api/auth/change-password", map[string]any{"currentPassword": "old password", "newPassword": "new password",
		"revokeOtherSessions": true}, as(laptop)...)
	if r.Status != 200 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/auth/profile", nil, as(phone)...); r.Status != 401 {
		t.Fatalf("other session survived: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/auth/profile", nil, as(laptop)...); r.Status != 200 {
		t.Fatalf("current session lost: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "dan@example.com", "password": "old password"}); r.Status != 401 {
		t.Fatalf("old password: %d", r.Status)
	}
	if r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "dan@example.com", "password": "new password"}); r.Status != 200 {
		t.Fatalf("new password: %d", r.Status)
	}
}

func TestProfileUpdate(t *testing.T) {
	e := newAuthEnv(t)
	token, _ := e.signUp("Eve", "eve@example.com", "12345678")
	e.run(t, []scenario{
		{"bad image", "PATCH", "/api/auth/profile", map[string]any{"name": "Eve", "image": "javascript:alert(1)"}, as(token), 400, []string{"Invalid profile image URL"}},
		{"no name", "PATCH", "/api/auth/profile", map[string]any{"image": ""}, as(token), 400, []string{"name"}},
		{"url image", "PATCH", "/api/auth/profile", map[string]any{"name": "Eve B", "image": "https://example.com/a.png"}, as(token), 200, []string{`"image":"https://example.com/a.png"`}},
		{"clear image", "PATCH", "/api/auth/profile", map[string]any{"name": "Eve B", "image": nil}, as(token), 200, []string{`"image":null`}},
	})
}

// TestSignInThrottle: after five failures for one email further attempts are refused
// for the window with a message that names neither field, even with the right
// password; another email from the same address is still allowed.
func TestSignInThrottle(t *testing.T) {
	e := newAuthEnv(t)
	e.signUp("Fay", "fay@example.com", "right password")
	e.signUp("Gus", "gus@example.com", "right password")
	for i := 0; i < 5; i++ {
		if r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "fay@example.com", "password": "wrong"}); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "FAY@example.com", "password": "right password"})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("throttled: %d %s", r.Status, r.Body)
	}
	if msg := strings.ToLower(string(r.Body)); strings.Contains(msg, "email") || strings.Contains(msg, "password") {
		t.Fatalf("throttle message names a field: %s", r.Body)
	}
	if r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "gus@example.com", "password": "right password"}); r.Status != 200 {
		t.Fatalf("other email: %d %s", r.Status, r.Body)
	}
	e.clock.advance(16 * time.Minute)
	if r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "fay@example.com", "password": "right password"}); r.Status != 200 {
		t.Fatalf("after window: %d %s", r.Status, r.Body)
	}
}

// TestBoardAPIKeys: a key is shown once, acts as its user everywhere a session
// does, and stops working when revoked or expired.
func TestBoardAPIKeys(t *testing.T) {
	e := newAuthEnv(t)
	admin, _ := e.bootstrapAdmin()
	cid := e.company(admin, "Keys")
	other, _ := e.join(admin, cid, "viewer", "Hal", "hal@example.com")

	created := e.req("POST", "/api/board-api-keys", map[string]any{}, as(other)...)
	if created.Status != 201 {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	k := created.JSON()
	token, id := k["token"].(string), k["id"].(string)
	if !strings.HasPrefix(token, "pcp_board_") || len(token) != len("pcp_board_")+48 || k["name"] != "paperclip cli" || k["expiresAt"] == nil {
		t.Fatalf("key %v", k)
	}
	list := e.req("GET", "/api/board-api-keys", nil, as(other)...)
	if list.Status != 200 || len(list.List()) != 1 || strings.Contains(string(list.Body), token) {
		t.Fatalf("list: %d %s", list.Status, list.Body)
	}
	// The key is its user: a viewer of cid, nothing more.
	if r := e.req("GET", "/api/companies/"+cid+"/issues", nil, bearer(token)...); r.Status != 200 {
		t.Fatalf("key read: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/companies/"+cid+"/issues", map[string]any{"title": "x"}, bearer(token)...); r.Status != 403 {
		t.Fatalf("key write as viewer: %d %s", r.Status, r.Body)
	}
	// Keys are exempt from the browser origin check.
	if r := e.req("POST", "/api/board-api-keys", map[string]any{"name": "from key"}, append(bearer(token), "Origin", "https://evil.example")...); r.Status != 201 {
		t.Fatalf("key with foreign origin: %d %s", r.Status, r.Body)
	}
	// Another user's key is not found; a malformed id is 400.
	if r := e.req("DELETE", "/api/board-api-keys/"+id, nil, as(admin)...); r.Status != 404 {
		t.Fatalf("revoke other's: %d %s", r.Status, r.Body)
	}
	if r := e.req("DELETE", "/api/board-api-keys/nope", nil, as(other)...); r.Status != 400 {
		t.Fatalf("bad id: %d %s", r.Status, r.Body)
	}
	if r := e.req("DELETE", "/api/board-api-keys/"+id, nil, as(other)...); r.Status != 200 || r.JSON()["keyId"] != id {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/companies", nil, bearer(token)...); r.Status != 401 {
		t.Fatalf("revoked key: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/board-api-keys?includeInactive=true", nil, as(other)...); len(r.List()) != 2 {
		t.Fatalf("inactive listing: %s", r.Body)
	}
	// Expiry.
	if r := e.req("POST", "/api/board-api-keys", map[string]any{"expiresAt": "2000-01-01T00:00:00.000Z"}, as(other)...); r.Status != 400 {
		t.Fatalf("past expiry: %d %s", r.Status, r.Body)
	}
	short := e.req("POST", "/api/board-api-keys", map[string]any{"expiresAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, as(other)...).JSON()
	forever := e.req("POST", "/api/board-api-keys", map[string]any{"expiresAt": nil}, as(other)...).JSON()
	if forever["expiresAt"] != nil {
		t.Fatalf("null expiry: %v", forever)
	}
	e.clock.advance(2 * time.Hour)
	if r := e.req("GET", "/api/companies", nil, bearer(short["token"].(string))...); r.Status != 401 {
		t.Fatalf("expired key: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/companies", nil, bearer(forever["token"].(string))...); r.Status != 200 {
		t.Fatalf("non-expiring key: %d %s", r.Status, r.Body)
	}
	// Agents have no board keys.
	ag := e.req("POST", "/api/companies/"+cid+"/agents", map[string]any{"name": "A", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "echo"}}, as(admin)...).JSON()
	akey := e.req("POST", "/api/agents/"+ag["id"].(string)+"/keys", map[string]any{}, as(admin)...).JSON()["token"].(string)
	if r := e.req("GET", "/api/board-api-keys", nil, bearer(akey)...); r.Status != 403 {
		t.Fatalf("agent lists board keys: %d %s", r.Status, r.Body)
	}
}

// TestLocalBoardKeyIsDeadInAuthenticatedMode: a key minted by the implicit local board
// while the instance was local_trusted must not keep its powers after the switch.
func TestLocalBoardKeyIsDeadInAuthenticatedMode(t *testing.T) {
	local := newEnv(t)
	r := local.do("POST", "/api/board-api-keys", map[string]any{"name": "old"})
	if r.Status != 201 {
		t.Fatalf("local key: %d %s", r.Status, r.Body)
	}
	token := r.JSON()["token"].(string)
	if r := local.do("GET", "/api/companies", nil, bearer(token)...); r.Status != 200 {
		t.Fatalf("local key in local mode: %d %s", r.Status, r.Body)
	}
	cfg := local.cfg
	cfg.DeploymentMode = server.ModeAuthenticated
	h := server.New(cfg, local.store, nil, nil).Handler()
	req, _ := http.NewRequest("GET", "/api/companies", nil)
	req.Host = "127.0.0.1"
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Fatalf("local key in authenticated mode: %d %s", rec.Code, rec.Body)
	}
}
