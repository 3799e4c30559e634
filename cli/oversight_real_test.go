package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// Costs and the dashboard through the CLI against the real oversight routes: a cost
// event recorded with event:create shows up in every rollup and on the dashboard.
func TestCostAndDashboardRealRoutes(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	ag := e.agent("Researcher")
	var p govEntity
	e.mustJSON(&p, "project", "create", "--name", "Website")

	var ev map[string]any
	e.mustJSON(&ev, "cost", "event:create", "--payload-json", `{"agentId":"`+ag.ID+`","projectId":"`+p.ID+`",`+
		`"provider":"anthropic","model":"claude-sonnet","costCents":125,"inputTokens":1000,"outputTokens":200,`+
		`"occurredAt":"2026-11-20T09:00:00.000Z"}`)
	if ev["id"] == nil || ev["costCents"] != 125.0 {
		t.Fatalf("cost event %v", ev)
	}
	var summary map[string]any
	e.mustJSON(&summary, "cost", "summary", "--from", "2026-11-01T00:00:00.000Z", "--to", "2026-12-01T00:00:00.000Z")
	if !strings.Contains(mustMarshal(summary), "125") {
		t.Fatalf("summary %v", summary)
	}
	var empty map[string]any
	e.mustJSON(&empty, "cost", "summary", "--from", "2026-12-01T00:00:00.000Z", "--to", "2026-12-31T00:00:00.000Z")
	if strings.Contains(mustMarshal(empty), "125") {
		t.Fatalf("--from/--to ignored: %v", empty)
	}
	var byAgent, byProject []map[string]any
	nov := []string{"--from", "2026-11-01T00:00:00.000Z", "--to", "2026-12-01T00:00:00.000Z"}
	e.mustJSON(&byAgent, append([]string{"cost", "by-agent"}, nov...)...)
	if len(byAgent) != 1 || !strings.Contains(mustMarshal(byAgent[0]), ag.ID) || !strings.Contains(mustMarshal(byAgent[0]), "125") {
		t.Fatalf("by-agent %v", byAgent)
	}
	e.mustJSON(&byProject, append([]string{"cost", "by-project"}, nov...)...)
	if len(byProject) != 1 || !strings.Contains(mustMarshal(byProject[0]), p.ID) {
		t.Fatalf("by-project %v", byProject)
	}
	var dash map[string]any
	e.mustJSON(&dash, "dashboard", "get")
	if dash["companyId"] != co && !strings.Contains(mustMarshal(dash), co) {
		t.Fatalf("dashboard %v", dash)
	}
	if r := e.mustRun("", "dashboard", "get"); !strings.HasPrefix(r.stdout, "{\n") {
		t.Fatalf("dashboard human output is not pretty JSON:\n%s", r.stdout)
	}
	if r := e.run("", "cost", "event:create", "--payload-json", `{"costCents":-1}`); r.code != 1 || !strings.HasPrefix(r.stderr, "API error 4") {
		t.Fatalf("bad cost event: %d %q", r.code, r.stderr)
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
