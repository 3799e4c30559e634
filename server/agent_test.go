package server_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

const missingID = "00000000-0000-4000-8000-000000000000"

// actions lists the activity actions of a company, newest first.
func (e *env) actions(companyID, filter string) []string {
	e.t.Helper()
	var out []string
	for _, a := range e.do("GET", "/api/companies/"+companyID+"/activity?limit=500"+filter, nil).List() {
		out = append(out, a["action"].(string))
	}
	return out
}

func count(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

func TestAgentCreateAndGet(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	ceo := e.mustAgent(cid, map[string]any{"name": "Chief", "role": "ceo"})
	a := e.mustAgent(cid, map[string]any{
		"name": "  Ada Coder ", "role": "engineer", "title": "Staff Engineer", "icon": "code", "reportsTo": ceo["id"],
		"capabilities": "Writes Go", "adapterType": "claude_local",
		"adapterConfig":      map[string]any{"model": "claude-sonnet-4-6", "cwd": "/tmp", "env": map[string]any{"PLAIN": "x"}},
		"runtimeConfig":      map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 5}},
		"budgetMonthlyCents": 1500, "metadata": map[string]any{"team": "core"},
		"permissions": map[string]any{"canCreateAgents": true},
	})
	for k, want := range map[string]any{"name": "Ada Coder", "urlKey": "ada-coder", "role": "engineer", "title": "Staff Engineer",
		"icon": "code", "status": "idle", "reportsTo": ceo["id"], "capabilities": "Writes Go", "adapterType": "claude_local",
		"budgetMonthlyCents": 1500.0, "spentMonthlyCents": 0.0, "companyId": cid} {
		if a[k] != want {
			t.Errorf("%s = %v, want %v", k, a[k], want)
		}
	}
	for _, k := range []string{"pauseReason", "pausedAt", "errorReason", "lastHeartbeatAt"} {
		if v, ok := a[k]; !ok || v != nil {
			t.Errorf("%s should be present and null: %v %v", k, v, ok)
		}
	}
	hb := a["runtimeConfig"].(map[string]any)["heartbeat"].(map[string]any)
	if hb["enabled"] != true || hb["intervalSec"] != 30.0 || hb["wakeOnDemand"] != true || hb["maxConcurrentRuns"] != 1.0 || hb["skipWhenNoActionableWork"] != true {
		t.Errorf("heartbeat defaults/clamp: %v", hb)
	}
	if env := a["adapterConfig"].(map[string]any)["env"].(map[string]any); fmt.Sprint(env["PLAIN"]) != "map[type:plain value:x]" {
		t.Errorf("env binding not normalised: %v", env)
	}
	if a["permissions"].(map[string]any)["canCreateAgents"] != true || ceo["permissions"].(map[string]any)["canCreateAgents"] != true {
		t.Errorf("permissions: %v / ceo %v", a["permissions"], ceo["permissions"])
	}
	plain := e.mustAgent(cid, map[string]any{"name": "Plain"})
	if plain["role"] != "general" || plain["adapterType"] != "process" || plain["permissions"].(map[string]any)["canCreateAgents"] != false ||
		plain["metadata"] != nil || plain["title"] != nil {
		t.Errorf("defaults: %v", plain)
	}
	id := a["id"].(string)
	d := e.do("GET", "/api/agents/"+id, nil).JSON()
	chain := d["chainOfCommand"].([]any)
	if len(chain) != 1 || chain[0].(map[string]any)["id"] != ceo["id"] || chain[0].(map[string]any)["role"] != "ceo" {
		t.Errorf("chain %v", chain)
	}
	if acc := d["access"].(map[string]any); acc["canAssignTasks"] != true || acc["taskAssignSource"] != "explicit_grant" {
		t.Errorf("access %v", acc)
	}
	if acc := e.do("GET", "/api/agents/"+ceo["id"].(string), nil).JSON()["access"].(map[string]any); acc["taskAssignSource"] != "ceo_role" {
		t.Errorf("ceo access %v", acc)
	}
	e.run(t, []scenario{
		{"by shortname", "GET", "/api/agents/Ada-Coder?companyId=" + cid, nil, nil, 200, []string{`"id":"` + id + `"`}},
		{"shortname needs company", "GET", "/api/agents/ada-coder", nil, nil, 422, []string{"Agent shortname lookup requires companyId query parameter"}},
		{"unknown shortname", "GET", "/api/agents/nobody?companyId=" + cid, nil, nil, 404, []string{"Agent not found"}},
		{"unknown id", "GET", "/api/agents/" + missingID, nil, nil, 404, []string{"Agent not found"}},
		{"list", "GET", "/api/companies/" + cid + "/agents", nil, nil, 200, []string{`"name":"Chief"`, `"name":"Ada Coder"`}},
		{"list bad bool", "GET", "/api/companies/" + cid + "/agents?includeTerminated=maybe", nil, nil, 400, []string{"includeTerminated"}},
		{"list bad limit", "GET", "/api/companies/" + cid + "/agents?limit=-1", nil, nil, 400, []string{"Invalid 'limit' query parameter"}},
		{"list missing company", "GET", "/api/companies/" + missingID + "/agents", nil, nil, 404, []string{"Company not found"}},
		{"me needs agent", "GET", "/api/agents/me", nil, nil, 401, []string{"Agent authentication required"}},
		{"inbox needs agent", "GET", "/api/agents/me/inbox-lite", nil, nil, 401, []string{"Agent authentication required"}},
	})
	if list := e.do("GET", "/api/companies/"+cid+"/agents?limit=1&offset=1", nil).List(); len(list) != 1 || list[0]["id"] != id {
		t.Errorf("paged list %v", list)
	}
	acts := e.actions(cid, "")
	if count(acts, "agent.created") != 3 || count(acts, "budget.policy_upserted") != 1 {
		t.Errorf("activity %v", acts)
	}
}

