package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAgentCommands(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	ceo := e.agent("Ceo")
	r := e.mustRun("", "agent", "list")
	if want := "id=" + ceo.ID + " name=Ceo status=idle role=general reportsTo=- budgetMonthlyCents=0 spentMonthlyCents=0\n"; r.stdout != want {
		t.Errorf("list:\n got %q\nwant %q", r.stdout, want)
	}
	golden(t, "json/agent_list", e.normalize(e.mustRun("", "agent", "list", "--json").stdout))

	// get: by id, or by shortname with -C (the server needs the company for that).
	var ag entity
	e.mustJSON(&ag, "agent", "get", ceo.ID)
	e.mustJSON(&ag, "agent", "get", "ceo", "-C", co)
	if ag.ID != ceo.ID {
		t.Fatalf("shortname lookup %+v", ag)
	}
	if q := e.lastRequest(t, "GET", "/api/agents/").URL.Query().Get("companyId"); q != co {
		t.Fatalf("companyId query %q", q)
	}

	var m map[string]any
	e.mustJSON(&m, "agent", "update", ceo.ID, "--payload-json", `{"title":"Chief"}`)
	if m["title"] != "Chief" {
		t.Fatalf("update %v", m)
	}
	e.mustJSON(&ag, "agent", "pause", ceo.ID)
	if ag.Status != "paused" {
		t.Fatalf("pause %+v", ag)
	}
	e.mustJSON(&ag, "agent", "resume", ceo.ID)
	if ag.Status == "paused" {
		t.Fatalf("resume %+v", ag)
	}
	e.mustJSON(&m, "agent", "runtime-state", ceo.ID)
	e.mustRun("", "agent", "runtime-state:reset-session", ceo.ID, "--task-key", "ACM-1")
	if b := e.lastRequest(t, "POST", "/api/agents/").body; b != `{"taskKey":"ACM-1"}` {
		t.Fatalf("reset-session body %s", b)
	}

	// hire: with board approval required the new agent waits, and approve lets it in.
	e.mustRun("", "company", "update", co, "--payload-json", `{"requireBoardApprovalForNewAgents":true}`)
	e.mustJSON(&m, "agent", "hire", "--payload-json", `{"name":"Researcher","role":"researcher","adapterType":"process","adapterConfig":{"command":"true"}}`)
	hired, _ := m["agent"].(map[string]any)
	if hired == nil || hired["status"] != "pending_approval" {
		t.Fatalf("hire %v", m)
	}
	e.mustJSON(&ag, "agent", "approve", hired["id"].(string))
	if ag.Status == "pending_approval" {
		t.Fatalf("approve %+v", ag)
	}
	e.mustJSON(&ag, "agent", "terminate", hired["id"].(string))
	if ag.Status != "terminated" {
		t.Fatalf("terminate %+v", ag)
	}
	e.mustRun("", "agent", "delete", hired["id"].(string), "--yes")
	if r := e.run("", "agent", "get", hired["id"].(string)); r.code != 1 || !strings.Contains(r.stderr, "API error 404") {
		t.Fatalf("deleted agent: %d %q", r.code, r.stderr)
	}

	// me, with the agent's own key.
	e.env["PAPERCLIP_API_KEY"] = e.agentKey(ceo.ID)
	e.mustJSON(&ag, "agent", "me")
	if ag.ID != ceo.ID {
		t.Fatalf("me %+v", ag)
	}
	delete(e.env, "PAPERCLIP_API_KEY")
	if r := e.run("", "agent", "me"); r.code != 1 || !strings.HasPrefix(r.stderr, "API error 40") {
		t.Fatalf("me as the board: %d %q", r.code, r.stderr)
	}
}

func TestAgentLocalCLI(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	ceo := e.agent("Ceo")
	r := e.mustRun("", "agent", "local-cli", "ceo", "--no-install-skills")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || lines[0] != "export PAPERCLIP_API_URL='"+e.srv.URL+"'" || lines[1] != "export PAPERCLIP_COMPANY_ID='"+co+"'" ||
		lines[2] != "export PAPERCLIP_AGENT_ID='"+ceo.ID+"'" || !strings.HasPrefix(lines[3], "export PAPERCLIP_API_KEY='pcp_") {
		t.Fatalf("exports:\n%s", r.stdout)
	}
	if b := e.lastRequest(t, "POST", "/api/agents/").body; b != `{"name":"local-cli"}` {
		t.Fatalf("key body %s", b)
	}
	// The printed key works as the agent.
	key := strings.TrimSuffix(strings.TrimPrefix(lines[3], "export PAPERCLIP_API_KEY='"), "'")
	var me entity
	e.mustJSON(&me, "agent", "me", "--api-key", key)
	if me.ID != ceo.ID {
		t.Fatalf("me with the new key %+v", me)
	}
	var out map[string]any
	e.mustJSON(&out, "agent", "local-cli", ceo.ID, "--key-name", "laptop", "--no-install-skills")
	if out["agentId"] != ceo.ID || out["companyId"] != co || out["apiBase"] != e.srv.URL || out["keyId"] == nil ||
		!strings.HasPrefix(out["token"].(string), "pcp_") || len(out["installedSkills"].([]any)) != 0 {
		t.Fatalf("json %v", out)
	}
	if r := e.run("", "agent", "local-cli", "nobody", "--no-install-skills"); r.code != 1 || strings.TrimSpace(r.stderr) != "Agent not found: nobody" {
		t.Fatalf("unknown agent: %d %q", r.code, r.stderr)
	}
}

