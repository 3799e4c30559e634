package cli

import (
	"strings"
	"testing"
)

func TestActivityCommands(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	ag := e.agent("Writer")
	var is entity
	e.mustJSON(&is, "issue", "create", "--title", "Fix login")
	e.mustRun("", "issue", "comment", is.ID, "--body", "Looking")

	var acts []map[string]any
	e.mustJSON(&acts, "activity", "list")
	actions := map[string]bool{}
	for _, a := range acts {
		actions[a["action"].(string)] = true
	}
	for _, want := range []string{"company.created", "agent.created", "issue.created", "issue.comment_added"} {
		if !actions[want] {
			t.Errorf("activity lacks %s: %v", want, actions)
		}
	}
	// Filters reach the server as query parameters.
	e.mustJSON(&acts, "activity", "list", "--entity-type", "issue", "--entity-id", is.ID, "--limit", "1")
	if len(acts) != 1 || acts[0]["entityId"] != is.ID {
		t.Fatalf("filtered %v", acts)
	}
	e.mustJSON(&acts, "activity", "list", "--agent-id", ag.ID)
	if q := e.lastRequest(t, "GET", "/api/companies/").URL.Query(); q.Get("agentId") != ag.ID {
		t.Fatalf("query %v", q)
	}
	// Human lines start with id and action, then who did what to which entity.
	r := e.mustRun("", "activity", "issue", is.ID)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], " action=issue.comment_added actorType=user actorId=local-board entityType=issue entityId="+is.ID+" createdAt=") {
		t.Fatalf("issue activity:\n%s", r.stdout)
	}
	golden(t, "json/activity_issue", e.normalize(e.mustRun("", "activity", "issue", is.ID, "--json").stdout))
}