func TestAgentCreateValidation(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	other := e.mustCompany("Other")["id"].(string)
	foreign := e.mustAgent(other, map[string]any{"name": "Foreign"})
	path := "/api/companies/" + cid + "/agents"
	e.run(t, []scenario{
		{"missing name", "POST", path, map[string]any{}, nil, 400, []string{`"path":["name"]`, "Required"}},
		{"blank name", "POST", path, map[string]any{"name": "  "}, nil, 400, []string{"too_small"}},
		{"bad role", "POST", path, map[string]any{"name": "A", "role": "boss"}, nil, 400, []string{"invalid_enum_value", "received 'boss'"}},
		{"bad icon", "POST", path, map[string]any{"name": "A", "icon": "unicorn"}, nil, 400, []string{`"path":["icon"]`}},
		{"reportsTo not uuid", "POST", path, map[string]any{"name": "A", "reportsTo": "boss"}, nil, 400, []string{"Invalid uuid"}},
		{"negative budget", "POST", path, map[string]any{"name": "A", "budgetMonthlyCents": -5}, nil, 400, []string{"budgetMonthlyCents"}},
		{"null adapterConfig", "POST", path, map[string]any{"name": "A", "adapterConfig": nil}, nil, 400, []string{"Expected object, received null"}},
		{"adapterConfig not object", "POST", path, map[string]any{"name": "A", "adapterConfig": "x"}, nil, 400, []string{`"path":["adapterConfig"]`}},
		{"env not map", "POST", path, map[string]any{"name": "A", "adapterConfig": map[string]any{"env": []any{"x"}}}, nil, 400,
			[]string{"adapterConfig.env must be a map of valid env bindings"}},
		{"env bad binding", "POST", path, map[string]any{"name": "A", "adapterConfig": map[string]any{"env": map[string]any{"K": 5}}}, nil, 400,
			[]string{"adapterConfig.env must be a map of valid env bindings"}},
		{"heartbeat bad type", "POST", path, map[string]any{"name": "A", "runtimeConfig": map[string]any{"heartbeat": map[string]any{"enabled": "yes"}}}, nil, 400,
			[]string{`"path":["runtimeConfig","heartbeat","enabled"]`}},
		{"permissions flag null", "POST", path, map[string]any{"name": "A", "permissions": map[string]any{"canCreateAgents": nil}}, nil, 400, []string{"canCreateAgents"}},
		{"unknown adapter", "POST", path, map[string]any{"name": "A", "adapterType": "gemini_local"}, nil, 422, []string{"Unknown adapter type: gemini_local"}},
		{"manager missing", "POST", path, map[string]any{"name": "A", "reportsTo": missingID}, nil, 404, []string{"Manager not found"}},
		{"manager other company", "POST", path, map[string]any{"name": "A", "reportsTo": foreign["id"]}, nil, 422, []string{"Manager must belong to same company"}},
		{"env bad name", "POST", path, map[string]any{"name": "A", "adapterConfig": map[string]any{"env": map[string]any{"1BAD": "x"}}}, nil, 422,
			[]string{"Invalid environment variable name: 1BAD"}},
		{"env reserved", "POST", path, map[string]any{"name": "A", "adapterConfig": map[string]any{"env": map[string]any{"PAPERCLIP_API_KEY": "x"}}}, nil, 422,
			[]string{"Reserved environment variable: PAPERCLIP_API_KEY"}},
		{"secret unknown", "POST", path, map[string]any{"name": "A", "adapterConfig": map[string]any{"env": map[string]any{
			"TOKEN": map[string]any{"type": "secret_ref", "secretId": missingID}}}}, nil, 404, []string{"Secret not found"}},
		{"redacted placeholder", "POST", path, map[string]any{"name": "A", "adapterConfig": map[string]any{"env": map[string]any{"API_KEY": "***REDACTED***"}}}, nil, 422,
			[]string{"Refusing to persist redacted placeholder for key: API_KEY"}},
		{"adapter specific", "POST", path, map[string]any{"name": "A", "adapterConfig": map[string]any{"args": []any{1}}}, nil, 422,
			[]string{"Invalid process adapterConfig: args must be an array of strings"}},
		{"http url", "POST", path, map[string]any{"name": "A", "adapterType": "http", "adapterConfig": map[string]any{"url": "ftp://x"}}, nil, 422,
			[]string{"Invalid http adapterConfig: url must be an http(s) URL"}},
		{"missing company", "POST", "/api/companies/" + missingID + "/agents", map[string]any{"name": "A"}, nil, 404, []string{"Company not found"}},
		{"malformed json", "POST", path, `{"name":`, nil, 400, []string{"Invalid JSON body"}},
	})
	// Secret refs: of another company → 422, pinned version beyond latest → 422, valid → kept.
	now := "2026-01-01T00:00:00.000Z"
	secretA, secretB := "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	e.rawExec(`INSERT INTO company_secrets (id, company_id, key, name, latest_version, created_at, updated_at) VALUES (?, ?, 'k', 'n', 2, ?, ?)`, secretA, cid, now, now)
	e.rawExec(`INSERT INTO company_secrets (id, company_id, key, name, latest_version, created_at, updated_at) VALUES (?, ?, 'k', 'n', 1, ?, ?)`, secretB, other, now, now)
	ref := func(id string, version any) map[string]any {
		return map[string]any{"name": "S", "adapterConfig": map[string]any{"env": map[string]any{"API_KEY": map[string]any{"type": "secret_ref", "secretId": id, "version": version}}}}
	}
	e.run(t, []scenario{
		{"secret other company", "POST", path, ref(secretB, "latest"), nil, 422, []string{"Secret must belong to same company"}},
		{"secret version missing", "POST", path, ref(secretA, 3), nil, 422, []string{"Secret version not found"}},
		{"secret ref ok", "POST", path, ref(secretA, 2), nil, 201, []string{`"secretId":"` + secretA + `"`, `"version":2`}},
	})
	if n := len(e.do("GET", path+"?includeTerminated=true", nil).List()); n != 1 {
		t.Fatalf("failed creates left %d agents", n)
	}
}

