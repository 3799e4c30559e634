package server_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"paperclip/store"
)

func TestAgentOrgChart(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	ceo := e.mustAgent(cid, map[string]any{"name": "Ceo", "role": "ceo"})
	cto := e.mustAgent(cid, map[string]any{"name": "Cto", "role": "cto", "reportsTo": ceo["id"]})
	e.mustAgent(cid, map[string]any{"name": "Dev1", "reportsTo": cto["id"]})
	e.mustAgent(cid, map[string]any{"name": "Dev2", "reportsTo": cto["id"]})
	gone := e.mustAgent(cid, map[string]any{"name": "Gone", "reportsTo": ceo["id"]})
	e.mustAgent(cid, map[string]any{"name": "Orphan", "reportsTo": gone["id"]})
	e.do("POST", "/api/agents/"+gone["id"].(string)+"/terminate", nil)
	r := e.do("GET", "/api/companies/"+cid+"/org", nil)
	var tree []struct {
		Name    string `json:"name"`
		Status  string `json:"status"`
		Reports []struct {
			Name    string            `json:"name"`
			Reports []json.RawMessage `json:"reports"`
		} `json:"reports"`
	}
	if err := json.Unmarshal(r.Body, &tree); err != nil {
		t.Fatal(err)
	}
	if len(tree) != 2 || tree[0].Name != "Ceo" || tree[1].Name != "Orphan" {
		t.Fatalf("roots %s", r.Body)
	}
	if len(tree[0].Reports) != 1 || tree[0].Reports[0].Name != "Cto" || len(tree[0].Reports[0].Reports) != 2 {
		t.Fatalf("tree %s", r.Body)
	}
	if !strings.Contains(string(r.Body), `"reports":[]`) || strings.Contains(string(r.Body), "Gone") {
		t.Fatalf("leaves or terminated: %s", r.Body)
	}
	e.run(t, []scenario{
		{"missing company", "GET", "/api/companies/" + missingID + "/org", nil, nil, 404, []string{"Company not found"}},
	})
}

func TestAgentInboxLite(t *testing.T) {
	e := newEnv(t)
	c := e.mustCompany("Acme")
	cid := c["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Worker"})
	other := e.mustAgent(cid, map[string]any{"name": "Other"})
	id := a["id"].(string)
	key := bearer(e.agentKey(id))
	low := e.insertIssue(cid, "todo", id)
	crit := e.insertIssue(cid, "in_progress", id)
	blocked := e.insertIssue(cid, "blocked", id)
	e.insertIssue(cid, "done", id)
	e.insertIssue(cid, "in_review", id)
	e.insertIssue(cid, "todo", other["id"])
	hidden := e.insertIssue(cid, "todo", id)
	blocker := e.insertIssue(cid, "todo", nil)
	e.rawExec(`UPDATE issues SET priority = 'low' WHERE id = ?`, low)
	e.rawExec(`UPDATE issues SET priority = 'critical' WHERE id = ?`, crit)
	e.rawExec(`UPDATE issues SET hidden_at = updated_at WHERE id = ?`, hidden)
	now := store.FormatTime(time.Now())
	e.rawExec(`INSERT INTO issue_relations (id, company_id, issue_id, related_issue_id, type, created_at, updated_at) VALUES (?, ?, ?, ?, 'blocks', ?, ?)`,
		store.NewID(), cid, blocker, blocked, now, now)
	run := e.insertRun(cid, id, "running", -1)
	e.rawExec(`UPDATE issues SET execution_run_id = ? WHERE id = ?`, run, crit)
	r := e.do("GET", "/api/agents/me/inbox-lite", nil, key...)
	list := r.List()
	if r.Status != 200 || len(list) != 3 {
		t.Fatalf("inbox %d %s", r.Status, r.Body)
	}
	if list[0]["id"] != crit || list[2]["id"] != low {
		t.Fatalf("order %s", r.Body)
	}
	if run := list[0]["activeRun"].(map[string]any); run["status"] != "running" || run["agentId"] != id {
		t.Fatalf("active run %v", run)
	}
	if list[1]["dependencyReady"] != false || list[1]["unresolvedBlockerCount"] != 1.0 || list[1]["unresolvedBlockerIssueIds"].([]any)[0] != blocker {
		t.Fatalf("blockers %v", list[1])
	}
	if list[2]["activeRun"] != nil || list[2]["dependencyReady"] != true || len(list[2]["unresolvedBlockerIssueIds"].([]any)) != 0 {
		t.Fatalf("plain item %v", list[2])
	}
	e.rawExec(`UPDATE issues SET status = 'done' WHERE id = ?`, blocker)
	if item := e.do("GET", "/api/agents/me/inbox-lite", nil, key...).List()[1]; item["dependencyReady"] != true {
		t.Fatalf("done blocker still blocks %v", item)
	}
}

