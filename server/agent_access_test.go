package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestAgentPermissionMatrix walks the agent columns of access-auth §8.3 for everything
// agents can do: CEO, a plain agent, and a creator by grant.
func TestAgentPermissionMatrix(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	ceo := e.mustAgent(cid, map[string]any{"name": "Ceo", "role": "ceo"})
	mgr := e.mustAgent(cid, map[string]any{"name": "Manager", "reportsTo": ceo["id"]})
	eng := e.mustAgent(cid, map[string]any{"name": "Eng", "reportsTo": mgr["id"], "adapterType": "claude_local",
		"adapterConfig": map[string]any{"cwd": "/w", "env": map[string]any{"MODE": "x"}}})
	peer := e.mustAgent(cid, map[string]any{"name": "Peer", "adapterConfig": map[string]any{"command": "sh"}})
	ceoKey, mgrKey, engKey := bearer(e.agentKey(ceo["id"].(string))), bearer(e.agentKey(mgr["id"].(string))), bearer(e.agentKey(eng["id"].(string)))
	engP, peerP := "/api/agents/"+eng["id"].(string), "/api/agents/"+peer["id"].(string)
	co := "/api/companies/" + cid
	e.run(t, []scenario{
		// read company data: own company.
		{"agent reads company", "GET", co, nil, engKey, 200, []string{`"id":"` + cid + `"`}},
		{"agent reads agents", "GET", co + "/agents", nil, engKey, 200, nil},
		{"agent reads org", "GET", co + "/org", nil, engKey, 200, nil},
		{"agent reads peer", "GET", peerP, nil, engKey, 200, []string{`"adapterConfig":{}`, `"runtimeConfig":{}`}},
		{"agent reads self by shortname", "GET", "/api/agents/eng", nil, engKey, 200, []string{`"cwd":"/w"`}},
		{"ceo reads peer config", "GET", peerP, nil, ceoKey, 200, []string{`"command":"sh"`}},
		{"agent peer configuration", "GET", peerP + "/configuration", nil, engKey, 403, []string{"Missing permission: can create agents"}},
		{"agent own configuration", "GET", engP + "/configuration", nil, engKey, 200, []string{`"adapterType":"claude_local"`}},
		{"ceo peer configuration", "GET", peerP + "/configuration", nil, ceoKey, 200, []string{`"command":"sh"`}},
		{"agent all configurations", "GET", co + "/agent-configurations", nil, engKey, 403, []string{"Missing permission: can create agents"}},
		{"ceo all configurations", "GET", co + "/agent-configurations", nil, ceoKey, 200, []string{`"name":"Peer"`}},
		{"agent peer revisions", "GET", peerP + "/config-revisions", nil, engKey, 403, []string{"Missing permission: can create agents"}},
		{"agent own revisions", "GET", engP + "/config-revisions", nil, engKey, 200, nil},
		// create company: board only.
		{"agent creates company", "POST", "/api/companies", map[string]any{"name": "Nope"}, engKey, 403, []string{"Board access required"}},
		// company settings: CEO branding only.
		{"ceo branding", "PATCH", co + "/branding", map[string]any{"brandColor": "#000000"}, ceoKey, 200, nil},
		{"ceo company status", "PATCH", co, map[string]any{"status": "paused"}, ceoKey, 400, []string{"unrecognized_keys"}},
		{"agent branding", "PATCH", co + "/branding", map[string]any{"brandColor": "#000000"}, engKey, 403, []string{"Only CEO agents can manage company branding"}},
		{"agent archive", "POST", co + "/archive", nil, ceoKey, 403, []string{"Board access required"}},
		// create / hire agents: CEO yes, plain agent no.
		{"ceo creates", "POST", co + "/agents", map[string]any{"name": "Hired by ceo", "permissions": map[string]any{"canCreateAgents": true}}, ceoKey, 201,
			[]string{`"canCreateAgents":false`}},
		{"ceo hires", "POST", co + "/agent-hires", map[string]any{"name": "Hire two"}, ceoKey, 201, []string{`"approval":null`}},
		{"agent creates", "POST", co + "/agents", map[string]any{"name": "X"}, engKey, 403, []string{"Missing permission: can create agents"}},
		{"agent hires", "POST", co + "/agent-hires", map[string]any{"name": "X"}, engKey, 403, []string{"Missing permission: can create agents"}},
		{"agent test env", "POST", co + "/adapters/process/test-environment", nil, engKey, 403, []string{"Missing permission: can create agents"}},
		{"agent llms", "GET", "/api/llms/agent-configuration.txt", nil, engKey, 403, []string{"Missing permission to read agent configuration reflection"}},
		{"ceo llms", "GET", "/api/llms/agent-configuration.txt", nil, ceoKey, 200, []string{"claude_local"}},
		// lifecycle, keys, runtime reset: board only.
		{"agent pause", "POST", peerP + "/pause", nil, ceoKey, 403, []string{"Board access required"}},
		{"agent resume", "POST", peerP + "/resume", nil, ceoKey, 403, []string{"Board access required"}},
		{"agent terminate", "POST", peerP + "/terminate", nil, ceoKey, 403, []string{"Board access required"}},
		{"agent clear error", "POST", peerP + "/clear-error", nil, ceoKey, 403, []string{"Board access required"}},
		{"agent approve", "POST", peerP + "/approve", nil, ceoKey, 403, []string{"Board access required"}},
		{"agent delete", "DELETE", peerP, nil, ceoKey, 403, []string{"Board access required"}},
		{"agent keys list", "GET", engP + "/keys", nil, engKey, 403, []string{"Board access required"}},
		{"agent key create", "POST", engP + "/keys", nil, engKey, 403, []string{"Board access required"}},
		{"agent key revoke", "DELETE", engP + "/keys/" + missingID, nil, engKey, 403, []string{"Board access required"}},
		{"agent reset session", "POST", engP + "/runtime-state/reset-session", nil, engKey, 403, []string{"Board access required"}},
		{"agent runtime state", "GET", engP + "/runtime-state", nil, engKey, 403, []string{"Board access required"}},
		{"agent task sessions", "GET", engP + "/task-sessions", nil, engKey, 403, []string{"Board access required"}},
		{"agent scheduler", "GET", "/api/instance/scheduler-heartbeats", nil, ceoKey, 403, []string{"Board access required"}},
		// PATCH agent config: self, CEO, creators.
		{"agent patches self", "PATCH", engP, map[string]any{"capabilities": "tests"}, engKey, 200, []string{`"capabilities":"tests"`}},
		{"agent patches peer", "PATCH", peerP, map[string]any{"title": "x"}, engKey, 403, []string{"Only CEO or agent creators can modify other agents"}},
		{"ceo patches peer", "PATCH", peerP, map[string]any{"title": "Set by CEO"}, ceoKey, 200, []string{`"title":"Set by CEO"`}},
		{"agent changes own budget", "PATCH", engP, map[string]any{"budgetMonthlyCents": 99999}, engKey, 403, []string{"Only the board can change agent budgets"}},
		{"agent changes status", "PATCH", peerP, map[string]any{"status": "paused"}, ceoKey, 403, []string{"Only the board can change agent status"}},
		{"agent peer rollback", "POST", peerP + "/config-revisions/" + missingID + "/rollback", nil, engKey, 403, []string{"Only CEO or agent creators can modify other agents"}},
		// instructions path: self or ancestor manager; a CEO that is not above the agent may not.
		{"self instructions", "PATCH", engP + "/instructions-path", map[string]any{"path": "a.md"}, engKey, 200, []string{`"path":"/w/a.md"`}},
		{"manager instructions", "PATCH", engP + "/instructions-path", map[string]any{"path": "/m.md"}, mgrKey, 200, nil},
		{"ceo ancestor instructions", "PATCH", engP + "/instructions-path", map[string]any{"path": "/c.md"}, ceoKey, 200, nil},
		{"non-ancestor instructions", "PATCH", peerP + "/instructions-path", map[string]any{"path": "/p.md", "adapterConfigKey": "agentsMdPath"}, mgrKey, 403,
			[]string{"Only the target agent or an ancestor manager can update instructions path"}},
		{"non-ancestor via patch", "PATCH", peerP, map[string]any{"adapterConfig": map[string]any{"agentsMdPath": "/p.md"}}, ceoKey, 403,
			[]string{"Only the target agent or an ancestor manager can update instructions path"}},
		// agent permissions: CEO only.
		{"agent permissions", "PATCH", peerP + "/permissions", map[string]any{"canCreateAgents": true, "canAssignTasks": true}, engKey, 403,
			[]string{"Only CEO can manage permissions"}},
		{"ceo grants creator", "PATCH", engP + "/permissions", map[string]any{"canCreateAgents": true, "canAssignTasks": true}, ceoKey, 200,
			[]string{`"canCreateAgents":true`}},
		// Now a creator: create, read every config, patch peers.
		{"creator creates", "POST", co + "/agents", map[string]any{"name": "By creator"}, engKey, 201, nil},
		{"creator reads peer config", "GET", peerP + "/configuration", nil, engKey, 200, nil},
		{"creator patches peer", "PATCH", peerP, map[string]any{"title": "By creator"}, engKey, 200, nil},
	})
	// An agents:create grant (without the flag) also makes a creator.
	e.rawExec(`INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, created_at, updated_at)
		VALUES ('g1', ?, 'agent', ?, 'agents:create', 'x', 'x')`, cid, mgr["id"])
	e.run(t, []scenario{
		{"grant creator", "POST", co + "/agents", map[string]any{"name": "By grant"}, mgrKey, 201, nil},
	})
	// Agents see full objects for themselves and restricted ones for peers unless config readers.
	list := e.do("GET", co+"/agents", nil, bearer(e.agentKey(peer["id"].(string)))...).List()
	for _, a := range list {
		cfg := a["adapterConfig"].(map[string]any)
		if a["id"] == peer["id"] && cfg["command"] != "sh" {
			t.Errorf("self restricted: %v", a)
		}
		if a["id"] == eng["id"] && len(cfg) != 0 {
			t.Errorf("peer not restricted: %v", a)
		}
	}
	// Activity records agent actors.
	acts := e.do("GET", co+"/activity?action=agent.created&actorType=agent", nil).List()
	if len(acts) != 3 {
		t.Fatalf("agent-created rows by agents: %d", len(acts))
	}
}

