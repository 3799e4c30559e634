package server_test

import (
	"testing"

	"paperclip/server"
	"paperclip/store"
)

func TestIssueReadStateAndApprovals(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Extras")["id"].(string)
	other := e.mustCompany("Other")["id"].(string)
	id := e.mustIssue(cid, map[string]any{"title": "x"})["id"].(string)
	now := "2026-01-01T00:00:00.000Z"
	approval, older, foreign := store.NewID(), store.NewID(), store.NewID()
	for _, a := range []struct{ id, company, at string }{{approval, cid, "2026-01-02T00:00:00.000Z"}, {older, cid, now}, {foreign, other, now}} {
		e.rawExec(`INSERT INTO approvals (id, company_id, type, status, payload, created_at, updated_at)
			VALUES (?, ?, 'request_board_approval', 'pending', '{"title":"t","apiKey":"sk-1"}', ?, ?)`, a.id, a.company, a.at, a.at)
	}
	base := "/api/issues/" + id
	e.run(t, []scenario{
		{"mark read", "POST", base + "/read", nil, nil, 200, []string{`"userId":"local-board"`, `"issueId":"` + id + `"`, `"lastReadAt":"`}},
		{"mark read again", "POST", base + "/read", nil, nil, 200, []string{`"userId":"local-board"`}},
		{"unmark", "DELETE", base + "/read", nil, nil, 200, []string{`{"id":"` + id + `","removed":true}`}},
		{"unmark again", "DELETE", base + "/read", nil, nil, 200, []string{`"removed":false`}},
		{"read missing issue", "POST", "/api/issues/" + store.NewID() + "/read", nil, nil, 404, []string{"Issue not found"}},
		{"approvals empty", "GET", base + "/approvals", nil, nil, 200, []string{"[]"}},
		{"link missing body", "POST", base + "/approvals", map[string]any{}, nil, 400, []string{`"path":["approvalId"]`}},
		{"link unknown", "POST", base + "/approvals", map[string]any{"approvalId": store.NewID()}, nil, 404, []string{"Approval not found"}},
		{"link foreign", "POST", base + "/approvals", map[string]any{"approvalId": foreign}, nil, 404, []string{"Approval not found"}},
		{"link", "POST", base + "/approvals", map[string]any{"approvalId": older}, nil, 201, []string{`"id":"` + older + `"`}},
		{"link second", "POST", base + "/approvals", map[string]any{"approvalId": approval}, nil, 201, []string{`"id":"` + approval + `"`, `"apiKey":"***REDACTED***"`}},
		{"link duplicate", "POST", base + "/approvals", map[string]any{"approvalId": approval}, nil, 201, nil},
		{"unlink", "DELETE", base + "/approvals/" + older, nil, nil, 200, []string{`{"ok":true}`}},
		{"unlink idempotent", "DELETE", base + "/approvals/" + older, nil, nil, 200, []string{`{"ok":true}`}},
	})
	list := e.do("GET", base+"/approvals", nil).List()
	if len(list) != 1 || list[0]["id"] != approval {
		t.Fatalf("linked %v", list)
	}
	kinds := map[string]int{}
	for _, a := range e.do("GET", base+"/activity", nil).List() {
		kinds[a["action"].(string)]++
	}
	if kinds["issue.read_marked"] != 2 || kinds["issue.read_unmarked"] != 2 || kinds["issue.approval_linked"] != 2 || kinds["issue.approval_unlinked"] != 1 {
		t.Fatalf("activity %v", kinds)
	}
}

func TestIssueFeedbackVotes(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Votes")["id"].(string)
	id := e.mustIssue(cid, map[string]any{"title": "x"})["id"].(string)
	otherIssue := e.mustIssue(cid, map[string]any{"title": "y"})["id"].(string)
	comment := e.do("POST", "/api/issues/"+id+"/comments", map[string]any{"body": "a fine comment"}).JSON()["id"].(string)
	foreignComment := e.do("POST", "/api/issues/"+otherIssue+"/comments", map[string]any{"body": "elsewhere"}).JSON()["id"].(string)
	doc := e.do("PUT", "/api/issues/"+id+"/documents/plan", map[string]any{"format": "markdown", "body": "plan body"}).JSON()
	base := "/api/issues/" + id + "/feedback-votes"
	e.run(t, []scenario{
		{"missing fields", "POST", base, map[string]any{}, nil, 400, []string{`"path":["targetType"]`, `"path":["targetId"]`, `"path":["vote"]`}},
		{"bad vote", "POST", base, map[string]any{"targetType": "issue_comment", "targetId": comment, "vote": "meh"}, nil, 400, []string{"invalid_enum_value"}},
		{"foreign target", "POST", base, map[string]any{"targetType": "issue_comment", "targetId": foreignComment, "vote": "up"}, nil, 422, []string{"Feedback target must belong to this issue"}},
		{"wrong kind", "POST", base, map[string]any{"targetType": "issue_document_revision", "targetId": comment, "vote": "up"}, nil, 422, []string{"Feedback target must belong to this issue"}},
		{"vote", "POST", base, map[string]any{"targetType": "issue_comment", "targetId": comment, "vote": "up", "allowSharing": true}, nil, 201,
			[]string{`"vote":"up"`, `"authorUserId":"local-board"`, `"sharedWithLabs":false`, `"sharedAt":null`}},
		{"change vote", "POST", base, map[string]any{"targetType": "issue_comment", "targetId": comment, "vote": "down", "reason": "wrong"}, nil, 200, []string{`"vote":"down"`, `"reason":"wrong"`}},
		{"vote revision", "POST", base, map[string]any{"targetType": "issue_document_revision", "targetId": doc["latestRevisionId"], "vote": "up"}, nil, 201, nil},
		{"list", "GET", base, nil, nil, 200, []string{`"targetType":"issue_document_revision"`, `"targetType":"issue_comment"`}},
	})
	if l := e.do("GET", base, nil).List(); len(l) != 2 {
		t.Fatalf("votes %v", l)
	}
	traces := e.do("GET", "/api/companies/"+cid+"/feedback-traces?includePayload=true", nil)
	if traces.Status != 200 || len(traces.List()) != 2 {
		t.Fatalf("traces: %d %s", traces.Status, traces.Body)
	}
}

