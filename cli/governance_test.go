package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestGovernanceAndOversightRequests pins the requests of the commands whose routes
// the governance and oversight branches add (approvals, goals, projects, costs,
// dashboard): method, path, query and body per cli.md §8.4–§8.7. Until a route lands
// the server answers 404 and the command exits 1 with that API error.
func TestGovernanceAndOversightRequests(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	c := "/api/companies/" + co
	for _, tt := range []struct {
		args   []string
		method string
		path   string
		query  string
		body   string
	}{
		{[]string{"approval", "list", "--status", "pending"}, "GET", c + "/approvals", "status=pending", ""},
		{[]string{"approval", "get", "ap1"}, "GET", "/api/approvals/ap1", "", ""},
		{[]string{"approval", "create", "--type", "request_board_approval", "--payload", `{"summary":"Buy a domain"}`,
			"--requested-by-agent-id", "ag1", "--issue-ids", "i1, i2"}, "POST", c + "/approvals", "",
			`{"issueIds":["i1","i2"],"payload":{"summary":"Buy a domain"},"requestedByAgentId":"ag1","type":"request_board_approval"}`},
		{[]string{"approval", "approve", "ap1", "--decision-note", "Go"}, "POST", "/api/approvals/ap1/approve", "", `{"decisionNote":"Go"}`},
		{[]string{"approval", "reject", "ap1"}, "POST", "/api/approvals/ap1/reject", "", `{}`},
		{[]string{"approval", "request-revision", "ap1", "--decision-note", "null"}, "POST", "/api/approvals/ap1/request-revision", "", `{"decisionNote":null}`},
		{[]string{"approval", "resubmit", "ap1", "--payload", `{"a":1}`}, "POST", "/api/approvals/ap1/resubmit", "", `{"payload":{"a":1}}`},
		{[]string{"approval", "comment", "ap1", "--body", "Why?"}, "POST", "/api/approvals/ap1/comments", "", `{"body":"Why?"}`},
		{[]string{"approval", "comments", "ap1"}, "GET", "/api/approvals/ap1/comments", "", ""},
		{[]string{"dashboard", "get"}, "GET", c + "/dashboard", "", ""},
		{[]string{"goal", "list"}, "GET", c + "/goals", "", ""},
		{[]string{"goal", "get", "g1"}, "GET", "/api/goals/g1", "", ""},
		{[]string{"goal", "create", "--title", "Ship v1", "--level", "company", "--status", "active", "--parent-id", "g0", "--owner-agent-id", "ag1"},
			"POST", c + "/goals", "", `{"level":"company","ownerAgentId":"ag1","parentId":"g0","status":"active","title":"Ship v1"}`},
		{[]string{"goal", "update", "g1", "--description", "null", "--parent-id", "null", "--status", "achieved"},
			"PATCH", "/api/goals/g1", "", `{"description":null,"parentId":null,"status":"achieved"}`},
		{[]string{"goal", "delete", "g1", "--yes"}, "DELETE", "/api/goals/g1", "", ""},
		{[]string{"project", "list"}, "GET", c + "/projects", "", ""},
		{[]string{"project", "get", "website"}, "GET", "/api/projects/website", "companyId=" + co, ""},
		{[]string{"project", "create", "--name", "Website", "--goal-ids", "g1,g2", "--lead-agent-id", "ag1", "--target-date", "2026-12-31",
			"--color", "#fff", "--env-json", `{"A":{"type":"plain","value":"1"}}`, "--status", "planned", "--description", "Site"},
			"POST", c + "/projects", "",
			`{"color":"#fff","description":"Site","env":{"A":{"type":"plain","value":"1"}},"goalIds":["g1","g2"],"leadAgentId":"ag1","name":"Website","status":"planned","targetDate":"2026-12-31"}`},
		{[]string{"project", "update", "website", "--archived-at", "null", "--env-json", "null", "--goal-id", "null"},
			"PATCH", "/api/projects/website", "companyId=" + co, `{"archivedAt":null,"env":null,"goalId":null}`},
		{[]string{"project", "delete", "website", "--yes"}, "DELETE", "/api/projects/website", "companyId=" + co, ""},
		{[]string{"cost", "summary", "--from", "2026-11-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z"}, "GET", c + "/costs/summary",
			"from=2026-11-01T00%3A00%3A00Z&to=2026-12-01T00%3A00%3A00Z", ""},
		{[]string{"cost", "by-agent"}, "GET", c + "/costs/by-agent", "", ""},
		{[]string{"cost", "by-project"}, "GET", c + "/costs/by-project", "", ""},
		{[]string{"cost", "event:create", "--payload-json", `{"costCents":12}`}, "POST", c + "/cost-events", "", `{"costCents":12}`},
	} {
		r := e.run("", tt.args...)
		req := e.lastRequest(t, tt.method, "/api/")
		if req.URL.Path != tt.path || req.URL.RawQuery != tt.query {
			t.Errorf("%v: %s %s?%s, want %s?%s", tt.args, req.Method, req.URL.Path, req.URL.RawQuery, tt.path, tt.query)
			continue
		}
		if !sameJSON(req.body, tt.body) {
			t.Errorf("%v: body %s, want %s", tt.args, req.body, tt.body)
		}
		if r.code != 0 && !strings.HasPrefix(r.stderr, "API error ") {
			t.Errorf("%v: exit %d stderr %q", tt.args, r.code, r.stderr)
		}
	}
	for _, args := range [][]string{
		{"goal", "create", "--title", "x", "--level", "galaxy"},
		{"approval", "create", "--type", "lunch", "--payload", "{}"},
	} {
		if r := e.run("", args...); r.code != 1 || !strings.Contains(r.stderr, "Invalid --") {
			t.Errorf("%v: exit %d stderr %q", args, r.code, r.stderr)
		}
	}
}

func sameJSON(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
