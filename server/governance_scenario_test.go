package server_test

import (
	"strings"
	"testing"

	"paperclip/store"
)

// TestGovernanceScenario is the board-and-CEO story with real agent keys: the CEO
// proposes a hire and a strategy; the board approves the hire and sends the strategy
// back; the CEO resubmits and the board approves. The hired agent then gets an issue
// in a project under a goal and checks it out.
func TestGovernanceScenario(t *testing.T) {
	e := newEnv(t)
	rec := e.wakes
	cid := e.mustCompany("Acme")["id"].(string)
	ceo := e.mustAgent(cid, map[string]any{"name": "Ceo", "role": "ceo"})
	ceoID := ceo["id"].(string)
	asCEO := bearer(e.agentKey(ceoID))
	must := func(status int, method, path string, body any, headers ...string) map[string]any {
		t.Helper()
		r := e.do(method, path, body, headers...)
		if r.Status != status {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		return r.JSON()
	}
	must(200, "PATCH", "/api/companies/"+cid, map[string]any{"requireBoardApprovalForNewAgents": true})

	// The CEO proposes a hire and a strategy.
	hire := must(201, "POST", "/api/companies/"+cid+"/agent-hires", map[string]any{"name": "Builder", "role": "engineer",
		"capabilities": "Writes Go", "budgetMonthlyCents": 2500, "adapterConfig": map[string]any{"env": map[string]any{"GITHUB_API_KEY": "ghp_x"}}}, asCEO...)
	hired := hire["agent"].(map[string]any)
	hireApproval := hire["approval"].(map[string]any)
	builderID := hired["id"].(string)
	if hired["status"] != "pending_approval" || hireApproval["requestedByAgentId"] != ceoID {
		t.Fatalf("hire %v", hire)
	}
	must(409, "POST", "/api/agents/"+builderID+"/keys", map[string]any{"name": "early"})
	strategy := must(201, "POST", "/api/companies/"+cid+"/approvals", map[string]any{"type": "approve_ceo_strategy",
		"payload": map[string]any{"title": "Q1", "summary": "Build the thing", "plan": "1. hire\n2. ship"}}, asCEO...)
	sid := strategy["id"].(string)
	if l := e.do("GET", "/api/companies/"+cid+"/approvals?status=pending", nil, asCEO...).List(); len(l) != 2 {
		t.Fatalf("pending approvals %v", l)
	}

	// The board approves the hire and asks for a better strategy; the CEO cannot decide.
	must(403, "POST", "/api/approvals/"+sid+"/approve", nil, asCEO...)
	must(200, "POST", "/api/approvals/"+hireApproval["id"].(string)+"/approve", map[string]any{"decisionNote": "Welcome"})
	rev := must(200, "POST", "/api/approvals/"+sid+"/request-revision", map[string]any{"decisionNote": "Add a budget"})
	if rev["status"] != "revision_requested" {
		t.Fatalf("revision %v", rev)
	}
	if got := strings.Join(rec.take(), ","); got != ceoID+":approval_approved,"+ceoID+":approval_revision_requested" {
		t.Fatalf("CEO wakes %s", got)
	}
	must(201, "POST", "/api/approvals/"+sid+"/comments", map[string]any{"body": "Budget is 2500/month for the builder."}, asCEO...)
	re := must(200, "POST", "/api/approvals/"+sid+"/resubmit", map[string]any{"payload": map[string]any{"title": "Q1", "summary": "Build the thing",
		"plan": "1. hire\n2. ship", "budget": "2500"}}, asCEO...)
	if re["status"] != "pending" || re["payload"].(map[string]any)["budget"] != "2500" {
		t.Fatalf("resubmit %v", re)
	}
	must(200, "POST", "/api/approvals/"+sid+"/approve", nil)
	if got := rec.take(); len(got) != 1 || got[0] != ceoID+":approval_approved" {
		t.Fatalf("final wake %v", got)
	}

	// The hired agent is active with its budget, and can now hold a key.
	builder := must(200, "GET", "/api/agents/"+builderID, nil)
	if builder["status"] != "idle" || builder["budgetMonthlyCents"] != 2500.0 {
		t.Fatalf("builder %v", builder)
	}
	asBuilder := append(bearer(e.agentKey(builderID)), "X-Paperclip-Run-Id", store.NewID())
	if me := must(200, "GET", "/api/agents/me", nil, asBuilder...); me["id"] != builderID {
		t.Fatalf("me %v", me)
	}

	// Goals and a project organise the work; the CEO files the issue for the builder.
	goal := must(201, "POST", "/api/companies/"+cid+"/goals", map[string]any{"title": "Launch v1", "level": "company", "status": "active"})
	sub := must(201, "POST", "/api/companies/"+cid+"/goals", map[string]any{"title": "Backend", "level": "team", "parentId": goal["id"]}, asCEO...)
	project := must(201, "POST", "/api/companies/"+cid+"/projects", map[string]any{"name": "Backend API", "goalIds": []any{sub["id"]},
		"leadAgentId": builderID, "workspace": map[string]any{"cwd": "/srv/backend"}}, asCEO...)
	issue := must(201, "POST", "/api/companies/"+cid+"/issues", map[string]any{"title": "Build the API", "projectId": project["id"],
		"assigneeAgentId": builderID, "status": "todo"}, asCEO...)
	if issue["goalId"] != sub["id"] || issue["projectWorkspaceId"] != project["primaryWorkspace"].(map[string]any)["id"] {
		t.Fatalf("issue defaults %v", issue)
	}
	out := must(200, "POST", "/api/issues/"+issue["id"].(string)+"/checkout", map[string]any{"agentId": builderID, "expectedStatuses": []string{"todo"}}, asBuilder...)
	if out["status"] != "in_progress" || out["assigneeAgentId"] != builderID {
		t.Fatalf("checkout %v", out)
	}
	detail := must(200, "GET", "/api/issues/"+issue["id"].(string), nil, asBuilder...)
	if detail["project"].(map[string]any)["urlKey"] != "backend-api" || detail["goal"].(map[string]any)["title"] != "Backend" {
		t.Fatalf("issue detail %v", detail)
	}
	if l := e.do("GET", "/api/companies/"+cid+"/issues?projectId="+project["id"].(string), nil, asBuilder...).List(); len(l) != 1 {
		t.Fatalf("project issues %v", l)
	}

	// The record: decisions, activation, and nothing secret in the hire approval.
	acts := e.actions(cid, "")
	for action, want := range map[string]int{"agent.hire_created": 1, "approval.approved": 2, "approval.revision_requested": 1,
		"approval.resubmitted": 1, "agent.approved": 1, "approval.requester_wakeup_queued": 3, "goal.created": 2, "project.created": 1} {
		if count(acts, action) != want {
			t.Errorf("%s: %d rows", action, count(acts, action))
		}
	}
	if body := e.do("GET", "/api/approvals/"+hireApproval["id"].(string), nil).Body; strings.Contains(string(body), "ghp_x") {
		t.Fatalf("hire approval leaks the token: %s", body)
	}
}
