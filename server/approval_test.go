package server_test

import (
	"net/http"
	"strings"
	"testing"

	"paperclip/store"
)

// TestApprovalRoutes: every approval route and error, with the decision rules over
// HTTP, comments, linked issues both ways, and tenancy.
func TestApprovalRoutes(t *testing.T) {
	e := newEnv(t)
	rec := e.wakes
	cid := e.mustCompany("Gov")["id"].(string)
	other := e.mustCompany("Elsewhere")["id"].(string)
	base := "/api/companies/" + cid + "/approvals"
	ceo := e.mustAgent(cid, map[string]any{"name": "Chief", "role": "ceo"})
	ceoID := ceo["id"].(string)
	ceoKey := bearer(e.agentKey(ceoID))
	engKey := bearer(e.agentKey(e.mustAgent(cid, map[string]any{"name": "Eng", "role": "engineer"})["id"].(string)))
	spy := bearer(e.agentKey(e.mustAgent(other, map[string]any{"name": "Spy"})["id"].(string)))
	issue := e.mustIssue(cid, map[string]any{"title": "Budget question", "priority": "high"})
	low := e.mustIssue(cid, map[string]any{"title": "Low one", "priority": "low"})
	foreignIssue := e.mustIssue(other, map[string]any{"title": "Theirs"})

	r := e.do("POST", base, map[string]any{"type": "approve_ceo_strategy", "payload": map[string]any{"title": "Plan", "plan": "# Go"},
		"issueIds": []string{low["id"].(string), issue["id"].(string)}, "requestedByAgentId": store.NewID()}, ceoKey...)
	if r.Status != 201 {
		t.Fatalf("create %d %s", r.Status, r.Body)
	}
	ap := r.JSON()
	if ap["requestedByAgentId"] != ceoID || ap["requestedByUserId"] != nil || ap["status"] != "pending" {
		t.Fatalf("created %v", ap)
	}
	aid := ap["id"].(string)
	a := "/api/approvals/" + aid
	boardAp := e.do("POST", base, map[string]any{"type": "request_board_approval", "payload": map[string]any{"title": "Buy"}}).JSON()
	b := "/api/approvals/" + boardAp["id"].(string)
	e.run(t, []scenario{
		{"board create", "GET", b, nil, nil, 200, []string{`"requestedByUserId":"local-board"`, `"requestedByAgentId":null`}},
		{"missing type", "POST", base, map[string]any{"payload": map[string]any{}}, nil, 400, []string{`"path":["type"]`, "Required"}},
		{"bad type", "POST", base, map[string]any{"type": "hire_everyone", "payload": map[string]any{}}, nil, 400, []string{"invalid_enum_value"}},
		{"missing payload", "POST", base, map[string]any{"type": "request_board_approval"}, nil, 400, []string{`"path":["payload"]`}},
		{"array payload", "POST", base, map[string]any{"type": "request_board_approval", "payload": []int{1}}, nil, 400, []string{"Expected object, received array"}},
		{"budget override", "POST", base, map[string]any{"type": "budget_override_required", "payload": map[string]any{}}, ceoKey, 422,
			[]string{"budget_override_required approvals are created by the budget engine"}},
		{"foreign issue", "POST", base, map[string]any{"type": "request_board_approval", "payload": map[string]any{}, "issueIds": []string{foreignIssue["id"].(string)}}, nil, 422,
			[]string{"Linked issues must belong to same company"}},
		{"unknown requester", "POST", base, map[string]any{"type": "request_board_approval", "payload": map[string]any{}, "requestedByAgentId": store.NewID()}, nil, 404,
			[]string{"Agent not found"}},
		{"get", "GET", a, nil, engKey, 200, []string{`"type":"approve_ceo_strategy"`}},
		{"missing", "GET", "/api/approvals/" + store.NewID(), nil, nil, 404, []string{"Approval not found"}},
		{"garbage id", "GET", "/api/approvals/nope", nil, nil, 404, []string{"Approval not found"}},
		{"foreign get", "GET", a, nil, spy, 404, []string{"Approval not found"}},
		{"foreign approve", "POST", a + "/approve", nil, spy, 404, []string{"Approval not found"}},
		{"foreign comments", "GET", a + "/comments", nil, spy, 404, []string{"Approval not found"}},
		{"foreign company list", "GET", base, nil, spy, 403, []string{"Agent key cannot access another company"}},
		{"agent approves", "POST", a + "/approve", nil, ceoKey, 403, []string{"Board access required"}},
		{"agent rejects", "POST", a + "/reject", map[string]any{}, engKey, 403, []string{"Board access required"}},
		{"agent requests revision", "POST", a + "/request-revision", nil, ceoKey, 403, []string{"Board access required"}},
		{"bad note", "POST", a + "/approve", map[string]any{"decisionNote": 5}, nil, 400, []string{`"path":["decisionNote"]`}},
		{"resubmit pending", "POST", a + "/resubmit", nil, ceoKey, 422, []string{"Only revision requested approvals can be resubmitted"}},
		{"issues in priority order", "GET", a + "/issues", nil, nil, 200, []string{`[{"id":"` + issue["id"].(string)}},
		{"issue side", "GET", "/api/issues/" + issue["id"].(string) + "/approvals", nil, ceoKey, 200, []string{`"id":"` + aid + `"`}},
		{"comment", "POST", a + "/comments", map[string]any{"body": "Why now?"}, nil, 201, []string{`"authorUserId":"local-board"`, `"approvalId":"` + aid}},
		{"agent comment", "POST", a + "/comments", map[string]any{"body": "Because."}, ceoKey, 201, []string{`"authorAgentId":"` + ceoID}},
		{"empty comment", "POST", a + "/comments", map[string]any{"body": "  "}, nil, 400, []string{"too_small"}},
		{"no comment body", "POST", a + "/comments", map[string]any{}, nil, 400, []string{"Required"}},
		{"request revision", "POST", a + "/request-revision", map[string]any{"decisionNote": "More detail"}, nil, 200,
			[]string{`"status":"revision_requested"`, `"decisionNote":"More detail"`, `"decidedByUserId":"local-board"`}},
		{"revision twice", "POST", a + "/request-revision", nil, nil, 422, []string{"Only pending approvals can request revision"}},
		{"other agent resubmits", "POST", a + "/resubmit", nil, engKey, 403, []string{"Only requesting agent can resubmit this approval"}},
		{"null payload", "POST", a + "/resubmit", map[string]any{"payload": nil}, ceoKey, 400, []string{"Expected object, received null"}},
		{"requester resubmits", "POST", a + "/resubmit", map[string]any{"payload": map[string]any{"title": "Plan v2"}}, ceoKey, 200,
			[]string{`"status":"pending"`, `"payload":{"title":"Plan v2"}`, `"decisionNote":null`, `"decidedAt":null`}},
		{"approve", "POST", a + "/approve", map[string]any{"decisionNote": "Go"}, nil, 200, []string{`"status":"approved"`, `"decisionNote":"Go"`}},
		{"approve again", "POST", a + "/approve", nil, nil, 200, []string{`"status":"approved"`, `"decisionNote":"Go"`}},
		{"reject approved", "POST", a + "/reject", nil, nil, 422, []string{"Only pending or revision requested approvals can be rejected"}},
		{"revise approved", "POST", a + "/request-revision", nil, nil, 422, []string{"Only pending approvals can request revision"}},
		{"reject board request", "POST", b + "/reject", nil, nil, 200, []string{`"status":"rejected"`}},
		{"reject again", "POST", b + "/reject", nil, nil, 200, []string{`"status":"rejected"`}},
		{"approve rejected", "POST", b + "/approve", nil, nil, 422, []string{"Only pending or revision requested approvals can be approved"}},
		{"board resubmit rejected", "POST", b + "/resubmit", nil, nil, 422, []string{"Only revision requested approvals can be resubmitted"}},
		{"list bad status", "GET", base + "?status=open", nil, nil, 400, []string{"invalid_enum_value"}},
		{"list bad type", "GET", base + "?type=x", nil, nil, 400, []string{"invalid_enum_value"}},
	})
	// Wakes only for applied decisions on agent requests: revision, then approval.
	if got := strings.Join(rec.take(), ","); got != ceoID+":approval_revision_requested,"+ceoID+":approval_approved" {
		t.Fatalf("wakes %s", got)
	}
	comments := e.do("GET", a+"/comments", nil, engKey...).List()
	if len(comments) != 2 || comments[0]["body"] != "Why now?" {
		t.Fatalf("comments %v", comments)
	}
	list := e.do("GET", base, nil).List()
	if len(list) != 2 || list[0]["createdAt"].(string) < list[1]["createdAt"].(string) {
		t.Fatalf("list newest first %v", list)
	}
	if l := e.do("GET", base+"?status=approved&type=approve_ceo_strategy", nil).List(); len(l) != 1 || l[0]["id"] != aid {
		t.Fatalf("filtered %v", l)
	}
	if l := e.do("GET", base+"?limit=1&offset=1", nil).List(); len(l) != 1 {
		t.Fatalf("paged %v", l)
	}
	acts := e.actions(cid, "&entityType=approval")
	for action, want := range map[string]int{"approval.created": 2, "approval.revision_requested": 1, "approval.resubmitted": 1, "approval.approved": 1,
		"approval.rejected": 1, "approval.comment_added": 2, "approval.requester_wakeup_queued": 2} {
		if count(acts, action) != want {
			t.Errorf("%s: %d rows in %v", action, count(acts, action), acts)
		}
	}
}