func TestAgentNamesAndShortnames(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	var keys []string
	for i := 0; i < 3; i++ {
		a := e.mustAgent(cid, map[string]any{"name": "Writer"})
		keys = append(keys, a["name"].(string)+"/"+a["urlKey"].(string))
	}
	if strings.Join(keys, ",") != "Writer/writer,Writer 2/writer-2,Writer 3/writer-3" {
		t.Fatalf("dedupe %v", keys)
	}
	sym := e.mustAgent(cid, map[string]any{"name": "!!!"})
	if sym["urlKey"] != sym["id"] {
		t.Fatalf("symbol name url key %v", sym["urlKey"])
	}
	w2 := e.do("GET", "/api/agents/writer-2?companyId="+cid, nil).JSON()
	e.run(t, []scenario{
		{"rename collision", "PATCH", "/api/agents/" + w2["id"].(string), map[string]any{"name": "WRITER"}, nil, 409,
			[]string{"Agent shortname 'writer' is already in use in this company"}},
		{"rename ok", "PATCH", "/api/agents/" + w2["id"].(string), map[string]any{"name": "Editor"}, nil, 200, []string{`"urlKey":"editor"`}},
	})
	// A terminated agent frees its shortname and no longer resolves by it.
	first := e.do("GET", "/api/agents/writer?companyId="+cid, nil).JSON()
	if r := e.do("POST", "/api/agents/"+first["id"].(string)+"/terminate", nil); r.Status != 200 {
		t.Fatalf("terminate %d %s", r.Status, r.Body)
	}
	e.run(t, []scenario{
		{"terminated not by shortname", "GET", "/api/agents/writer?companyId=" + cid, nil, nil, 404, []string{"Agent not found"}},
		{"terminated by id", "GET", "/api/agents/" + first["id"].(string), nil, nil, 200, []string{`"status":"terminated"`}},
	})
	if again := e.mustAgent(cid, map[string]any{"name": "Writer"}); again["urlKey"] != "writer" {
		t.Fatalf("freed key not reused: %v", again["urlKey"])
	}
	if n := len(e.do("GET", "/api/companies/"+cid+"/agents", nil).List()); n != 4 {
		t.Fatalf("list without terminated has %d", n)
	}
	if n := len(e.do("GET", "/api/companies/"+cid+"/agents?includeTerminated=true", nil).List()); n != 5 {
		t.Fatalf("list with terminated has %d", n)
	}
}