func TestIssueRunsRoutes(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Runs")["id"].(string)
	dev := e.insertAgent(cid, "Dev", "engineer", "idle")
	id := e.mustIssue(cid, map[string]any{"title": "x", "assigneeAgentId": dev})["id"].(string)
	base := "/api/issues/" + id
	e.run(t, []scenario{
		{"no runs", "GET", base + "/runs", nil, nil, 200, []string{"[]"}},
		{"no live runs", "GET", base + "/live-runs", nil, nil, 200, []string{"[]"}},
		{"no active run", "GET", base + "/active-run", nil, nil, 200, []string{"null"}},
		{"runs missing issue", "GET", "/api/issues/" + store.NewID() + "/runs", nil, nil, 404, []string{"Issue not found"}},
	})
	done := e.insertRun(cid, dev, "succeeded", -1)
	live := e.insertRun(cid, dev, "running", -1)
	e.rawExec(`UPDATE heartbeat_runs SET issue_id = ?, usage_json = '{"inputTokens":5}' WHERE id IN (?, ?)`, id, done, live)
	e.do("POST", "/api/issues/"+id+"/checkout", map[string]any{"agentId": dev, "expectedStatuses": []string{"todo"}}, "X-Paperclip-Run-Id", live)
	e.run(t, []scenario{
		{"runs", "GET", base + "/runs", nil, nil, 200, []string{`"runId":"` + done + `"`, `"runId":"` + live + `"`, `"usageJson":{"inputTokens":5}`}},
		{"live runs", "GET", base + "/live-runs", nil, nil, 200, []string{`"id":"` + live + `"`, `"agentName":"Dev"`, `"adapterType":"process"`}},
		{"active run", "GET", base + "/active-run", nil, nil, 200, []string{`"id":"` + live + `"`, `"agentName":"Dev"`, `"status":"running"`}},
		{"list activeRun", "GET", "/api/companies/" + cid + "/issues", nil, nil, 200, []string{`"activeRun":{"id":"` + live + `"`}},
		{"activity paging", "GET", base + "/activity?limit=1", nil, nil, 200, []string{`"action":"issue.checked_out"`}},
		{"activity bad limit", "GET", base + "/activity?limit=x", nil, nil, 400, []string{"Invalid 'limit' query parameter"}},
		{"cancel stops run", "PATCH", base, map[string]any{"status": "cancelled"}, nil, 200, []string{`"status":"cancelled"`}},
		{"no longer active", "GET", base + "/active-run", nil, nil, 200, []string{"null"}},
	})
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=heartbeat.cancelled", nil).List()
	if len(acts) != 1 || acts[0]["details"].(map[string]any)["reason"] != "Cancelled because the issue was cancelled" {
		t.Fatalf("heartbeat.cancelled %v", acts)
	}
}

func TestIssueRoutesNeedAnActor(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.DeploymentMode = server.ModeAuthenticated })
	id := store.NewID()
	e.run(t, []scenario{
		{"list", "GET", "/api/companies/" + id + "/issues", nil, nil, 401, []string{"Unauthorized"}},
		{"guard", "GET", "/api/issues", nil, nil, 401, []string{"Unauthorized"}},
		{"get", "GET", "/api/issues/" + id, nil, nil, 401, []string{"Unauthorized"}},
		{"checkout", "POST", "/api/issues/" + id + "/checkout", map[string]any{}, nil, 401, []string{"Unauthorized"}},
		{"comment", "POST", "/api/issues/" + id + "/comments", map[string]any{"body": "x"}, nil, 401, []string{"Unauthorized"}},
		{"attachment", "GET", "/api/attachments/" + id + "/content", nil, nil, 401, []string{"Unauthorized"}},
		{"labels", "DELETE", "/api/labels/" + id, nil, nil, 401, []string{"Unauthorized"}},
	})
}
