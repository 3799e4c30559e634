package server_test

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestClaudeLoginRoute(t *testing.T) {
	t.Setenv("PAPERCLIP_AGENT_JWT_SECRET", "server-only-secret")
	e := newEnv(t)
	cid := e.mustCompany("Login Co")["id"].(string)
	fake, _ := filepath.Abs("adapter/claude/testdata/fake-claude")
	dir := t.TempDir()
	ag := e.mustAgent(cid, map[string]any{"name": "Claude", "role": "engineer", "adapterType": "claude_local",
		"adapterConfig": map[string]any{"command": fake, "cwd": dir, "env": map[string]any{"FAKE_CLAUDE_MARKER": map[string]any{"type": "plain", "value": "from-config"}}}})
	missing := e.mustAgent(cid, map[string]any{"name": "NoCli", "adapterType": "claude_local", "adapterConfig": map[string]any{"command": "/nonexistent/claude"}})
	proc := e.mustAgent(cid, map[string]any{"name": "Proc", "adapterType": "process", "adapterConfig": map[string]any{"command": "true"}})
	ceo := e.mustAgent(cid, map[string]any{"name": "Boss", "role": "ceo"})
	other := e.mustCompany("Other Co")["id"].(string)
	r := e.do("POST", "/api/agents/"+ag["id"].(string)+"/claude-login", nil)
	if r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	m := r.JSON()
	if m["exitCode"] != 0.0 || m["timedOut"] != false || m["loginUrl"] != "https://claude.ai/oauth/authorize?code=true&client_id=test&state=abc123" {
		t.Fatalf("login result %v", m)
	}
	if out := m["stdout"].(string); !strings.Contains(out, "marker=from-config") || !strings.Contains(out, "cwd="+dir) {
		t.Fatalf("config not applied: %s", out)
	}
	if strings.Contains(string(r.Body), "server-only-secret") {
		t.Fatal("login output shows the server's JWT secret")
	}
	e.run(t, []scenario{
		{"not claude", "POST", "/api/agents/" + proc["id"].(string) + "/claude-login", nil, nil, 400, []string{"Login is only supported for claude_local agents"}},
		{"cli missing", "POST", "/api/agents/" + missing["id"].(string) + "/claude-login", nil, nil, 422, []string{"Claude CLI not found: /nonexistent/claude"}},
		{"unknown agent", "POST", "/api/agents/00000000-0000-4000-8000-000000000000/claude-login", nil, nil, 404, []string{"Agent not found"}},
		{"agent caller is not a manager", "POST", "/api/agents/" + ag["id"].(string) + "/claude-login", nil, bearer(e.agentKey(ceo["id"].(string))), 403, nil},
		{"shortname needs company", "POST", "/api/agents/claude/claude-login?companyId=" + other, nil, nil, 404, []string{"Agent not found"}},
	})
}