func TestAgentPatchRules(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	boss := e.mustAgent(cid, map[string]any{"name": "Boss", "role": "ceo"})
	mid := e.mustAgent(cid, map[string]any{"name": "Mid", "reportsTo": boss["id"]})
	a := e.mustAgent(cid, map[string]any{"name": "Coder", "reportsTo": mid["id"], "adapterType": "claude_local",
		"adapterConfig": map[string]any{"model": "m1", "cwd": "/work", "promptTemplate": "p", "effort": "low",
			"env": map[string]any{"API_KEY": "sk-secret-1", "MODE": "fast"}}})
	id := a["id"].(string)
	p := "/api/agents/" + id
	if strings.Contains(fmt.Sprint(a), "sk-secret-1") {
		t.Fatalf("create response leaks secret: %v", a)
	}
	e.run(t, []scenario{
		{"permissions key", "PATCH", p, map[string]any{"permissions": map[string]any{"canCreateAgents": true}}, nil, 422,
			[]string{"Use /api/agents/:id/permissions for permission changes"}},
		{"managed status", "PATCH", p, map[string]any{"status": "running"}, nil, 422, []string{"Agent status 'running' is managed by the server"}},
		{"bad status", "PATCH", p, map[string]any{"status": "sleeping"}, nil, 400, []string{"invalid_enum_value"}},
		{"self report", "PATCH", p, map[string]any{"reportsTo": id}, nil, 422, []string{"Agent cannot report to itself"}},
		{"cycle", "PATCH", "/api/agents/" + boss["id"].(string), map[string]any{"reportsTo": id}, nil, 422, []string{"Reporting relationship would create cycle"}},
		{"manager missing", "PATCH", p, map[string]any{"reportsTo": missingID}, nil, 404, []string{"Manager not found"}},
		{"unknown adapter", "PATCH", p, map[string]any{"adapterType": "cursor"}, nil, 422, []string{"Unknown adapter type: cursor"}},
		{"null name", "PATCH", p, map[string]any{"name": nil}, nil, 400, []string{`"path":["name"]`}},
		{"missing agent", "PATCH", "/api/agents/" + missingID, map[string]any{"name": "x"}, nil, 404, []string{"Agent not found"}},
	})
	// Shallow merge: null removes, new keys added, redacted env sent back keeps the secret.
	got := e.do("GET", p, nil).JSON()
	env := got["adapterConfig"].(map[string]any)["env"].(map[string]any)
	if fmt.Sprint(env["API_KEY"]) != "map[type:plain value:***REDACTED***]" || fmt.Sprint(env["MODE"]) != "map[type:plain value:fast]" {
		t.Fatalf("read redaction %v", env)
	}
	r := e.do("PATCH", p, map[string]any{"adapterConfig": map[string]any{"model": "m2", "effort": nil, "env": env}})
	if r.Status != 200 {
		t.Fatalf("merge patch %d %s", r.Status, r.Body)
	}
	cfg := r.JSON()["adapterConfig"].(map[string]any)
	if cfg["model"] != "m2" || cfg["effort"] != nil || cfg["cwd"] != "/work" {
		t.Fatalf("merged config %v", cfg)
	}
	stored, _ := e.store.FindAgentByID(t.Context(), id)
	if fmt.Sprint(stored.AdapterConfig["env"].(map[string]any)["API_KEY"]) != "map[type:plain value:sk-secret-1]" {
		t.Fatalf("redacted round trip lost the secret: %v", stored.AdapterConfig["env"])
	}
	// Adapter change keeps only adapter-agnostic keys plus the body.
	r = e.do("PATCH", p, map[string]any{"adapterType": "process", "adapterConfig": map[string]any{"command": "sh"}})
	cfg = r.JSON()["adapterConfig"].(map[string]any)
	if r.Status != 200 || cfg["command"] != "sh" || cfg["model"] != nil || cfg["cwd"] != "/work" || cfg["promptTemplate"] != "p" || cfg["env"] == nil {
		t.Fatalf("adapter change %d %v", r.Status, cfg)
	}
	// replaceAdapterConfig replaces the whole object.
	r = e.do("PATCH", p, map[string]any{"adapterConfig": map[string]any{"command": "bash"}, "replaceAdapterConfig": true})
	if cfg = r.JSON()["adapterConfig"].(map[string]any); len(cfg) != 1 || cfg["command"] != "bash" {
		t.Fatalf("replace %v", cfg)
	}
	// runtimeConfig replaces; budget upserts the policy.
	r = e.do("PATCH", p, map[string]any{"runtimeConfig": map[string]any{"heartbeat": map[string]any{"intervalSec": 900000}, "x": 1}, "budgetMonthlyCents": 700})
	m := r.JSON()
	if m["budgetMonthlyCents"] != 700.0 || m["runtimeConfig"].(map[string]any)["heartbeat"].(map[string]any)["intervalSec"] != 604800.0 {
		t.Fatalf("runtime/budget patch %v", m)
	}
	// A PATCH that changes nothing writes no revision and no activity.
	before := len(e.do("GET", p+"/config-revisions", nil).List())
	if r := e.do("PATCH", p, map[string]any{"name": "Coder"}); r.Status != 200 {
		t.Fatalf("no-op patch %d", r.Status)
	}
	revs := e.do("GET", p+"/config-revisions", nil).List()
	if len(revs) != before || len(revs) != 4 {
		t.Fatalf("revisions %d (before no-op %d)", len(revs), before)
	}
	if revs[0]["source"] != "patch" || fmt.Sprint(revs[0]["changedKeys"]) != "[runtimeConfig budgetMonthlyCents]" {
		t.Fatalf("newest revision %v", revs[0])
	}
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=agent.updated", nil).List()
	if len(acts) != 4 {
		t.Fatalf("agent.updated rows %d", len(acts))
	}
	det := acts[len(acts)-1]["details"].(map[string]any)
	if fmt.Sprint(det["changedTopLevelKeys"]) != "[adapterConfig]" || fmt.Sprint(det["changedAdapterConfigKeys"]) != "[effort model]" {
		t.Fatalf("first update details %v", det)
	}
	if n := count(e.actions(cid, ""), "agent.budget_updated"); n != 1 {
		t.Fatalf("agent.budget_updated rows %d", n)
	}
	raw, _ := json.Marshal(e.do("GET", "/api/companies/"+cid+"/activity?limit=500", nil).List())
	if strings.Contains(string(raw), "sk-secret-1") {
		t.Fatal("activity leaks the secret")
	}
}

