package cli

import (
	"strings"
	"testing"
)

// govEntity is the part of goal, project and approval answers these tests read.
type govEntity struct {
	ID           string   `json:"id"`
	CompanyID    string   `json:"companyId"`
	Title        string   `json:"title"`
	Name         string   `json:"name"`
	URLKey       string   `json:"urlKey"`
	Level        string   `json:"level"`
	Status       string   `json:"status"`
	Description  *string  `json:"description"`
	ParentID     *string  `json:"parentId"`
	OwnerAgentID *string  `json:"ownerAgentId"`
	GoalIDs      []string `json:"goalIds"`
	LeadAgentID  *string  `json:"leadAgentId"`
	TargetDate   *string  `json:"targetDate"`
	Type         string   `json:"type"`
	DecisionNote *string  `json:"decisionNote"`
	Body         string   `json:"body"`
	Payload      map[string]any
}

// Goals through the CLI against the real routes: create, list, get, update with null,
// delete with --yes.
func TestGoalCommandsRealRoutes(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	ceo := e.agent("CEO")

	var top, child govEntity
	e.mustJSON(&top, "goal", "create", "--title", "Ship v1", "--level", "company", "--status", "active", "--owner-agent-id", ceo.ID)
	if top.ID == "" || top.CompanyID != co || top.Level != "company" || top.Status != "active" || top.OwnerAgentID == nil || *top.OwnerAgentID != ceo.ID {
		t.Fatalf("created %+v", top)
	}
	e.mustJSON(&child, "goal", "create", "--title", "Landing page", "--level", "team", "--parent-id", top.ID, "--description", "Hero and pricing")
	if child.ParentID == nil || *child.ParentID != top.ID {
		t.Fatalf("child %+v", child)
	}
	var list []govEntity
	e.mustJSON(&list, "goal", "list")
	if len(list) != 2 {
		t.Fatalf("list %+v", list)
	}
	r := e.mustRun("", "goal", "list")
	if !strings.Contains(r.stdout, "id="+top.ID) || !strings.Contains(r.stdout, "title=Landing page") {
		t.Fatalf("human list:\n%s", r.stdout)
	}

	var got govEntity
	e.mustJSON(&got, "goal", "update", child.ID, "--description", "null", "--parent-id", "null", "--status", "achieved")
	if got.Description != nil || got.ParentID != nil || got.Status != "achieved" {
		t.Fatalf("updated %+v", got)
	}
	e.mustJSON(&got, "goal", "get", child.ID)
	if got.Status != "achieved" || got.Title != "Landing page" {
		t.Fatalf("get %+v", got)
	}
	if r := e.run("", "goal", "delete", child.ID); r.code != 1 || !strings.Contains(r.stderr, "Refusing to delete without --yes") {
		t.Fatalf("delete without --yes: %d %q", r.code, r.stderr)
	}
	e.mustRun("", "goal", "delete", child.ID, "--yes")
	if r := e.run("", "goal", "get", child.ID); r.code != 1 || !strings.HasPrefix(r.stderr, "API error 404") {
		t.Fatalf("deleted goal: %d %q", r.code, r.stderr)
	}
	if r := e.run("", "goal", "create", "--level", "company"); r.code == 0 {
		t.Fatal("goal create without --title succeeded")
	}
}

