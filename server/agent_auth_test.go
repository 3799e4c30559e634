package server_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"paperclip/server"
	"paperclip/server/runjwt"
	"paperclip/store"
)

func TestAgentKeyAuthAndRunHeader(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.DeploymentMode = server.ModeAuthenticated })
	// Authenticated mode has no implicit board: set up through the store.
	ctx := store.NewContextWithActor(t.Context(), store.Actor{Kind: store.ActorBoard, UserID: store.LocalBoardUserID, InstanceAdmin: true})
	c, err := e.store.CreateCompany(ctx, store.CompanyInput{Name: store.Some("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.store.CreateAgent(ctx, c.ID, store.AgentInput{Name: store.Some("Ceo"), Role: store.Some("ceo")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.store.CreateAgent(ctx, c.ID, store.AgentInput{Name: store.Some("Other")})
	k, err := e.store.CreateAgentKey(ctx, a.ID, store.AgentKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	key := bearer(k.Token)
	mine := e.insertRun(c.ID, a.ID, "running", -1)
	theirs := e.insertRun(c.ID, b.ID, "running", -1)
	external := store.NewID()
	e.run(t, []scenario{
		{"no credential", "GET", "/api/agents/me", nil, nil, 401, []string{"Agent authentication required"}},
		{"no credential company", "GET", "/api/companies/" + c.ID, nil, nil, 401, []string{"Unauthorized"}},
		{"me", "GET", "/api/agents/me", nil, key, 200, []string{`"id":"` + a.ID + `"`, `"chainOfCommand":[]`, `"taskAssignSource":"ceo_role"`}},
		{"malformed key", "GET", "/api/agents/me", nil, bearer("pcp_nothex"), 401, []string{"Invalid or expired credentials"}},
		{"board key not agent", "GET", "/api/agents/me", nil, bearer("pcp_board_" + strings.Repeat("a", 48)), 401, []string{"Invalid or expired credentials"}},
		{"own run header", "GET", "/api/agents/me", nil, append(key, "X-Paperclip-Run-Id", mine), 200, nil},
		{"external run header", "GET", "/api/agents/me", nil, append(key, "X-Paperclip-Run-Id", external), 200, nil},
		{"other agent's run", "GET", "/api/agents/me", nil, append(key, "X-Paperclip-Run-Id", theirs), 403,
			[]string{"Run id does not belong to this agent", `"code":"run_id_invalid"`}},
		{"bad run header", "GET", "/api/agents/me", nil, append(key, "X-Paperclip-Run-Id", "nope"), 400, []string{"Invalid X-Paperclip-Run-Id header"}},
	})
	// The run header is stamped into activity rows the request writes.
	r := e.do("PATCH", "/api/companies/"+c.ID+"/branding", map[string]any{"brandColor": "#112233"}, append(key, "X-Paperclip-Run-Id", external)...)
	if r.Status != 200 {
		t.Fatalf("ceo branding %d %s", r.Status, r.Body)
	}
	acts, _ := e.store.FindActivity(t.Context(), store.ActivityFilter{CompanyID: c.ID, Action: "company.branding_updated"})
	if len(acts) != 1 || acts[0].RunID == nil || *acts[0].RunID != external || acts[0].ActorType != "agent" || *acts[0].AgentID != a.ID {
		t.Fatalf("branding activity %+v", acts)
	}
	// last_used_at is written at most once a minute.
	keys, _ := e.store.FindAgentKeys(t.Context(), a.ID)
	first := *keys[0].LastUsedAt
	e.do("GET", "/api/agents/me", nil, key...)
	keys, _ = e.store.FindAgentKeys(t.Context(), a.ID)
	if *keys[0].LastUsedAt != first {
		t.Fatalf("last used rewritten within a minute: %s -> %s", first, *keys[0].LastUsedAt)
	}
	e.clock.advance(2 * time.Minute)
	e.do("GET", "/api/agents/me", nil, key...)
	keys, _ = e.store.FindAgentKeys(t.Context(), a.ID)
	if *keys[0].LastUsedAt == first {
		t.Fatal("last used not refreshed after a minute")
	}
	e.clock.advance(0)
	// A deleted agent's key stops working (the row cascades away).
	if err := e.store.DeleteAgent(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.TerminateAgent(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	e.run(t, []scenario{
		{"terminated agent key", "GET", "/api/agents/me", nil, key, 401, []string{"Invalid or expired credentials"}},
	})
}

func TestAgentRunJWT(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Jwt"})
	other := e.mustAgent(cid, map[string]any{"name": "Other"})
	id := a["id"].(string)
	live := e.insertRun(cid, id, "running", -1)
	justDone := e.insertRun(cid, id, "succeeded", 10*time.Second)
	longDone := e.insertRun(cid, id, "failed", 2*time.Minute)
	otherRun := e.insertRun(cid, other["id"].(string), "running", -1)
	cfg := e.cfg.RunJWT()
	ag := store.Agent{ID: id, CompanyID: cid, AdapterType: "process"}
	mint := func(c runjwt.Config, agent store.Agent, run string, at time.Time) string {
		tok, err := runjwt.Mint(c, agent, run, at)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	good := e.mintJWT(a, live)
	expired := mint(cfg, ag, live, time.Now().Add(-49*time.Hour))
	wrongSecret := mint(runjwt.Config{Secret: "not-the-secret"}, ag, live, time.Now())
	wrongAud := mint(runjwt.Config{Secret: cfg.Secret, Audience: "someone-else"}, ag, live, time.Now())
	wrongCompany := mint(cfg, store.Agent{ID: id, CompanyID: missingID}, live, time.Now())
	parts := strings.Split(good, ".")
	algNone := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	hs384, _ := jwt.NewWithClaims(jwt.SigningMethodHS384, jwt.MapClaims{"sub": id, "company_id": cid, "run_id": live,
		"exp": time.Now().Add(time.Hour).Unix(), "iss": "paperclip", "aud": "paperclip-api"}).SignedString([]byte(cfg.Secret))
	missingRun := store.NewID()
	e.run(t, []scenario{
		{"valid", "GET", "/api/agents/me", nil, bearer(good), 200, []string{`"id":"` + id + `"`}},
		{"same header", "GET", "/api/agents/me", nil, append(bearer(good), "X-Paperclip-Run-Id", strings.ToUpper(live)), 200, nil},
		{"expired", "GET", "/api/agents/me", nil, bearer(expired), 401, []string{"Invalid or expired credentials"}},
		{"wrong secret", "GET", "/api/agents/me", nil, bearer(wrongSecret), 401, []string{"Invalid or expired credentials"}},
		{"wrong audience", "GET", "/api/agents/me", nil, bearer(wrongAud), 401, []string{"Invalid or expired credentials"}},
		{"alg none", "GET", "/api/agents/me", nil, bearer(algNone), 401, []string{"Invalid or expired credentials"}},
		{"alg HS384", "GET", "/api/agents/me", nil, bearer(hs384), 401, []string{"Invalid or expired credentials"}},
		{"company mismatch", "GET", "/api/agents/me", nil, bearer(wrongCompany), 401, []string{"Invalid or expired credentials"}},
		{"finished 10s ago", "GET", "/api/agents/me", nil, bearer(e.mintJWT(a, justDone)), 200, nil},
		{"finished 2m ago", "GET", "/api/agents/me", nil, bearer(e.mintJWT(a, longDone)), 401, []string{"Agent run is no longer active"}},
		{"run of another agent", "GET", "/api/agents/me", nil, bearer(e.mintJWT(a, otherRun)), 401, []string{"Agent run is no longer active"}},
		{"run without row", "GET", "/api/agents/me", nil, bearer(e.mintJWT(a, missingRun)), 401, []string{"Agent run is no longer active"}},
		{"header mismatch", "GET", "/api/agents/me", nil, append(bearer(good), "X-Paperclip-Run-Id", otherRun), 422,
			[]string{"X-Paperclip-Run-Id does not match signed agent JWT run_id", `"code":"agent_jwt_run_id_mismatch"`,
				`"claimRunId":"` + live + `"`, `"headerRunId":"` + otherRun + `"`}},
	})
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=auth.agent_jwt_run_header_mismatch", nil).List()
	if len(acts) != 1 || acts[0]["entityType"] != "heartbeat_run" || acts[0]["entityId"] != live || acts[0]["actorType"] != "agent" || acts[0]["runId"] != live {
		t.Fatalf("mismatch activity %v", acts)
	}
	// A JWT actor carries its run id into activity.
	r := e.do("PATCH", "/api/agents/"+id, map[string]any{"title": "Self-titled"}, bearer(good)...)
	if r.Status != 200 {
		t.Fatalf("self patch with jwt %d %s", r.Status, r.Body)
	}
	upd := e.do("GET", "/api/companies/"+cid+"/activity?action=agent.updated", nil).List()
	if len(upd) != 1 || upd[0]["runId"] != live || upd[0]["agentId"] != id {
		t.Fatalf("jwt activity stamp %v", upd)
	}
	// Terminated agents' JWTs die too.
	if r := e.do("POST", "/api/agents/"+id+"/terminate", nil); r.Status != http.StatusOK {
		t.Fatalf("terminate %d", r.Status)
	}
	e.run(t, []scenario{
		{"terminated", "GET", "/api/agents/me", nil, bearer(e.mintJWT(a, live)), 401, []string{"Invalid or expired credentials"}},
	})
}
