package cli

import (
	"strings"
	"testing"
)

// TestIssueAgentHeartbeatScript is the whole heartbeat of an agent script done with
// --json: list its work, check one issue out, comment, mark it done.
func TestIssueAgentHeartbeatScript(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	ag := e.agent("Writer")
	var is entity
	e.mustJSON(&is, "issue", "create", "--title", "Write the launch post", "--assignee-agent-id", ag.ID, "--status", "todo", "--priority", "high")
	e.mustJSON(&entity{}, "issue", "create", "--title", "Someone else's", "--status", "todo")

	// From here on the CLI runs as the agent inside a heartbeat run: key and run id
	// come from the environment the runtime gives the agent process.
	e.env["PAPERCLIP_API_KEY"] = e.agentKey(ag.ID)
	e.env["PAPERCLIP_RUN_ID"] = e.insertRun(ag.CompanyID, ag.ID)
	var mine []entity
	e.mustJSON(&mine, "issue", "list", "--assignee-agent-id", ag.ID, "--status", "todo,in_progress")
	if len(mine) != 1 || mine[0].ID != is.ID {
		t.Fatalf("agent's list %+v", mine)
	}
	var inbox []entity
	e.mustJSON(&inbox, "agent", "inbox")
	if len(inbox) != 1 || inbox[0].ID != is.ID {
		t.Fatalf("inbox %+v", inbox)
	}
	var out entity
	e.mustJSON(&out, "issue", "checkout", is.Identifier, "--agent-id", ag.ID)
	if out.Status != "in_progress" {
		t.Fatalf("checkout %+v", out)
	}
	e.mustJSON(&out, "issue", "comment", is.Identifier, "--body", "Draft is in docs/launch.md")
	e.mustJSON(&out, "issue", "update", is.Identifier, "--status", "done", "--comment", "Published")
	if out.Status != "done" {
		t.Fatalf("update %+v", out)
	}
	var comments []map[string]any
	e.mustJSON(&comments, "issue", "comments", is.Identifier, "--order", "asc")
	if len(comments) != 2 || comments[0]["body"] != "Draft is in docs/launch.md" || comments[1]["body"] != "Published" {
		t.Fatalf("comments %v", comments)
	}
	var acts []map[string]any
	e.mustJSON(&acts, "activity", "issue", is.Identifier)
	for _, a := range acts {
		if a["actorType"] == "agent" && a["runId"] != e.env["PAPERCLIP_RUN_ID"] {
			t.Errorf("agent activity without the run id: %v", a)
		}
	}
	other := e.mustRun("", "issue", "list", "--match", "else", "--json").stdout
	if !strings.Contains(other, "Someone else's") {
		t.Fatalf("match: %s", other)
	}
}

func TestIssueCommands(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	ag := e.agent("Writer")
	r := e.mustRun("", "issue", "create", "--title", "Fix login", "--description", "Users cannot sign in", "--priority", "critical",
		"--request-depth", "2", "--billing-code", "ops", "--json")
	golden(t, "json/issue_create", e.normalize(r.stdout))
	var is entity
	e.mustJSON(&is, "issue", "get", "ACM-1")
	if is.Identifier != "ACM-1" {
		t.Fatalf("get by identifier %+v", is)
	}
	if r := e.run("", "issue", "create", "--title", "x", "--request-depth", "deep"); r.code != 1 || !strings.Contains(r.stderr, `Invalid --request-depth "deep"`) {
		t.Fatalf("bad depth: %d %q", r.code, r.stderr)
	}

	// --match filters locally on identifier, title and description, case-insensitively.
	e.mustJSON(&entity{}, "issue", "create", "--title", "Update pricing page")
	for match, want := range map[string]int{"SIGN IN": 1, "acm-2": 1, "": 2, "nothing": 0} {
		var l []entity
		args := []string{"issue", "list"}
		if match != "" {
			args = append(args, "--match", match)
		}
		e.mustJSON(&l, args...)
		if len(l) != want {
			t.Errorf("--match %q: %d issues, want %d", match, len(l), want)
		}
	}
	if r := e.mustRun("", "issue", "list", "--match", "pricing"); !strings.HasPrefix(r.stdout, "identifier=ACM-2 ") || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("human match: %q", r.stdout)
	}

	e.mustJSON(&is, "issue", "checkout", "ACM-1", "--agent-id", ag.ID, "--expected-statuses", "backlog")
	e.mustJSON(&is, "issue", "release", "ACM-1")
	if is.Status != "todo" {
		t.Fatalf("release %+v", is)
	}
	e.mustRun("", "issue", "comment", "ACM-1", "--body", "one")
	e.mustRun("", "issue", "comment", "ACM-1", "--body", "two")
	var cs []map[string]any
	e.mustJSON(&cs, "issue", "comments", "ACM-1", "--order", "desc", "--limit", "1")
	if len(cs) != 1 || cs[0]["body"] != "two" {
		t.Fatalf("comments desc limit 1: %v", cs)
	}
	e.mustJSON(&cs, "issue", "comments", "ACM-1", "--order", "asc", "--after-comment-id", cs[0]["id"].(string))
	if len(cs) != 0 {
		t.Fatalf("after the newest: %v", cs)
	}
	if q := e.lastRequest(t, "GET", "/api/issues/").URL.Query(); q.Get("after") == "" || q.Get("order") != "asc" {
		t.Fatalf("comments query %v", q)
	}
	if r := e.run("", "issue", "comments", "ACM-1", "--order", "sideways"); r.code != 1 || !strings.Contains(r.stderr, "Invalid --order") {
		t.Fatalf("bad order: %d %q", r.code, r.stderr)
	}
	// Reopen a cancelled issue with a comment.
	e.mustRun("", "issue", "update", "ACM-2", "--status", "cancelled")
	e.mustRun("", "issue", "comment", "ACM-2", "--body", "Not fixed", "--reopen")
	e.mustJSON(&is, "issue", "get", "ACM-2")
	if is.Status == "cancelled" {
		t.Fatalf("--reopen left %+v", is)
	}
	// hiddenAt accepts a timestamp and the literal null.
	var m map[string]any
	e.mustJSON(&m, "issue", "update", "ACM-2", "--hidden-at", "2026-11-22T10:00:00.000Z")
	if m["hiddenAt"] == nil {
		t.Fatalf("hidden-at %v", m["hiddenAt"])
	}
	e.mustJSON(&m, "issue", "update", "ACM-2", "--hidden-at", "null")
	if m["hiddenAt"] != nil {
		t.Fatalf("hidden-at null %v", m["hiddenAt"])
	}

	var runs []any
	e.mustJSON(&runs, "issue", "runs", "ACM-1")
	if len(runs) != 0 {
		t.Fatalf("runs %v", runs)
	}
	e.mustRun("", "issue", "active-run", "ACM-1")
	e.mustRun("", "issue", "delete", "ACM-2", "--yes")
	if r := e.run("", "issue", "get", "ACM-2"); r.code != 1 {
		t.Fatal("deleted issue still readable")
	}
}