func TestAgentRedactionEverywhere(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	secretID := "33333333-3333-4333-8333-333333333333"
	e.rawExec(`INSERT INTO company_secrets (id, company_id, key, name, created_at, updated_at) VALUES (?, ?, 'k', 'n', 'x', 'x')`, secretID, cid)
	jwtish := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4eHh4eCJ9.c2lnbmF0dXJlc2ln"
	a := e.mustAgent(cid, map[string]any{"name": "Secretive", "adapterType": "http", "adapterConfig": map[string]any{
		"url": "https://hook.example/x", "headers": map[string]any{"Authorization": "Bearer hunter2"},
		"env": map[string]any{"DB_PASSWORD": "hunter2", "REF_TOKEN": map[string]any{"type": "secret_ref", "secretId": secretID}, "LEAK": jwtish},
	}, "metadata": map[string]any{"apiKey": "hunter2"}})
	id := a["id"].(string)
	e.do("PATCH", "/api/agents/"+id, map[string]any{"adapterConfig": map[string]any{"headers": map[string]any{"Authorization": "Bearer hunter3"}}})
	for _, path := range []string{"/api/agents/" + id, "/api/agents/" + id + "/configuration", "/api/companies/" + cid + "/agents",
		"/api/companies/" + cid + "/agent-configurations", "/api/agents/" + id + "/config-revisions", "/api/companies/" + cid + "/activity"} {
		r := e.do("GET", path, nil)
		body := string(r.Body)
		if r.Status != 200 || strings.Contains(body, "hunter") || strings.Contains(body, jwtish) {
			t.Errorf("%s leaks: %d %s", path, r.Status, body)
		}
	}
	body := string(e.do("GET", "/api/agents/"+id+"/configuration", nil).Body)
	for _, want := range []string{`"DB_PASSWORD":{"type":"plain","value":"***REDACTED***"}`, `"secretId":"` + secretID + `"`, `"Authorization":"***REDACTED***"`,
		`"LEAK":{"type":"plain","value":"***REDACTED***"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("configuration lacks %s: %s", want, body)
		}
	}
	// Sending a redacted read back keeps the stored values, metadata included.
	read := e.do("GET", "/api/agents/"+id, nil).JSON()
	if read["metadata"].(map[string]any)["apiKey"] != "***REDACTED***" {
		t.Fatalf("metadata not redacted: %v", read["metadata"])
	}
	if r := e.do("PATCH", "/api/agents/"+id, map[string]any{"adapterConfig": read["adapterConfig"], "metadata": read["metadata"],
		"runtimeConfig": read["runtimeConfig"]}); r.Status != 200 {
		t.Fatalf("round trip %d %s", r.Status, r.Body)
	}
	stored, _ := e.store.FindAgentByID(t.Context(), id)
	if stored.AdapterConfig["headers"].(map[string]any)["Authorization"] != "Bearer hunter3" || stored.Metadata["apiKey"] != "hunter2" {
		t.Fatalf("secrets lost: %v %v", stored.AdapterConfig, stored.Metadata)
	}
	e.run(t, []scenario{
		{"placeholder without stored value", "POST", "/api/companies/" + cid + "/agents", map[string]any{"name": "P", "metadata": map[string]any{"password": "***REDACTED***"}}, nil, 422,
			[]string{"Refusing to persist redacted placeholder for key: password"}},
	})
}

func TestAdapterUtilityRoutes(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	co := "/api/companies/" + cid
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	dir := t.TempDir()
	e.run(t, []scenario{
		{"claude models", "GET", co + "/adapters/claude_local/models", nil, nil, 200, []string{`"id":"claude-sonnet-4-6"`}},
		{"process models", "GET", co + "/adapters/process/models", nil, nil, 200, []string{"[]"}},
		{"unknown models", "GET", co + "/adapters/nope/models", nil, nil, 200, []string{"[]"}},
		{"test pass", "POST", co + "/adapters/process/test-environment", map[string]any{"adapterConfig": map[string]any{"command": "sh", "cwd": dir}}, nil, 200,
			[]string{`"status":"pass"`, `"code":"command_ok"`, `"detail":"` + sh + `"`, `"code":"cwd_ok"`, `"adapterType":"process"`}},
		{"test fail", "POST", co + "/adapters/process/test-environment", nil, nil, 200, []string{`"status":"fail"`, `"code":"command_missing"`}},
		{"test missing cli", "POST", co + "/adapters/codex_local/test-environment", map[string]any{"adapterConfig": map[string]any{"command": "no-such-cli-xyz"}}, nil, 200,
			[]string{`"status":"fail"`, `"code":"command_not_found"`, "npm install -g @openai/codex"}},
		{"test http warn", "POST", co + "/adapters/http/test-environment", map[string]any{"adapterConfig": map[string]any{"url": "https://x.example", "method": "TRACE"}}, nil, 200,
			[]string{`"status":"warn"`, `"code":"url_ok"`, `"code":"method_unusual"`}},
		{"test unknown", "POST", co + "/adapters/gemini_local/test-environment", nil, nil, 404, []string{"Unknown adapter type: gemini_local"}},
		{"test bad body", "POST", co + "/adapters/process/test-environment", map[string]any{"adapterConfig": "x"}, nil, 400, []string{"adapterConfig"}},
		{"llms index", "GET", "/api/llms/agent-configuration.txt", nil, nil, 200, []string{"/api/llms/agent-configuration/codex_local.txt"}},
		{"llms icons", "GET", "/api/llms/agent-icons.txt", nil, nil, 200, []string{"circuit-board\n"}},
		{"llms adapter", "GET", "/api/llms/agent-configuration/http.txt", nil, nil, 200, []string{"payloadTemplate"}},
		{"llms unknown", "GET", "/api/llms/agent-configuration/nope.txt", nil, nil, 404, []string{"Unknown adapter type: nope"}},
	})
	if ct := e.do("GET", "/api/llms/agent-icons.txt", nil).Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("llms content type %q", ct)
	}
	// Scheduler heartbeats: agents with a timer, active schedules first.
	e.mustAgent(cid, map[string]any{"name": "Zed", "runtimeConfig": map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 60}}})
	e.mustAgent(cid, map[string]any{"name": "Amy", "runtimeConfig": map[string]any{"heartbeat": map[string]any{"enabled": false, "intervalSec": 120}}})
	e.mustAgent(cid, map[string]any{"name": "NoTimer"})
	paused := e.mustAgent(cid, map[string]any{"name": "Paused", "runtimeConfig": map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 60}}})
	e.do("POST", "/api/agents/"+paused["id"].(string)+"/pause", nil)
	rows := e.do("GET", "/api/instance/scheduler-heartbeats", nil).List()
	if len(rows) != 2 || rows[0]["agentName"] != "Zed" || rows[0]["schedulerActive"] != true || rows[1]["agentName"] != "Amy" ||
		rows[1]["schedulerActive"] != false || rows[0]["intervalSec"] != 60.0 || rows[0]["companyIssuePrefix"] != "ACM" {
		t.Fatalf("scheduler rows %v", rows)
	}
}

func TestHeartbeatRunReads(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Acme")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Runner", "adapterType": "codex_local"})
	b := e.mustAgent(cid, map[string]any{"name": "Other"})
	id := a["id"].(string)
	old := e.insertRun(cid, id, "succeeded", time.Minute)
	e.rawExec(`UPDATE heartbeat_runs SET created_at = '2020-01-01T00:00:00.000Z', result_json = '{"summary":"ok","password":"pw"}',
		context_snapshot = '{"issueId":"x"}', stdout_excerpt = 'out' WHERE id = ?`, old)
	live := e.insertRun(cid, id, "running", -1)
	e.insertRun(cid, b["id"].(string), "queued", -1)
	for seq := 1; seq <= 3; seq++ {
		e.rawExec(`INSERT INTO heartbeat_run_events (company_id, run_id, agent_id, seq, event_type, payload, created_at)
			VALUES (?, ?, ?, ?, 'log', '{"secret":"s"}', 'x')`, cid, live, id, seq)
	}
	issue := e.insertIssue(cid, "todo", id)
	e.rawExec(`INSERT INTO activity_log (id, company_id, actor_type, actor_id, action, entity_type, entity_id, run_id, created_at)
		VALUES (?, ?, 'agent', ?, 'issue.updated', 'issue', ?, ?, 'x')`, store.NewID(), cid, id, issue, live)
	co := "/api/companies/" + cid
	e.run(t, []scenario{
		{"get", "GET", "/api/heartbeat-runs/" + old, nil, nil, 200, []string{`"summary":"ok"`, `"password":"***REDACTED***"`, `"stdoutExcerpt":"out"`, `"contextSnapshot":{"issueId":"x"}`}},
		{"missing", "GET", "/api/heartbeat-runs/" + missingID, nil, nil, 404, []string{"Heartbeat run not found"}},
		{"summary list", "GET", co + "/heartbeat-runs?summary=true&agentId=" + id, nil, nil, 200, []string{`"id":"` + old + `"`}},
		{"bad summary", "GET", co + "/heartbeat-runs?summary=maybe", nil, nil, 400, []string{"summary"}},
		{"events", "GET", "/api/heartbeat-runs/" + live + "/events?afterSeq=1&limit=1", nil, nil, 200, []string{`"seq":2`, `"secret":"***REDACTED***"`}},
		{"run issues", "GET", "/api/heartbeat-runs/" + live + "/issues", nil, nil, 200, []string{`"issueId":"` + issue + `"`, `"identifier":"ACM-1"`}},
		{"unknown run issues", "GET", "/api/heartbeat-runs/" + missingID + "/issues", nil, nil, 200, []string{"[]"}},
	})
	if s := string(e.do("GET", co+"/heartbeat-runs?summary=1", nil).Body); strings.Contains(s, "resultJson") || strings.Contains(s, "stdoutExcerpt") {
		t.Fatalf("summary keeps heavy fields: %s", s)
	}
	if list := e.do("GET", co+"/heartbeat-runs?limit=abc", nil).List(); len(list) != 3 || list[2]["id"] != old {
		t.Fatalf("lenient limit list %v", list)
	}
	if list := e.do("GET", co+"/heartbeat-runs?limit=1", nil).List(); len(list) != 1 {
		t.Fatalf("limit 1 gave %d", len(list))
	}
	liveRuns := e.do("GET", co+"/live-runs", nil).List()
	if len(liveRuns) != 2 || liveRuns[0]["agentName"] == nil {
		t.Fatalf("live runs %v", liveRuns)
	}
	padded := e.do("GET", co+"/live-runs?minCount=5", nil).List()
	if len(padded) != 3 || padded[2]["id"] != old || padded[2]["adapterType"] != "codex_local" {
		t.Fatalf("padded live runs %v", padded)
	}
	if ev := e.do("GET", "/api/heartbeat-runs/"+live+"/events", nil).List(); len(ev) != 3 {
		t.Fatalf("events %d", len(ev))
	}
}
