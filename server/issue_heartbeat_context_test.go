package server_test

import (
	"net/http"
	"testing"

	"paperclip/server"
	"paperclip/store"
)

// heartbeatFixture is a company with a goal, a project under it, and a three-level
// issue tree whose leaf is assigned to an agent and has a thread of three comments.
type heartbeatFixture struct {
	cid, goal, project   string
	root, mid, leaf      map[string]any
	agent                map[string]any
	key                  string
	comments             []map[string]any
	otherIssueCommentID  string
	foreignKey, bareLeaf string
}

func newHeartbeatFixture(e *env) heartbeatFixture {
	e.t.Helper()
	var f heartbeatFixture
	f.cid = e.mustCompany("Context")["id"].(string)
	goal := e.do("POST", "/api/companies/"+f.cid+"/goals", map[string]any{"title": "Ship v1", "level": "team", "status": "active"})
	if goal.Status != http.StatusCreated {
		e.t.Fatalf("create goal: %d %s", goal.Status, goal.Body)
	}
	f.goal = goal.JSON()["id"].(string)
	project := e.do("POST", "/api/companies/"+f.cid+"/projects", map[string]any{"name": "Runtime", "status": "in_progress",
		"goalId": f.goal, "targetDate": "2026-06-30"})
	if project.Status != http.StatusCreated {
		e.t.Fatalf("create project: %d %s", project.Status, project.Body)
	}
	f.project = project.JSON()["id"].(string)
	f.agent = e.mustAgent(f.cid, map[string]any{"name": "Worker", "role": "engineer"})
	f.key = e.agentKey(f.agent["id"].(string))
	f.root = e.mustIssue(f.cid, map[string]any{"title": "Root", "status": "todo"})
	f.mid = e.mustIssue(f.cid, map[string]any{"title": "Middle", "status": "todo", "parentId": f.root["id"]})
	f.leaf = e.mustIssue(f.cid, map[string]any{"title": "Leaf", "description": "do the thing", "status": "todo",
		"parentId": f.mid["id"], "projectId": f.project, "assigneeAgentId": f.agent["id"]})
	for _, body := range []string{"first", "second", "third"} {
		r := e.do("POST", "/api/issues/"+f.leaf["id"].(string)+"/comments", map[string]any{"body": body})
		if r.Status != http.StatusCreated {
			e.t.Fatalf("comment: %d %s", r.Status, r.Body)
		}
		f.comments = append(f.comments, r.JSON())
	}
	r := e.do("POST", "/api/issues/"+f.root["id"].(string)+"/comments", map[string]any{"body": "elsewhere"})
	f.otherIssueCommentID = r.JSON()["id"].(string)
	f.bareLeaf = e.mustIssue(f.cid, map[string]any{"title": "Quiet", "status": "todo"})["id"].(string)
	other := e.mustCompany("Elsewhere")["id"].(string)
	f.foreignKey = e.agentKey(e.mustAgent(other, map[string]any{"name": "Stranger", "role": "engineer"})["id"].(string))
	return f
}

// TestIssueHeartbeatContext: one call gives the agent the compact issue, its ancestors
// (nearest first), project, goal and the comment cursor.
func TestIssueHeartbeatContext(t *testing.T) {
	e := newEnv(t)
	f := newHeartbeatFixture(e)
	leafID := f.leaf["id"].(string)
	r := e.do("GET", "/api/issues/"+leafID+"/heartbeat-context", nil, bearer(f.key)...)
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	hc := r.JSON()
	is := hc["issue"].(map[string]any)
	if is["id"] != leafID || is["identifier"] != f.leaf["identifier"] || is["title"] != "Leaf" || is["description"] != "do the thing" ||
		is["status"] != "todo" || is["parentId"] != f.mid["id"] || is["projectId"] != f.project || is["goalId"] != f.goal ||
		is["assigneeAgentId"] != f.agent["id"] {
		t.Fatalf("issue %v", is)
	}
	for _, k := range []string{"executionRunId", "checkoutRunId", "companyId"} {
		if _, ok := is[k]; ok {
			t.Errorf("compact issue carries %s", k)
		}
	}
	if _, ok := is["blockedBy"].([]any); !ok {
		t.Errorf("blockedBy %v, want a list", is["blockedBy"])
	}
	anc := hc["ancestors"].([]any)
	if len(anc) != 2 || anc[0].(map[string]any)["id"] != f.mid["id"] || anc[1].(map[string]any)["id"] != f.root["id"] ||
		anc[1].(map[string]any)["title"] != "Root" {
		t.Fatalf("ancestors %v", anc)
	}
	p := hc["project"].(map[string]any)
	if p["id"] != f.project || p["name"] != "Runtime" || p["status"] != "in_progress" || p["targetDate"] != "2026-06-30" {
		t.Fatalf("project %v", p)
	}
	g := hc["goal"].(map[string]any)
	if g["id"] != f.goal || g["title"] != "Ship v1" || g["level"] != "team" || g["status"] != "active" {
		t.Fatalf("goal %v", g)
	}
	cur := hc["commentCursor"].(map[string]any)
	last := f.comments[2]
	if cur["totalComments"] != 3.0 || cur["latestCommentId"] != last["id"] || cur["latestCommentAt"] != last["createdAt"] {
		t.Fatalf("cursor %v, want 3 up to %v", cur, last["id"])
	}
	if hc["wakeComment"] != nil {
		t.Fatalf("wakeComment %v without wakeCommentId", hc["wakeComment"])
	}
	if a, ok := hc["attachments"].([]any); !ok || len(a) != 0 {
		t.Fatalf("attachments %v", hc["attachments"])
	}

	// An issue without a thread, project or parent.
	bare := e.do("GET", "/api/issues/"+f.bareLeaf+"/heartbeat-context", nil).JSON()
	cur = bare["commentCursor"].(map[string]any)
	if cur["totalComments"] != 0.0 || cur["latestCommentId"] != nil || cur["latestCommentAt"] != nil ||
		bare["project"] != nil || len(bare["ancestors"].([]any)) != 0 {
		t.Fatalf("bare context %v", bare)
	}
}