// TestHireRequiresPermission: hiring needs agent-creation rights; with the company
// setting on, a hire waits for the board and a direct create is refused.
func TestHireRequiresPermission(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Hires")["id"].(string)
	ceo := e.mustAgent(cid, map[string]any{"name": "Chief", "role": "ceo"})
	ceoKey := bearer(e.agentKey(ceo["id"].(string)))
	engKey := bearer(e.agentKey(e.mustAgent(cid, map[string]any{"name": "Eng", "role": "engineer"})["id"].(string)))
	if r := e.do("PATCH", "/api/companies/"+cid, map[string]any{"requireBoardApprovalForNewAgents": true}); r.Status != http.StatusOK {
		t.Fatalf("setting %d %s", r.Status, r.Body)
	}
	hires := "/api/companies/" + cid + "/agent-hires"
	e.run(t, []scenario{
		{"engineer hires", "POST", hires, map[string]any{"name": "X"}, engKey, 403, []string{"Missing permission: can create agents"}},
		{"engineer creates", "POST", "/api/companies/" + cid + "/agents", map[string]any{"name": "X"}, engKey, 403, []string{"Missing permission: can create agents"}},
		{"ceo direct create", "POST", "/api/companies/" + cid + "/agents", map[string]any{"name": "X"}, ceoKey, 409,
			[]string{"Direct agent creation requires board approval. Use POST /api/companies/:companyId/agent-hires to create a pending hire approval."}},
		{"ceo hires", "POST", hires, map[string]any{"name": "Helper"}, ceoKey, 201, []string{`"status":"pending_approval"`, `"type":"hire_agent"`}},
	})
	pending := e.do("GET", "/api/companies/"+cid+"/approvals?type=hire_agent&status=pending", nil).List()
	if len(pending) != 1 {
		t.Fatalf("pending hires %v", pending)
	}
	agentID := pending[0]["payload"].(map[string]any)["agentId"].(string)
	if r := e.do("POST", "/api/approvals/"+pending[0]["id"].(string)+"/reject", map[string]any{"decisionNote": "not now"}); r.Status != 200 {
		t.Fatalf("reject %d %s", r.Status, r.Body)
	}
	if got := e.do("GET", "/api/agents/"+agentID, nil).JSON(); got["status"] != "terminated" {
		t.Fatalf("rejected hire is %v", got["status"])
	}
	// Approving from the agent's own page decides the hire approval too, and the CEO
	// that asked is woken either way.
	rec := e.wakes
	rec.take()
	second := e.do("POST", hires, map[string]any{"name": "Second"}, ceoKey...).JSON()
	if r := e.do("POST", "/api/agents/"+second["agent"].(map[string]any)["id"].(string)+"/approve", nil); r.Status != 200 {
		t.Fatalf("agent approve %d %s", r.Status, r.Body)
	}
	ap := e.do("GET", "/api/approvals/"+second["approval"].(map[string]any)["id"].(string), nil).JSON()
	if ap["status"] != "approved" || strings.Join(rec.take(), ",") != ceo["id"].(string)+":approval_approved" {
		t.Fatalf("agent-page approval %v", ap)
	}
}