func TestAgentConfigRevisions(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Rev", "adapterConfig": map[string]any{"command": "one", "env": map[string]any{"MODE": "a"}}})
	other := e.mustAgent(cid, map[string]any{"name": "Other"})
	p := "/api/agents/" + a["id"].(string)
	e.do("PATCH", p, map[string]any{"adapterConfig": map[string]any{"command": "two"}, "title": "T"})
	e.do("PATCH", p, map[string]any{"adapterConfig": map[string]any{"env": map[string]any{"SECRET_TOKEN": "s3cr3t"}}})
	e.do("PATCH", "/api/agents/"+other["id"].(string), map[string]any{"title": "O"})
	revs := e.do("GET", p+"/config-revisions", nil).List()
	if len(revs) != 2 {
		t.Fatalf("revisions %d", len(revs))
	}
	first, second := revs[1], revs[0]
	if first["afterConfig"].(map[string]any)["adapterConfig"].(map[string]any)["command"] != "two" || first["createdByUserId"] != "local-board" {
		t.Fatalf("first revision %v", first)
	}
	otherRev := e.do("GET", "/api/agents/"+other["id"].(string)+"/config-revisions", nil).List()[0]["id"].(string)
	e.run(t, []scenario{
		{"get", "GET", p + "/config-revisions/" + first["id"].(string), nil, nil, 200, []string{`"source":"patch"`}},
		{"unknown", "GET", p + "/config-revisions/" + missingID, nil, nil, 404, []string{"Revision not found"}},
		{"other agent's", "GET", p + "/config-revisions/" + otherRev, nil, nil, 404, []string{"Revision not found"}},
		{"rollback other agent's", "POST", p + "/config-revisions/" + otherRev + "/rollback", nil, nil, 404, []string{"Revision not found"}},
		{"rollback redacted", "POST", p + "/config-revisions/" + second["id"].(string) + "/rollback", nil, nil, 422,
			[]string{"Cannot roll back a revision that contains redacted secret values"}},
		{"rollback", "POST", p + "/config-revisions/" + first["id"].(string) + "/rollback", nil, nil, 200, []string{`"command":"two"`, `"title":"T"`}},
	})
	if strings.Contains(fmt.Sprint(second), "s3cr3t") {
		t.Fatalf("revision snapshot stores the secret: %v", second)
	}
	got := e.do("GET", p, nil).JSON()
	if env := got["adapterConfig"].(map[string]any)["env"].(map[string]any); env["SECRET_TOKEN"] != nil || env["MODE"] == nil {
		t.Fatalf("rollback env %v", env)
	}
	revs = e.do("GET", p+"/config-revisions", nil).List()
	if revs[0]["source"] != "rollback" || revs[0]["rolledBackFromRevisionId"] != first["id"] {
		t.Fatalf("rollback revision %v", revs[0])
	}
	if n := count(e.actions(cid, ""), "agent.config_rolled_back"); n != 1 {
		t.Fatalf("rollback activity %d", n)
	}
	// A malformed snapshot is refused.
	e.rawExec(`UPDATE agent_config_revisions SET after_config = '{"name": 5}' WHERE id = ?`, first["id"])
	e.run(t, []scenario{
		{"malformed snapshot", "POST", p + "/config-revisions/" + first["id"].(string) + "/rollback", nil, nil, 422, []string{"Invalid revision snapshot"}},
	})
}

var tokenRe = regexp.MustCompile(`^pcp_[0-9a-f]{48}$`)