// Projects: create with goals and a lead, get by url key with -C, update, delete.
func TestProjectCommandsRealRoutes(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	lead := e.agent("Lead")
	var g1, g2 govEntity
	e.mustJSON(&g1, "goal", "create", "--title", "Grow")
	e.mustJSON(&g2, "goal", "create", "--title", "Retain")

	var p govEntity
	e.mustJSON(&p, "project", "create", "--name", "Website", "--goal-ids", g1.ID+", "+g2.ID, "--lead-agent-id", lead.ID,
		"--target-date", "2026-12-31", "--status", "planned", "--description", "Marketing site", "--color", "#3366ff",
		"--env-json", `{"SITE_ENV":{"type":"plain","value":"prod"}}`)
	if req := e.lastRequest(t, "POST", "/api/companies/"); !sameJSON(req.body, `{"color":"#3366ff","description":"Marketing site",`+
		`"env":{"SITE_ENV":{"type":"plain","value":"prod"}},"goalIds":["`+g1.ID+`","`+g2.ID+`"],"leadAgentId":"`+lead.ID+`",`+
		`"name":"Website","status":"planned","targetDate":"2026-12-31"}`) {
		t.Errorf("create body %s", req.body)
	}
	if p.ID == "" || p.Name != "Website" || len(p.GoalIDs) != 2 || p.LeadAgentID == nil || *p.LeadAgentID != lead.ID ||
		p.TargetDate == nil || *p.TargetDate != "2026-12-31" || p.URLKey == "" {
		t.Fatalf("created %+v", p)
	}
	var got govEntity
	e.mustJSON(&got, "project", "get", p.URLKey)
	if got.ID != p.ID {
		t.Fatalf("get by url key %q: %+v", p.URLKey, got)
	}
	e.mustJSON(&got, "project", "update", p.ID, "--lead-agent-id", "null", "--target-date", "null", "--status", "in_progress", "--archived-at", "null")
	if req := e.lastRequest(t, "PATCH", "/api/projects/"); !sameJSON(req.body, `{"archivedAt":null,"leadAgentId":null,"status":"in_progress","targetDate":null}`) {
		t.Errorf("update body %s", req.body)
	}
	if got.LeadAgentID != nil || got.TargetDate != nil || got.Status != "in_progress" {
		t.Fatalf("updated %+v", got)
	}
	var list []govEntity
	e.mustJSON(&list, "project", "list")
	if len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("list %+v", list)
	}
	e.mustRun("", "project", "delete", p.URLKey, "--yes")
	e.mustJSON(&list, "project", "list")
	if len(list) != 0 {
		t.Fatalf("after delete %+v", list)
	}
	if r := e.run("", "project", "create", "--name", "X", "--env-json", "{"); r.code != 1 || !strings.Contains(r.stderr, "Invalid JSON in --env-json") {
		t.Fatalf("bad --env-json: %d %q", r.code, r.stderr)
	}
}

// Approvals: an agent asks, the board requests a revision, the agent resubmits, the
// board approves; comments in between.
func TestApprovalCommandsRealRoutes(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	ceo := e.agent("CEO")
	var issue entity
	e.mustJSON(&issue, "issue", "create", "--title", "Buy a domain")

	var ap govEntity
	e.mustJSON(&ap, "approval", "create", "--type", "request_board_approval", "--payload", `{"summary":"Buy paperclip.dev"}`,
		"--requested-by-agent-id", ceo.ID, "--issue-ids", issue.ID)
	if ap.ID == "" || ap.CompanyID != co || ap.Type != "request_board_approval" || ap.Status != "pending" {
		t.Fatalf("created %+v", ap)
	}
	var list []govEntity
	e.mustJSON(&list, "approval", "list", "--status", "pending")
	if len(list) != 1 || list[0].ID != ap.ID {
		t.Fatalf("pending list %+v", list)
	}
	var got govEntity
	e.mustJSON(&got, "approval", "request-revision", ap.ID, "--decision-note", "Which registrar?")
	if got.Status != "revision_requested" || got.DecisionNote == nil || *got.DecisionNote != "Which registrar?" {
		t.Fatalf("revision %+v", got)
	}
	var c govEntity
	e.mustJSON(&c, "approval", "comment", ap.ID, "--body", "Any with DNSSEC")
	var comments []govEntity
	e.mustJSON(&comments, "approval", "comments", ap.ID)
	if len(comments) != 1 || comments[0].Body != "Any with DNSSEC" {
		t.Fatalf("comments %+v", comments)
	}
	e.mustJSON(&got, "approval", "resubmit", ap.ID, "--payload", `{"summary":"Buy paperclip.dev at a DNSSEC registrar"}`)
	if got.Status != "pending" {
		t.Fatalf("resubmitted %+v", got)
	}
	r := e.mustRun("", "approval", "approve", ap.ID, "--decision-note", "Go")
	if !strings.Contains(r.stdout, `"status": "approved"`) {
		t.Fatalf("approve:\n%s", r.stdout)
	}
	e.mustJSON(&got, "approval", "get", ap.ID)
	if got.Status != "approved" {
		t.Fatalf("get %+v", got)
	}
	e.mustJSON(&list, "approval", "list", "--status", "pending")
	if len(list) != 0 {
		t.Fatalf("still pending %+v", list)
	}
	// A decided approval cannot be decided again: the API error reaches the user.
	if r := e.run("", "approval", "reject", ap.ID); r.code != 1 || !strings.HasPrefix(r.stderr, "API error 4") {
		t.Fatalf("second decision: %d %q", r.code, r.stderr)
	}
}
