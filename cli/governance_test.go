package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestOversightRequests pins the exact requests of the cost and dashboard commands
// (method, path, query, body per cli.md §8.5, §8.7) against the real server; an API
// error answer is fine here. Their results are checked in oversight_real_test.go, and
// goals, projects and approvals in governance_real_test.go.
func TestOversightRequests(t *testing.T) {
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
		{[]string{"dashboard", "get"}, "GET", c + "/dashboard", "", ""},
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
