package server_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBootstrapInviteJoinViewer walks the life of a fresh authenticated instance: the
// bootstrap invite makes the first user admin; they create a company and invite a
// colleague as viewer, who joins with exactly that role and can read but not write;
// an operator invited next can write. No response or log line carries a password hash
// or a session token.
func TestBootstrapInviteJoinViewer(t *testing.T) {
	e := newAuthEnv(t)
	health := e.req("GET", "/api/health", nil).JSON()
	if health["bootstrapStatus"] != "bootstrap_pending" {
		t.Fatalf("health before bootstrap: %v", health)
	}

	// A signed-in user who is not the admin yet has no company access.
	admin, adminID := e.bootstrapAdmin()
	if h := e.req("GET", "/api/health", nil).JSON(); h["bootstrapStatus"] != "ready" {
		t.Fatalf("health after bootstrap: %v", h)
	}
	sess := e.req("GET", "/api/auth/get-session", nil, as(admin)...)
	if sess.Status != 200 || sess.JSON()["user"].(map[string]any)["id"] != adminID {
		t.Fatalf("get-session: %d %s", sess.Status, sess.Body)
	}
	// The bootstrap invite is spent.
	cid := e.company(admin, "Acme")

	viewer, viewerID := e.join(admin, cid, "viewer", "Vic Viewer", "vic@example.com")
	members := e.req("GET", "/api/companies/"+cid+"/members", nil, as(admin)...)
	if members.Status != 200 {
		t.Fatalf("members: %d %s", members.Status, members.Body)
	}
	var viewerRole any
	for _, m := range members.List() {
		if m["principalId"] == viewerID {
			viewerRole = m["membershipRole"]
		}
	}
	if viewerRole != "viewer" {
		t.Fatalf("viewer role %v in %s", viewerRole, members.Body)
	}

	// Viewer reads, but every write is refused and changes nothing.
	if r := e.req("GET", "/api/companies/"+cid, nil, as(viewer)...); r.Status != 200 {
		t.Fatalf("viewer read company: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/companies/"+cid+"/issues", nil, as(viewer)...); r.Status != 200 {
		t.Fatalf("viewer list issues: %d %s", r.Status, r.Body)
	}
	for _, w := range []struct{ method, path string }{
		{"POST", "/api/companies/" + cid + "/issues"},
		{"POST", "/api/companies/" + cid + "/agents"},
		{"POST", "/api/companies/" + cid + "/invites"},
		{"POST", "/api/companies/" + cid + "/labels"},
	} {
		r := e.req(w.method, w.path, map[string]any{"title": "x", "name": "x", "color": "#123456"}, as(viewer)...)
		if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "Viewer access is read-only") {
			t.Errorf("viewer %s %s: %d %s", w.method, w.path, r.Status, r.Body)
		}
	}
	if list := e.req("GET", "/api/companies/"+cid+"/issues", nil, as(admin)...).List(); len(list) != 0 {
		t.Fatalf("viewer writes left issues: %v", list)
	}
	if r := e.req("POST", "/api/companies", map[string]any{"name": "Mine"}, as(viewer)...); r.Status != http.StatusForbidden {
		t.Fatalf("viewer create company: %d %s", r.Status, r.Body)
	}

	// An operator writes issues but cannot invite or manage members.
	op, _ := e.join(admin, cid, "operator", "Olga Operator", "olga@example.com")
	if r := e.req("POST", "/api/companies/"+cid+"/issues", map[string]any{"title": "Ship it"}, as(op)...); r.Status != http.StatusCreated {
		t.Fatalf("operator create issue: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/companies/"+cid+"/invites", map[string]any{}, as(op)...); r.Status != http.StatusForbidden {
		t.Fatalf("operator invite: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/companies/"+cid+"/members", nil, as(op)...); r.Status != http.StatusForbidden {
		t.Fatalf("operator members: %d %s", r.Status, r.Body)
	}

	// Promoting the viewer to operator takes effect at once.
	var memberID string
	for _, m := range members.List() {
		if m["principalId"] == viewerID {
			memberID = m["id"].(string)
		}
	}
	if r := e.req("PATCH", "/api/companies/"+cid+"/members/"+memberID, map[string]any{"membershipRole": "operator"}, as(admin)...); r.Status != 200 {
		t.Fatalf("promote viewer: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/companies/"+cid+"/issues", map[string]any{"title": "Now I can"}, as(viewer)...); r.Status != http.StatusCreated {
		t.Fatalf("promoted viewer create issue: %d %s", r.Status, r.Body)
	}
	// Suspending them removes access altogether.
	if r := e.req("PATCH", "/api/companies/"+cid+"/members/"+memberID, map[string]any{"status": "suspended"}, as(admin)...); r.Status != 200 {
		t.Fatalf("suspend: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/companies/"+cid, nil, as(viewer)...); r.Status != http.StatusForbidden {
		t.Fatalf("suspended read: %d %s", r.Status, r.Body)
	}

	e.assertNoSecretsLeaked()
}

// assertNoSecretsLeaked looks for every stored password hash and every session token
// hash, and every live session token, in all response bodies and log lines.
func (e *authEnv) assertNoSecretsLeaked() {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.store.Path()+"?mode=ro")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	var secrets []string
	for _, q := range []string{`SELECT password_hash FROM auth_users WHERE password_hash IS NOT NULL`,
		`SELECT token_hash FROM auth_sessions`, `SELECT key_hash FROM board_api_keys`, `SELECT token_hash FROM invites`} {
		rows, err := db.Query(q)
		if err != nil {
			e.t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			secrets = append(secrets, s)
			if salt, key, ok := strings.Cut(s, ":"); ok {
				secrets = append(secrets, salt, key)
			}
		}
		rows.Close()
	}
	if len(secrets) == 0 {
		e.t.Fatal("no secrets to look for")
	}
	bodies, logs := e.allBodies(), e.logs.String()
	for _, s := range secrets {
		if strings.Contains(bodies, s) {
			e.t.Errorf("a response body contains stored secret %q", s)
		}
		if strings.Contains(logs, s) {
			e.t.Errorf("the log contains stored secret %q", s)
		}
	}
	for _, p := range []string{"correct horse battery", "a long enough password"} {
		if strings.Contains(bodies, p) || strings.Contains(logs, p) {
			e.t.Errorf("password %q leaked", p)
		}
	}
}

// TestSessionTokensNeverInBodiesOrLogs signs in and uses the session, then looks for
// the token itself everywhere but the Set-Cookie header.
func TestSessionTokensNeverInBodiesOrLogs(t *testing.T) {
	e := newAuthEnv(t)
	admin, _ := e.bootstrapAdmin()
	r := e.req("POST", "/api/auth/sign-in/email", map[string]any{"email": "ADA@example.com ", "password": "correct horse battery"})
	if r.Status != 200 {
		t.Fatalf("sign in: %d %s", r.Status, r.Body)
	}
	second := cookieOf(t, r)
	e.req("GET", "/api/auth/get-session", nil, as(second)...)
	e.req("GET", "/api/companies", nil, as(admin)...)
	key := e.req("POST", "/api/board-api-keys", map[string]any{"name": "ci"}, as(admin)...)
	token := key.JSON()["token"].(string)
	e.req("GET", "/api/board-api-keys", nil, as(admin)...)
	e.req("GET", "/api/companies", nil, bearer(token)...)
	e.req("POST", "/api/auth/sign-out", nil, as(second)...)
	for _, tok := range []string{admin, second, token} {
		if strings.Contains(e.logs.String(), tok) {
			t.Errorf("log contains token %q", tok)
		}
	}
	// The board key token appears exactly once: in its create response.
	if n := strings.Count(e.allBodies(), token); n != 1 {
		t.Errorf("board key token in %d bodies, want 1", n)
	}
	for _, tok := range []string{admin, second} {
		if strings.Contains(e.allBodies(), tok) {
			t.Errorf("a body contains session token %q", tok)
		}
	}
	e.assertNoSecretsLeaked()
}

// TestAgentJoinThroughInvite: an anonymous agent requests to join, the owner approves
// it under the CEO, and the agent claims its key once with the claim secret.
func TestAgentJoinThroughInvite(t *testing.T) {
	e := newAuthEnv(t)
	admin, _ := e.bootstrapAdmin()
	cid := e.company(admin, "Agents Inc")
	inv := e.req("POST", "/api/companies/"+cid+"/invites", map[string]any{"allowedJoinTypes": "agent",
		"defaultsPayload": map[string]any{"adapterConfig": map[string]any{"command": "echo"}}}, as(admin)...)
	if inv.Status != 201 {
		t.Fatalf("invite: %d %s", inv.Status, inv.Body)
	}
	token := inv.JSON()["token"].(string)
	if txt := e.req("GET", "/api/invites/"+token+"/onboarding.txt", nil); txt.Status != 200 || !strings.Contains(string(txt.Body), "claim-api-key") {
		t.Fatalf("onboarding.txt: %d %s", txt.Status, txt.Body)
	}
	if r := e.req("POST", "/api/invites/"+token+"/accept", map[string]any{"requestType": "human"}, as(admin)...); r.Status != 400 {
		t.Fatalf("human on agent invite: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/invites/"+token+"/accept", map[string]any{"requestType": "agent"}); r.Status != 400 {
		t.Fatalf("agent without name: %d %s", r.Status, r.Body)
	}
	acc := e.req("POST", "/api/invites/"+token+"/accept", map[string]any{"requestType": "agent", "agentName": "Scout", "adapterType": "process"})
	if acc.Status != 202 || acc.JSON()["status"] != "pending_approval" {
		t.Fatalf("agent accept: %d %s", acc.Status, acc.Body)
	}
	jr := acc.JSON()
	reqID, secret := jr["id"].(string), jr["claimSecret"].(string)
	claim := "/api/join-requests/" + reqID + "/claim-api-key"
	if r := e.req("POST", claim, map[string]any{"claimSecret": secret}); r.Status != 409 {
		t.Fatalf("claim before approval: %d %s", r.Status, r.Body)
	}
	// No CEO yet: approval must wait for one.
	approve := "/api/companies/" + cid + "/join-requests/" + reqID + "/approve"
	if r := e.req("POST", approve, nil, as(admin)...); r.Status != 409 || !strings.Contains(string(r.Body), "no active CEO") {
		t.Fatalf("approve without CEO: %d %s", r.Status, r.Body)
	}
	ceo := e.req("POST", "/api/companies/"+cid+"/agents", map[string]any{"name": "Boss", "role": "ceo", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "echo"}}, as(admin)...)
	if ceo.Status != 201 {
		t.Fatalf("ceo: %d %s", ceo.Status, ceo.Body)
	}
	ap := e.req("POST", approve, nil, as(admin)...)
	if ap.Status != 200 || ap.JSON()["createdAgentId"] == nil {
		t.Fatalf("approve: %d %s", ap.Status, ap.Body)
	}
	agentID := ap.JSON()["createdAgentId"].(string)
	if r := e.req("POST", claim, map[string]any{"claimSecret": secret + "x"}); r.Status != 403 {
		t.Fatalf("wrong secret: %d %s", r.Status, r.Body)
	}
	got := e.req("POST", claim, map[string]any{"claimSecret": secret})
	if got.Status != 201 || got.JSON()["agentId"] != agentID {
		t.Fatalf("claim: %d %s", got.Status, got.Body)
	}
	if r := e.req("POST", claim, map[string]any{"claimSecret": secret}); r.Status != 409 || !strings.Contains(string(r.Body), "already used") {
		t.Fatalf("second claim: %d %s", r.Status, r.Body)
	}
	me := e.req("GET", "/api/agents/me", nil, bearer(got.JSON()["token"].(string))...)
	if me.Status != 200 || me.JSON()["id"] != agentID || me.JSON()["reportsTo"] != ceo.JSON()["id"] {
		t.Fatalf("agents/me with claimed key: %d %s", me.Status, me.Body)
	}
	// The invite is spent.
	if r := e.req("GET", "/api/invites/"+token, nil); r.Status != 404 {
		t.Fatalf("spent invite summary: %d %s", r.Status, r.Body)
	}
	if strings.Contains(e.logs.String(), secret) {
		t.Fatal("claim secret logged")
	}
}

// TestInviteRulesAndRevoke covers owner invites, revocation and the join conflicts.
func TestInviteRulesAndRevoke(t *testing.T) {
	e := newAuthEnv(t)
	admin, _ := e.bootstrapAdmin()
	cid := e.company(admin, "Rules")
	adm, _ := e.join(admin, cid, "admin", "Al Admin", "al@example.com")
	if r := e.req("POST", "/api/companies/"+cid+"/invites", map[string]any{"humanRole": "owner"}, as(adm)...); r.Status != 403 ||
		!strings.Contains(string(r.Body), "Only owners can invite owners") {
		t.Fatalf("admin invites owner: %d %s", r.Status, r.Body)
	}
	inv := e.req("POST", "/api/companies/"+cid+"/invites", map[string]any{"humanRole": "viewer", "expiresInHours": 1}, as(adm)...)
	if inv.Status != 201 || inv.JSON()["inviteUrl"] == nil || inv.JSON()["state"] != "active" {
		t.Fatalf("admin invites viewer: %d %s", inv.Status, inv.Body)
	}
	id, token := inv.JSON()["id"].(string), inv.JSON()["token"].(string)
	list := e.req("GET", "/api/companies/"+cid+"/invites?state=active", nil, as(admin)...)
	if list.Status != 200 || len(list.List()) != 1 || strings.Contains(string(list.Body), token) {
		t.Fatalf("list invites: %d %s", list.Status, list.Body)
	}
	// Already a member → 409; the invite stays usable.
	if r := e.req("POST", "/api/invites/"+token+"/accept", map[string]any{"requestType": "human"}, as(adm)...); r.Status != 409 {
		t.Fatalf("member accepts again: %d %s", r.Status, r.Body)
	}
	// Anonymous human accept → 401.
	if r := e.req("POST", "/api/invites/"+token+"/accept", map[string]any{"requestType": "human"}); r.Status != 401 {
		t.Fatalf("anonymous human accept: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/invites/"+id+"/revoke", nil, as(adm)...); r.Status != 200 || r.JSON()["state"] != "revoked" {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/invites/"+id+"/revoke", nil, as(adm)...); r.Status != 200 {
		t.Fatalf("revoke twice: %d %s", r.Status, r.Body)
	}
	if r := e.req("GET", "/api/invites/"+token, nil); r.Status != 404 {
		t.Fatalf("revoked summary: %d %s", r.Status, r.Body)
	}
	// Expiry: an invite past its hour is not found.
	inv2 := e.req("POST", "/api/companies/"+cid+"/invites", map[string]any{"expiresInHours": 1}, as(admin)...).JSON()
	e.clock.advance(2 * time.Hour)
	if r := e.req("GET", "/api/invites/"+inv2["token"].(string), nil); r.Status != 404 {
		t.Fatalf("expired summary: %d %s", r.Status, r.Body)
	}
	e.clock.advance(0)
	// The last owner cannot step down.
	members := e.req("GET", "/api/companies/"+cid+"/members", nil, as(admin)...).List()
	for _, m := range members {
		if m["membershipRole"] == "owner" {
			r := e.req("PATCH", "/api/companies/"+cid+"/members/"+m["id"].(string), map[string]any{"membershipRole": "viewer"}, as(admin)...)
			if r.Status != 409 {
				t.Fatalf("demote last owner: %d %s", r.Status, r.Body)
			}
		}
	}
	var n int
	db, _ := sql.Open("sqlite", "file:"+e.store.Path()+"?mode=ro")
	defer db.Close()
	db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM activity_log WHERE company_id = ? AND action IN ('invite.created', 'invite.revoked', 'join.requested')`, cid).Scan(&n)
	if n < 5 {
		t.Fatalf("activity rows: %d", n)
	}
}