// TestAgentRuntimeRequests runs the commands of the runtime routes (wakeup,
// heartbeat/invoke, the skill document) against the real server: the exact request
// per the spec, and the run the server queued. No scheduler runs here, so the run
// stays queued and invoke merges into it; heartbeat_run_e2e_test.go runs agents.
func TestAgentRuntimeRequests(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	ceo := e.agent("Ceo")
	var run struct{ ID, Status, InvocationSource, AgentID string }
	e.mustJSON(&run, "agent", "wake", "ceo", "-C", co, "--source", "automation", "--trigger", "ping", "--reason", "new goal",
		"--payload", `{"hint":"ACM-1"}`, "--idempotency-key", "k1", "--force-fresh-session")
	if run.ID == "" || run.Status != "queued" || run.InvocationSource != "automation" || run.AgentID != ceo.ID {
		t.Fatalf("wake answered %+v\n%s", run, e.lastRequest(t, "POST", "/api/agents/").body)
	}
	req := e.lastRequest(t, "POST", "/api/agents/")
	var body map[string]any
	json.Unmarshal([]byte(req.body), &body)
	if req.URL.Path != "/api/agents/"+ceo.ID+"/wakeup" || body["source"] != "automation" || body["triggerDetail"] != "ping" ||
		body["reason"] != "new goal" || body["idempotencyKey"] != "k1" || body["forceFreshSession"] != true ||
		body["payload"].(map[string]any)["hint"] != "ACM-1" {
		t.Fatalf("wake request %s %s", req.URL.Path, req.body)
	}
	var again struct{ ID string }
	e.mustJSON(&again, "agent", "wake", ceo.ID)
	if again.ID != run.ID {
		t.Errorf("second wake %s, want it merged into %s", again.ID, run.ID)
	}
	json.Unmarshal([]byte(e.lastRequest(t, "POST", "/api/agents/").body), &body)
	if body["source"] != "on_demand" || body["triggerDetail"] != "manual" || body["forceFreshSession"] != false {
		t.Fatalf("wake defaults %v", body)
	}
	if r := e.run("", "agent", "wake", ceo.ID, "--source", "cron"); r.code != 1 || !strings.Contains(r.stderr, `Invalid --source "cron"`) {
		t.Fatalf("bad source: %d %q", r.code, r.stderr)
	}
	var invoked struct{ ID string }
	e.mustJSON(&invoked, "agent", "heartbeat:invoke", ceo.ID)
	if p := e.lastRequest(t, "POST", "/api/agents/").URL.Path; p != "/api/agents/"+ceo.ID+"/heartbeat/invoke" {
		t.Fatalf("invoke path %s", p)
	}
	if invoked.ID != run.ID {
		t.Errorf("invoke answered run %s, want the queued %s", invoked.ID, run.ID)
	}
	if r := e.run("", "agent", "wake", "nobody", "-C", co); r.code != 1 || r.stderr == "" {
		t.Errorf("unknown agent: %d %q", r.code, r.stderr)
	}
	e.run("", "agent", "local-cli", "ceo")
	if p := e.lastRequest(t, "GET", "/api/skills/").URL.Path; p != "/api/skills/paperclip" {
		t.Fatalf("skill path %s", p)
	}
}

// TestAgentSkillInstall writes the skill for Claude and Codex and keeps a SKILL.md the
// user wrote (no managed marker).
func TestAgentSkillInstall(t *testing.T) {
	e := newCLIEnv(t)
	a := newApp(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	a.userHome = func() (string, error) { return e.home, nil }
	codex := e.home + "/codex-home"
	a.lookupEnv = func(k string) (string, bool) {
		if k == "CODEX_HOME" {
			return codex, true
		}
		return "", false
	}
	own := codex + "/skills/paperclip/SKILL.md"
	mustWrite(t, own, "my own notes\n")
	got, err := a.installSkills([]byte("# Paperclip skill\n"))
	if err != nil {
		t.Fatal(err)
	}
	claude := e.home + "/.claude/skills/paperclip/SKILL.md"
	if len(got) != 1 || got[0] != claude {
		t.Fatalf("installed %v", got)
	}
	if s := mustRead(t, claude); s != skillMarker+"\n# Paperclip skill\n" {
		t.Fatalf("claude skill %q", s)
	}
	if s := mustRead(t, own); s != "my own notes\n" {
		t.Fatalf("user file overwritten: %q", s)
	}
	// A file we wrote is replaced on the next install.
	if got, err = a.installSkills([]byte(skillMarker + "\nv2\n")); err != nil || len(got) != 1 || mustRead(t, claude) != skillMarker+"\nv2\n" {
		t.Fatalf("reinstall %v %v %q", got, err, mustRead(t, claude))
	}
}
