package server_test

import (
	"strings"
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

// insertIssue creates an issue with a status and an optional assignee (an agent id, or
// nil) through the store and returns its id; identifiers follow the company's counter.
func (e *env) insertIssue(companyID, status string, assignee any) string {
	e.t.Helper()
	in := store.IssueInput{Status: store.Some(status)}
	if id, ok := assignee.(string); ok {
		in.AssigneeAgentID = store.Some(id)
	}
	return storetest.Issue(e.t, e.store, companyID, "Issue", in).ID
}

func TestAgentLifecycle(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Worker"})
	id := a["id"].(string)
	p := "/api/agents/" + id
	run := e.insertRun(cid, id, "running", -1)
	e.rawExec(`INSERT INTO agent_wakeup_requests (id, company_id, agent_id, source, status, requested_at, created_at, updated_at)
		VALUES (?, ?, ?, 'on_demand', 'queued', ?, ?, ?)`, store.NewID(), cid, id, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z")
	e.run(t, []scenario{
		{"clear-error when idle", "POST", p + "/clear-error", nil, nil, 409, []string{"Only agents in error status can have their error cleared"}},
		{"approve not pending", "POST", p + "/approve", nil, nil, 409, []string{"Only pending approval agents can be approved"}},
		{"pause", "POST", p + "/pause", nil, nil, 200, []string{`"status":"paused"`, `"pauseReason":"manual"`, `"chainOfCommand":[]`}},
		{"pause again", "POST", p + "/pause", nil, nil, 200, []string{`"status":"paused"`}},
	})
	r := e.do("GET", "/api/heartbeat-runs/"+run, nil).JSON()
	if r["status"] != "cancelled" || r["error"] != "Cancelled due to agent pause" || r["errorCode"] != "cancelled" {
		t.Fatalf("run after pause %v", r)
	}
	e.run(t, []scenario{
		{"resume", "POST", p + "/resume", nil, nil, 200, []string{`"status":"idle"`, `"pauseReason":null`, `"pausedAt":null`}},
		{"patch pause", "PATCH", p, map[string]any{"status": "paused"}, nil, 200, []string{`"status":"paused"`}},
		{"patch resume", "PATCH", p, map[string]any{"status": "active"}, nil, 200, []string{`"status":"idle"`}},
	})
	e.rawExec(`UPDATE agents SET status = 'error', error_reason = 'boom' WHERE id = ?`, id)
	e.run(t, []scenario{
		{"clear-error", "POST", p + "/clear-error", nil, nil, 200, []string{`"status":"idle"`, `"errorReason":null`}},
	})
	// Terminate: keys revoked, open issues handed back, live runs cancelled; idempotent.
	key := e.agentKey(id)
	owned := e.insertIssue(cid, "in_progress", id)
	e.insertIssue(cid, "done", id) // closed work keeps its assignee: no release row
	run2 := e.insertRun(cid, id, "queued", -1)
	e.run(t, []scenario{
		{"key works", "GET", "/api/agents/me", nil, bearer(key), 200, []string{`"id":"` + id + `"`}},
		{"terminate", "POST", p + "/terminate", nil, nil, 200, []string{`"status":"terminated"`}},
		{"terminate again", "POST", p + "/terminate", nil, nil, 200, []string{`"status":"terminated"`}},
		{"key revoked", "GET", "/api/agents/me", nil, bearer(key), 401, []string{"Invalid or expired credentials"}},
		{"pause terminated", "POST", p + "/pause", nil, nil, 409, []string{"Cannot pause terminated agent"}},
		{"resume terminated", "POST", p + "/resume", nil, nil, 409, []string{"Cannot resume terminated agent"}},
		{"patch resume terminated", "PATCH", p, map[string]any{"status": "idle"}, nil, 409, []string{"Terminated agents cannot be resumed"}},
		{"key for terminated", "POST", p + "/keys", nil, nil, 409, []string{"Cannot create keys for terminated agents"}},
		{"permissions terminated", "PATCH", p + "/permissions", map[string]any{"canCreateAgents": true, "canAssignTasks": true}, nil, 409,
			[]string{"Cannot change permissions of terminated agents"}},
	})
	if keys := e.do("GET", p+"/keys", nil).List(); len(keys) != 1 || keys[0]["revokedAt"] == nil {
		t.Fatalf("keys after terminate %v", keys)
	}
	if r := e.do("GET", "/api/heartbeat-runs/"+run2, nil).JSON(); r["error"] != "Cancelled due to agent termination" {
		t.Fatalf("run after terminate %v", r)
	}
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=issue.updated", nil).List()
	if len(acts) != 1 || acts[0]["entityId"] != owned || acts[0]["actorType"] != "system" {
		t.Fatalf("issue release activity %v", acts)
	}
	if d := acts[0]["details"].(map[string]any); d["reason"] != "agent_terminated" || d["status"] != "todo" {
		t.Fatalf("issue release details %v", d)
	}
	if n := count(e.actions(cid, ""), "agent.terminated"); n != 1 {
		t.Fatalf("agent.terminated rows %d (terminate twice must write once)", n)
	}
	// Delete: cost history refuses; otherwise the row and its dependants go.
	b := e.mustAgent(cid, map[string]any{"name": "Spender"})
	c := e.mustAgent(cid, map[string]any{"name": "Report", "reportsTo": b["id"]})
	e.rawExec(`INSERT INTO cost_events (id, company_id, agent_id, provider, biller, model, cost_cents, occurred_at, created_at)
		VALUES (?, ?, ?, 'anthropic', 'anthropic', 'm', 5, ?, ?)`, store.NewID(), cid, b["id"], store.FormatTime(time.Now()), store.FormatTime(time.Now()))
	// With the month rollup the cost-event transaction keeps beside every event (0005),
	// which spentMonthlyCents reads.
	e.rawExec(`INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count) VALUES (?, 'agent', ?, ?, 5, 1)`,
		cid, b["id"], store.FormatTime(time.Now())[:7])
	e.run(t, []scenario{
		{"spent shows", "GET", "/api/agents/" + b["id"].(string), nil, nil, 200, []string{`"spentMonthlyCents":5`}},
		{"delete with costs", "DELETE", "/api/agents/" + b["id"].(string), nil, nil, 409, []string{"Agent has cost history; terminate it instead", `"code":"agent_has_cost_history"`}},
		{"delete", "DELETE", p, nil, nil, 200, []string{`"ok":true`}},
		{"gone", "GET", p, nil, nil, 404, []string{"Agent not found"}},
		{"delete again", "DELETE", p, nil, nil, 404, []string{"Agent not found"}},
	})
	e.rawExec(`DELETE FROM cost_events WHERE agent_id = ?`, b["id"])
	e.run(t, []scenario{
		{"delete manager", "DELETE", "/api/agents/" + b["id"].(string), nil, nil, 200, []string{`"ok":true`}},
		{"report orphaned", "GET", "/api/agents/" + c["id"].(string), nil, nil, 200, []string{`"reportsTo":null`}},
	})
	if n := count(e.actions(cid, ""), "agent.deleted"); n != 2 {
		t.Fatalf("agent.deleted rows %d", n)
	}
}

func TestAgentHireFlow(t *testing.T) {
	e := newEnv(t)
	c := e.do("POST", "/api/companies", map[string]any{"name": "Gated", "requireBoardApprovalForNewAgents": true}).JSON()
	cid := c["id"].(string)
	other := e.mustCompany("Other")["id"].(string)
	issue := e.insertIssue(cid, "todo", nil)
	foreignIssue := e.insertIssue(other, "todo", nil)
	body := map[string]any{"name": "Hire", "role": "engineer", "budgetMonthlyCents": 900,
		"adapterConfig": map[string]any{"env": map[string]any{"OPENAI_API_KEY": "sk-live"}}, "sourceIssueId": issue}
	e.run(t, []scenario{
		{"direct create refused", "POST", "/api/companies/" + cid + "/agents", map[string]any{"name": "X"}, nil, 409,
			[]string{"Direct agent creation requires board approval. Use POST /api/companies/:companyId/agent-hires to create a pending hire approval."}},
		{"foreign issue link", "POST", "/api/companies/" + cid + "/agent-hires", map[string]any{"name": "Y", "sourceIssueIds": []string{foreignIssue}}, nil, 422,
			[]string{"Linked issues must belong to same company"}},
		{"bad issue id", "POST", "/api/companies/" + cid + "/agent-hires", map[string]any{"name": "Y", "sourceIssueIds": []string{"x"}}, nil, 400,
			[]string{`"path":["sourceIssueIds",0]`}},
	})
	r := e.do("POST", "/api/companies/"+cid+"/agent-hires", body)
	if r.Status != 201 {
		t.Fatalf("hire %d %s", r.Status, r.Body)
	}
	res := r.JSON()
	agent, approval := res["agent"].(map[string]any), res["approval"].(map[string]any)
	if agent["status"] != "pending_approval" || agent["budgetMonthlyCents"] != 0.0 || approval["status"] != "pending" || approval["type"] != "hire_agent" ||
		approval["requestedByUserId"] != "local-board" {
		t.Fatalf("hire result %v", res)
	}
	payload := approval["payload"].(map[string]any)
	if payload["agentId"] != agent["id"] || payload["budgetMonthlyCents"] != 900.0 || strings.Contains(string(r.Body), "sk-live") ||
		payload["requestedConfigurationSnapshot"] == nil {
		t.Fatalf("payload %v", payload)
	}
	id := agent["id"].(string)
	p := "/api/agents/" + id
	e.run(t, []scenario{
		{"frozen config", "PATCH", p, map[string]any{"title": "x"}, nil, 409,
			[]string{"Pending approval agent configuration cannot be changed before board approval", `"code":"pending_approval_agent_config_frozen"`}},
		{"activate directly", "PATCH", p, map[string]any{"status": "idle"}, nil, 409, []string{"Pending approval agents cannot be activated directly"}},
		{"keys", "POST", p + "/keys", nil, nil, 409, []string{"Cannot create keys for pending approval agents"}},
		{"pause", "POST", p + "/pause", nil, nil, 409, []string{"Pending approval agents cannot be paused"}},
		{"resume", "POST", p + "/resume", nil, nil, 409, []string{"Pending approval agents cannot be resumed"}},
		{"permissions", "PATCH", p + "/permissions", map[string]any{"canCreateAgents": true, "canAssignTasks": true}, nil, 409,
			[]string{"Pending approval agent permissions cannot be changed before board approval"}},
		{"instructions path", "PATCH", p + "/instructions-path", map[string]any{"path": "/x.md", "adapterConfigKey": "instructionsFilePath"}, nil, 409,
			[]string{"pending_approval_agent_config_frozen"}},
	})
	// A pending agent cannot authenticate even with a key row.
	token := "pcp_" + strings.Repeat("ab", 24)
	e.rawExec(`INSERT INTO agent_api_keys (id, agent_id, company_id, name, key_hash, created_at) VALUES (?, ?, ?, 'k', ?, ?)`,
		store.NewID(), id, cid, store.HashToken(token), store.FormatTime(time.Now()))
	e.run(t, []scenario{
		{"pending cannot authenticate", "GET", "/api/agents/me", nil, bearer(token), 401, []string{"Invalid or expired credentials"}},
		{"approve", "POST", p + "/approve", nil, nil, 200, []string{`"status":"idle"`, `"budgetMonthlyCents":900`}},
		{"authenticates after approval", "GET", "/api/agents/me", nil, bearer(token), 200, []string{`"status":"idle"`}},
	})
	acts := e.actions(cid, "")
	for _, want := range []string{"agent.hire_created", "approval.created", "approval.approved", "agent.approved", "budget.policy_upserted"} {
		if count(acts, want) != 1 {
			t.Errorf("activity %s: %v", want, acts)
		}
	}
	// Terminating a pending hire rejects its approval.
	r = e.do("POST", "/api/companies/"+cid+"/agent-hires", map[string]any{"name": "Second"})
	second := r.JSON()
	sid := second["agent"].(map[string]any)["id"].(string)
	if r := e.do("POST", "/api/agents/"+sid+"/terminate", nil); r.Status != 200 {
		t.Fatalf("terminate pending %d %s", r.Status, r.Body)
	}
	if n := count(e.actions(cid, ""), "approval.rejected"); n != 1 {
		t.Fatalf("approval.rejected rows %d", n)
	}
	// Without the setting, a hire is a direct create with approval null.
	free := e.mustCompany("Free")["id"].(string)
	r = e.do("POST", "/api/companies/"+free+"/agent-hires", map[string]any{"name": "Direct", "budgetMonthlyCents": 100})
	if r.Status != 201 || !strings.Contains(string(r.Body), `"approval":null`) || !strings.Contains(string(r.Body), `"status":"idle"`) ||
		!strings.Contains(string(r.Body), `"budgetMonthlyCents":100`) {
		t.Fatalf("free hire %d %s", r.Status, r.Body)
	}
}

func TestAgentKeysAndPermissions(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Keyed"})
	b := e.mustAgent(cid, map[string]any{"name": "Other"})
	p := "/api/agents/" + a["id"].(string)
	r := e.do("POST", p+"/keys", nil)
	k := r.JSON()
	if r.Status != 201 || !tokenRe.MatchString(k["token"].(string)) || k["name"] != "default" {
		t.Fatalf("key create %d %s", r.Status, r.Body)
	}
	bKey := e.do("POST", "/api/agents/"+b["id"].(string)+"/keys", map[string]any{"name": "b"}).JSON()
	e.run(t, []scenario{
		{"list hides token", "GET", p + "/keys", nil, nil, 200, []string{`"id":"` + k["id"].(string) + `"`, `"lastUsedAt":null`}},
		{"blank name", "POST", p + "/keys", map[string]any{"name": ""}, nil, 400, []string{"too_small"}},
		{"revoke other agent's", "DELETE", p + "/keys/" + bKey["id"].(string), nil, nil, 404, []string{"Key not found"}},
		{"revoke unknown", "DELETE", p + "/keys/" + missingID, nil, nil, 404, []string{"Key not found"}},
		{"use key", "GET", "/api/agents/me", nil, bearer(k["token"].(string)), 200, []string{`"name":"Keyed"`}},
	})
	if strings.Contains(string(e.do("GET", p+"/keys", nil).Body), k["token"].(string)) {
		t.Fatal("key list shows the token")
	}
	if keys := e.do("GET", p+"/keys", nil).List(); keys[0]["lastUsedAt"] == nil {
		t.Fatalf("last used not stamped: %v", keys)
	}
	e.run(t, []scenario{
		{"revoke", "DELETE", p + "/keys/" + k["id"].(string), nil, nil, 200, []string{`"ok":true`}},
		{"revoke again", "DELETE", p + "/keys/" + k["id"].(string), nil, nil, 200, []string{`"ok":true`}},
		{"revoked key", "GET", "/api/agents/me", nil, bearer(k["token"].(string)), 401, []string{"Invalid or expired credentials"}},
	})
	acts := e.actions(cid, "")
	if count(acts, "agent.key_created") != 2 || count(acts, "agent.key_revoked") != 1 {
		t.Fatalf("key activity %v", acts)
	}
	// Permissions: toggles canCreateAgents and the tasks:assign grant.
	e.run(t, []scenario{
		{"permissions missing fields", "PATCH", p + "/permissions", map[string]any{"canCreateAgents": true}, nil, 400, []string{`"path":["canAssignTasks"]`}},
		{"permissions off", "PATCH", p + "/permissions", map[string]any{"canCreateAgents": false, "canAssignTasks": false}, nil, 200,
			[]string{`"canAssignTasks":false`, `"taskAssignSource":"none"`}},
		{"creator implies assign", "PATCH", p + "/permissions", map[string]any{"canCreateAgents": true, "canAssignTasks": false}, nil, 200,
			[]string{`"canCreateAgents":true`, `"taskAssignSource":"agent_creator"`}},
		{"grant back", "PATCH", p + "/permissions", map[string]any{"canCreateAgents": false, "canAssignTasks": true}, nil, 200,
			[]string{`"taskAssignSource":"explicit_grant"`}},
	})
	if n := count(e.actions(cid, ""), "agent.permissions_updated"); n != 3 {
		t.Fatalf("permissions activity %d", n)
	}
}

func TestAgentRuntimeStateAndSessions(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Runner"})
	id := a["id"].(string)
	p := "/api/agents/" + id
	e.run(t, []scenario{
		{"empty state", "GET", p + "/runtime-state", nil, nil, 200, []string{`"sessionId":null`, `"totalCostCents":0`, `"stateJson":{}`, `"createdAt":"` + a["createdAt"].(string) + `"`}},
		{"no sessions", "GET", p + "/task-sessions", nil, nil, 200, []string{"[]"}},
	})
	now := store.FormatTime(time.Now())
	e.rawExec(`INSERT INTO agent_runtime_state (agent_id, company_id, adapter_type, session_id, state_json, total_input_tokens, created_at, updated_at)
		VALUES (?, ?, 'process', 'sess-1', '{"accessToken":"abc"}', 42, ?, ?)`, id, cid, now, now)
	for _, key := range []string{"task-a", "task-b"} {
		e.rawExec(`INSERT INTO agent_task_sessions (id, company_id, agent_id, adapter_type, task_key, session_params_json, created_at, updated_at)
			VALUES (?, ?, ?, 'process', ?, '{"apiKey":"x","sessionId":"s"}', ?, ?)`, store.NewID(), cid, id, key, now, now)
	}
	e.run(t, []scenario{
		{"state", "GET", p + "/runtime-state", nil, nil, 200, []string{`"sessionId":"sess-1"`, `"totalInputTokens":42`, `"accessToken":"***REDACTED***"`}},
		{"sessions redacted", "GET", p + "/task-sessions", nil, nil, 200, []string{`"taskKey":"task-a"`, `"apiKey":"***REDACTED***"`, `"sessionId":"s"`}},
		{"reset one", "POST", p + "/runtime-state/reset-session", map[string]any{"taskKey": "task-a"}, nil, 200, []string{`"sessionId":"sess-1"`}},
	})
	if n := len(e.do("GET", p+"/task-sessions", nil).List()); n != 1 {
		t.Fatalf("sessions after one reset %d", n)
	}
	e.run(t, []scenario{
		{"reset all", "POST", p + "/runtime-state/reset-session", nil, nil, 200, []string{`"sessionId":null`}},
		{"none left", "GET", p + "/task-sessions", nil, nil, 200, []string{"[]"}},
		{"bad body", "POST", p + "/runtime-state/reset-session", map[string]any{"taskKey": 5}, nil, 400, []string{"taskKey"}},
	})
	if n := count(e.actions(cid, ""), "agent.runtime_session_reset"); n != 2 {
		t.Fatalf("reset activity %d", n)
	}
}

func TestAgentInstructionsPath(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Claude", "adapterType": "claude_local", "adapterConfig": map[string]any{"cwd": "/srv/work"}})
	proc := e.mustAgent(cid, map[string]any{"name": "Proc"})
	p := "/api/agents/" + a["id"].(string) + "/instructions-path"
	e.run(t, []scenario{
		{"missing path", "PATCH", p, map[string]any{}, nil, 400, []string{`"path":["path"]`, "Required"}},
		{"empty path", "PATCH", p, map[string]any{"path": ""}, nil, 400, []string{"too_small"}},
		{"relative", "PATCH", p, map[string]any{"path": "docs/AGENTS.md"}, nil, 200, []string{`"path":"/srv/work/docs/AGENTS.md"`, `"adapterConfigKey":"instructionsFilePath"`}},
		{"clear", "PATCH", p, map[string]any{"path": nil}, nil, 200, []string{`"path":null`}},
		{"no default key", "PATCH", "/api/agents/" + proc["id"].(string) + "/instructions-path", map[string]any{"path": "/a.md"}, nil, 422,
			[]string{"No default instructions path key for adapter type 'process'. Provide adapterConfigKey."}},
		{"relative without cwd", "PATCH", "/api/agents/" + proc["id"].(string) + "/instructions-path", map[string]any{"path": "a.md", "adapterConfigKey": "agentsMdPath"}, nil, 422,
			[]string{"adapterConfig.cwd must be an absolute path to resolve relative instructions path"}},
		{"explicit key", "PATCH", "/api/agents/" + proc["id"].(string) + "/instructions-path", map[string]any{"path": "/a.md", "adapterConfigKey": "agentsMdPath"}, nil, 200,
			[]string{`"adapterConfigKey":"agentsMdPath"`}},
	})
	revs := e.do("GET", "/api/agents/"+a["id"].(string)+"/config-revisions", nil).List()
	if len(revs) != 2 || revs[0]["source"] != "instructions_path_patch" {
		t.Fatalf("revisions %v", revs)
	}
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=agent.instructions_path_updated", nil).List()
	if len(acts) != 3 || acts[1]["details"].(map[string]any)["cleared"] != true {
		t.Fatalf("activity %v", acts)
	}
}