// TestHeartbeatContextCursorDrivesDelta: the cursor is the ?after= anchor of the
// comment delta, so an agent reads only what arrived since its last heartbeat.
func TestHeartbeatContextCursorDrivesDelta(t *testing.T) {
	e := newEnv(t)
	f := newHeartbeatFixture(e)
	leaf := "/api/issues/" + f.leaf["id"].(string)
	seen := e.do("GET", leaf+"/heartbeat-context", nil, bearer(f.key)...).JSON()["commentCursor"].(map[string]any)["latestCommentId"].(string)
	if d := e.do("GET", leaf+"/comments?after="+seen+"&order=asc", nil, bearer(f.key)...); d.Status != 200 || len(d.List()) != 0 {
		t.Fatalf("delta before new comments: %d %s", d.Status, d.Body)
	}
	var fresh []string
	for _, body := range []string{"fourth", "fifth"} {
		r := e.do("POST", leaf+"/comments", map[string]any{"body": body})
		fresh = append(fresh, r.JSON()["id"].(string))
	}
	cur := e.do("GET", leaf+"/heartbeat-context", nil, bearer(f.key)...).JSON()["commentCursor"].(map[string]any)
	if cur["totalComments"] != 5.0 || cur["latestCommentId"] != fresh[1] {
		t.Fatalf("cursor %v after two more comments", cur)
	}
	delta := e.do("GET", leaf+"/comments?after="+seen+"&order=asc", nil, bearer(f.key)...).List()
	if len(delta) != 2 || delta[0]["id"] != fresh[0] || delta[1]["id"] != fresh[1] || delta[0]["body"] != "fourth" {
		t.Fatalf("delta %v, want fourth then fifth", delta)
	}
	one := e.do("GET", leaf+"/comments/"+fresh[1], nil, bearer(f.key)...)
	if one.Status != 200 || one.JSON()["body"] != "fifth" || one.JSON()["issueId"] != f.leaf["id"] {
		t.Fatalf("single comment %d %s", one.Status, one.Body)
	}
}

// TestHeartbeatContextScenarios: access, wake comments and identifiers.
func TestHeartbeatContextScenarios(t *testing.T) {
	e := newEnv(t)
	f := newHeartbeatFixture(e)
	leaf := "/api/issues/" + f.leaf["id"].(string)
	second := f.comments[1]["id"].(string)
	e.run(t, []scenario{
		{"agent of the company", "GET", leaf + "/heartbeat-context", nil, bearer(f.key), 200, []string{`"commentCursor"`}},
		{"board", "GET", leaf + "/heartbeat-context", nil, nil, 200, []string{`"totalComments":3`}},
		{"by identifier", "GET", "/api/issues/" + f.leaf["identifier"].(string) + "/heartbeat-context", nil, bearer(f.key), 200,
			[]string{`"id":"` + f.leaf["id"].(string) + `"`}},
		{"foreign agent", "GET", leaf + "/heartbeat-context", nil, bearer(f.foreignKey), 404, []string{"Issue not found"}},
		{"missing issue", "GET", "/api/issues/" + store.NewID() + "/heartbeat-context", nil, nil, 404, []string{"Issue not found"}},
		{"bad key", "GET", leaf + "/heartbeat-context", nil, bearer("pcp_nope"), 401, []string{"Invalid or expired credentials"}},
		{"wake comment", "GET", leaf + "/heartbeat-context?wakeCommentId=" + second, nil, bearer(f.key), 200,
			[]string{`"wakeComment":{"id":"` + second + `"`, `"body":"second"`}},
		{"wake comment of another issue", "GET", leaf + "/heartbeat-context?wakeCommentId=" + f.otherIssueCommentID, nil, bearer(f.key), 200,
			[]string{`"wakeComment":null`}},
		{"garbage wake comment", "GET", leaf + "/heartbeat-context?wakeCommentId=%27x", nil, bearer(f.key), 200, []string{`"wakeComment":null`}},
		// The comment routes the skill teaches, from the agent's side.
		{"delta from the first", "GET", leaf + "/comments?after=" + f.comments[0]["id"].(string) + "&order=asc", nil, bearer(f.key), 200,
			[]string{`"body":"second"`, `"body":"third"`}},
		{"delta anchor of another issue", "GET", leaf + "/comments?after=" + f.otherIssueCommentID + "&order=asc", nil, bearer(f.key), 200, []string{"[]"}},
		{"foreign agent delta", "GET", leaf + "/comments?after=" + second + "&order=asc", nil, bearer(f.foreignKey), 404, []string{"Issue not found"}},
		{"single comment", "GET", leaf + "/comments/" + second, nil, bearer(f.key), 200, []string{`"body":"second"`}},
		{"single comment of another issue", "GET", leaf + "/comments/" + f.otherIssueCommentID, nil, bearer(f.key), 404, []string{"Comment not found"}},
		{"single comment, foreign agent", "GET", leaf + "/comments/" + second, nil, bearer(f.foreignKey), 404, []string{"Issue not found"}},
	})
	auth := newEnv(t, func(c *server.Config) { c.DeploymentMode = server.ModeAuthenticated })
	auth.run(t, []scenario{
		{"anonymous", "GET", "/api/issues/" + store.NewID() + "/heartbeat-context", nil, nil, 401, []string{"Unauthorized"}},
	})
}