// TestAgentTenancy tries the agent routes across companies: an agent key of company A
// against company B (403 on company paths, 404 on entities) and the board mixing ids of
// two companies it can both see.
func TestAgentTenancy(t *testing.T) {
	e := newEnv(t)
	ca := e.mustCompany("Alpha")["id"].(string)
	cb := e.mustCompany("Beta")["id"].(string)
	a := e.mustAgent(ca, map[string]any{"name": "Alpha Ceo", "role": "ceo"})
	b := e.mustAgent(cb, map[string]any{"name": "Beta Worker"})
	e.do("PATCH", "/api/agents/"+b["id"].(string), map[string]any{"title": "rev"})
	bRev := e.do("GET", "/api/agents/"+b["id"].(string)+"/config-revisions", nil).List()[0]["id"].(string)
	bKeyID := e.do("POST", "/api/agents/"+b["id"].(string)+"/keys", nil).JSON()["id"].(string)
	bRun := e.insertRun(cb, b["id"].(string), "running", -1)
	key := bearer(e.agentKey(a["id"].(string)))
	bp := "/api/agents/" + b["id"].(string)
	cp := "/api/companies/" + cb
	forbidden := []string{"Agent key cannot access another company"}
	notFound := []string{"Agent not found"}
	table := []scenario{
		{"list", "GET", cp + "/agents", nil, key, 403, forbidden},
		{"create", "POST", cp + "/agents", map[string]any{"name": "x"}, key, 403, forbidden},
		{"hire", "POST", cp + "/agent-hires", map[string]any{"name": "x"}, key, 403, forbidden},
		{"configurations", "GET", cp + "/agent-configurations", nil, key, 403, forbidden},
		{"org", "GET", cp + "/org", nil, key, 403, forbidden},
		{"models", "GET", cp + "/adapters/claude_local/models", nil, key, 403, forbidden},
		{"test env", "POST", cp + "/adapters/process/test-environment", nil, key, 403, forbidden},
		{"runs", "GET", cp + "/heartbeat-runs", nil, key, 403, forbidden},
		{"live runs", "GET", cp + "/live-runs", nil, key, 403, forbidden},
		{"get", "GET", bp, nil, key, 404, notFound},
		{"get by shortname", "GET", "/api/agents/beta-worker", nil, key, 404, notFound},
		{"patch", "PATCH", bp, map[string]any{"title": "x"}, key, 404, notFound},
		{"delete", "DELETE", bp, nil, key, 404, notFound},
		{"configuration", "GET", bp + "/configuration", nil, key, 404, notFound},
		{"permissions", "PATCH", bp + "/permissions", map[string]any{"canCreateAgents": true, "canAssignTasks": true}, key, 404, notFound},
		{"instructions", "PATCH", bp + "/instructions-path", map[string]any{"path": "/x"}, key, 404, notFound},
		{"pause", "POST", bp + "/pause", nil, key, 404, notFound},
		{"resume", "POST", bp + "/resume", nil, key, 404, notFound},
		{"clear error", "POST", bp + "/clear-error", nil, key, 404, notFound},
		{"terminate", "POST", bp + "/terminate", nil, key, 404, notFound},
		{"approve", "POST", bp + "/approve", nil, key, 404, notFound},
		{"keys", "GET", bp + "/keys", nil, key, 404, notFound},
		{"key create", "POST", bp + "/keys", nil, key, 404, notFound},
		{"key revoke", "DELETE", bp + "/keys/" + bKeyID, nil, key, 404, notFound},
		{"revisions", "GET", bp + "/config-revisions", nil, key, 404, notFound},
		{"revision", "GET", bp + "/config-revisions/" + bRev, nil, key, 404, notFound},
		{"rollback", "POST", bp + "/config-revisions/" + bRev + "/rollback", nil, key, 404, notFound},
		{"runtime state", "GET", bp + "/runtime-state", nil, key, 404, notFound},
		{"task sessions", "GET", bp + "/task-sessions", nil, key, 404, notFound},
		{"reset session", "POST", bp + "/runtime-state/reset-session", nil, key, 404, notFound},
		{"run", "GET", "/api/heartbeat-runs/" + bRun, nil, key, 404, []string{"Heartbeat run not found"}},
		{"run events", "GET", "/api/heartbeat-runs/" + bRun + "/events", nil, key, 404, []string{"Heartbeat run not found"}},
		{"run issues", "GET", "/api/heartbeat-runs/" + bRun + "/issues", nil, key, 200, []string{"[]"}},
	}
	e.run(t, table)
	// Board: entity ids of company B used under company A.
	ap := "/api/agents/" + a["id"].(string)
	e.run(t, []scenario{
		{"shortname of B under A", "GET", "/api/agents/beta-worker?companyId=" + ca, nil, nil, 404, notFound},
		{"manager from B", "PATCH", ap, map[string]any{"reportsTo": b["id"]}, nil, 422, []string{"Manager must belong to same company"}},
		{"create with manager from B", "POST", "/api/companies/" + ca + "/agents", map[string]any{"name": "x", "reportsTo": b["id"]}, nil, 422,
			[]string{"Manager must belong to same company"}},
		{"revision of B under A", "GET", ap + "/config-revisions/" + bRev, nil, nil, 404, []string{"Revision not found"}},
		{"rollback B revision under A", "POST", ap + "/config-revisions/" + bRev + "/rollback", nil, nil, 404, []string{"Revision not found"}},
		{"revoke B key under A", "DELETE", ap + "/keys/" + bKeyID, nil, nil, 404, []string{"Key not found"}},
	})
	// Nothing of B changed.
	got := e.do("GET", bp, nil).JSON()
	if got["status"] != "idle" || got["title"] != "rev" {
		t.Fatalf("company B agent changed: %v", got)
	}
	if keys := e.do("GET", bp+"/keys", nil).List(); keys[0]["revokedAt"] != nil {
		t.Fatalf("company B key revoked: %v", keys)
	}
	if r := e.do(http.MethodGet, "/api/companies/"+cb+"/activity", nil); strings.Contains(string(r.Body), a["id"].(string)) {
		t.Fatalf("company B activity mentions A's agent: %s", r.Body)
	}
}
