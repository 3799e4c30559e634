package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestIssueCreateGetPatchDelete(t *testing.T) {
	e := newEnv(t)
	rec := e.wakes
	co := e.mustCompany("Acme")
	cid := co["id"].(string)
	agent := e.insertAgent(cid, "CTO", "cto", "idle")
	r := e.do("POST", "/api/companies/"+cid+"/issues", map[string]any{"title": "Ship it", "description": "Now", "assigneeAgentId": "cto",
		"priority": "high", "idempotencyKey": "k-1"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	is := r.JSON()
	for k, want := range map[string]any{"identifier": "ACM-1", "issueNumber": 1.0, "status": "todo", "priority": "high",
		"assigneeAgentId": agent, "createdByUserId": "local-board", "originKind": "manual", "requestDepth": 0.0} {
		if is[k] != want {
			t.Errorf("%s = %v, want %v", k, is[k], want)
		}
	}
	for _, k := range []string{"projectId", "goalId", "parentId", "checkoutRunId", "executionRunId", "startedAt", "hiddenAt", "assigneeAdapterOverrides", "originRunId"} {
		if v, ok := is[k]; !ok || v != nil {
			t.Errorf("%s should be present and null, got %v (%v)", k, v, ok)
		}
	}
	if _, ok := is["deduplicated"]; ok {
		t.Errorf("new issue flagged deduplicated")
	}
	if w := rec.take(); !slices.Equal(w, []string{agent + ":issue_assigned"}) {
		t.Fatalf("wakes %v", w)
	}
	id := is["id"].(string)
	// Replay with the same key: 200, the original, flagged.
	r = e.do("POST", "/api/companies/"+cid+"/issues", map[string]any{"title": "Different", "idempotencyKey": "k-1"})
	if r.Status != 200 || r.JSON()["id"] != id || r.JSON()["deduplicationReason"] != "idempotency_key" || r.JSON()["deduplicated"] != true {
		t.Fatalf("replay: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/companies/"+cid+"/issues", map[string]any{"title": "ship IT"})
	if r.Status != 200 || r.JSON()["deduplicationReason"] != "recent_open_title" {
		t.Fatalf("title dedupe: %d %s", r.Status, r.Body)
	}
	// Detail by identifier in any case.
	d := e.do("GET", "/api/issues/acm-1", nil)
	if d.Status != 200 || d.JSON()["id"] != id {
		t.Fatalf("get: %d %s", d.Status, d.Body)
	}
	for _, k := range []string{"ancestors", "blockedBy", "blocks", "documentSummaries", "labels", "labelIds"} {
		if _, ok := d.JSON()[k].([]any); !ok {
			t.Errorf("detail %s not an array: %v", k, d.JSON()[k])
		}
	}
	for _, k := range []string{"project", "goal", "planDocument"} {
		if v, ok := d.JSON()[k]; !ok || v != nil {
			t.Errorf("detail %s = %v", k, v)
		}
	}
	// PATCH with an inline comment: changes lists what changed, comment is returned.
	long := strings.Repeat("d", 300)
	r = e.do("PATCH", "/api/issues/"+id, map[string]any{"title": "Ship it", "description": long, "priority": "low", "comment": "On it"})
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	p := r.JSON()
	changes := p["changes"].(map[string]any)
	if _, ok := changes["title"]; ok || changes["priority"].(map[string]any)["to"] != "low" ||
		len(changes["description"].(map[string]any)["to"].(string)) != 200 || p["comment"].(map[string]any)["body"] != "On it" {
		t.Fatalf("patch result %v", p)
	}
	byAction := map[string]map[string]any{}
	for _, a := range e.do("GET", "/api/issues/"+id+"/activity", nil).List() {
		byAction[a["action"].(string)] = a["details"].(map[string]any)
	}
	upd := byAction["issue.updated"]
	if upd == nil || upd["identifier"] != "ACM-1" || upd["_previous"].(map[string]any)["priority"] != "high" {
		t.Fatalf("issue.updated details %v", byAction)
	}
	if byAction["issue.comment_added"]["updated"] != true || byAction["issue.created"] == nil {
		t.Fatalf("activity %v", byAction)
	}
	// Delete returns the issue as it was; the number is never reused.
	r = e.do("DELETE", "/api/issues/ACM-1", nil)
	if r.Status != 200 || r.JSON()["identifier"] != "ACM-1" {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	e.run(t, []scenario{
		{"deleted is gone", "GET", "/api/issues/" + id, nil, nil, 404, []string{`"Issue not found"`}},
		{"delete twice", "DELETE", "/api/issues/" + id, nil, nil, 404, []string{"Issue not found"}},
	})
	if next := e.mustIssue(cid, map[string]any{"title": "after"}); next["identifier"] != "ACM-2" {
		t.Fatalf("after delete %v", next["identifier"])
	}
}

func TestIssueValidationErrors(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Errs")["id"].(string)
	other := e.mustCompany("Other")["id"].(string)
	agent := e.insertAgent(cid, "Dev", "engineer", "idle")
	pending := e.insertAgent(cid, "New Hire", "engineer", "pending_approval")
	dead := e.insertAgent(cid, "Old", "engineer", "terminated")
	foreignAgent := e.insertAgent(other, "Far", "engineer", "idle")
	foreignIssue := e.mustIssue(other, map[string]any{"title": "theirs"})["id"].(string)
	is := e.mustIssue(cid, map[string]any{"title": "base"})
	id := is["id"].(string)
	missing := "00000000-0000-4000-8000-000000000000"
	base := "/api/companies/" + cid + "/issues"
	e.run(t, []scenario{
		{"guard", "GET", "/api/issues", nil, nil, 400, []string{"Missing companyId in path. Use /api/companies/{companyId}/issues."}},
		{"missing title", "POST", base, map[string]any{}, nil, 400, []string{`"path":["title"]`, "Required"}},
		{"blank title", "POST", base, map[string]any{"title": "  "}, nil, 400, []string{"too_small"}},
		{"bad status", "POST", base, map[string]any{"title": "x", "status": "doing"}, nil, 400, []string{"invalid_enum_value", "received 'doing'"}},
		{"bad priority", "POST", base, map[string]any{"title": "x", "priority": "urgent"}, nil, 400, []string{"priority"}},
		{"bad uuid", "POST", base, map[string]any{"title": "x", "projectId": "p"}, nil, 400, []string{"Invalid uuid"}},
		{"bad blocker uuid", "POST", base, map[string]any{"title": "x", "blockedByIssueIds": []string{"nope"}}, nil, 400, []string{`"path":["blockedByIssueIds",0]`}},
		{"depth", "POST", base, map[string]any{"title": "x", "requestDepth": 1025}, nil, 400, []string{"too_big"}},
		{"overrides strict", "POST", base, map[string]any{"title": "x", "assigneeAdapterOverrides": map[string]any{"cwd": "/"}}, nil, 400, []string{"unrecognized_keys"}},
		{"long idempotency key", "POST", base, map[string]any{"title": "x", "idempotencyKey": strings.Repeat("k", 256)}, nil, 400, []string{"idempotencyKey"}},
		{"title type", "POST", base, map[string]any{"title": 5}, nil, 400, []string{"Expected string, received number"}},
		{"two assignees", "POST", base, map[string]any{"title": "x", "assigneeAgentId": agent, "assigneeUserId": "local-board"}, nil, 422, []string{"Issue can only have one assignee"}},
		{"in_progress unassigned", "POST", base, map[string]any{"title": "x", "status": "in_progress"}, nil, 422, []string{"in_progress issues require an assignee"}},
		{"unknown agent", "POST", base, map[string]any{"title": "x", "assigneeAgentId": missing}, nil, 404, []string{"Assignee agent not found"}},
		{"unknown shortname", "POST", base, map[string]any{"title": "x", "assigneeAgentId": "nobody"}, nil, 404, []string{"Assignee agent not found"}},
		{"foreign agent", "POST", base, map[string]any{"title": "x", "assigneeAgentId": foreignAgent}, nil, 422, []string{"Assignee must belong to same company"}},
		{"pending agent", "POST", base, map[string]any{"title": "x", "assigneeAgentId": pending}, nil, 409, []string{"Cannot assign work to pending approval agents"}},
		{"terminated agent", "POST", base, map[string]any{"title": "x", "assigneeAgentId": dead}, nil, 409, []string{"Cannot assign work to terminated agents"}},
		{"unknown user", "POST", base, map[string]any{"title": "x", "assigneeUserId": "ghost"}, nil, 404, []string{"Assignee user not found"}},
		{"unknown project", "POST", base, map[string]any{"title": "x", "projectId": missing}, nil, 404, []string{"Project not found"}},
		{"unknown goal", "POST", base, map[string]any{"title": "x", "goalId": missing}, nil, 404, []string{"Goal not found"}},
		{"unknown parent", "POST", base, map[string]any{"title": "x", "parentId": missing}, nil, 404, []string{"Parent issue not found"}},
		{"foreign parent", "POST", base, map[string]any{"title": "x", "parentId": foreignIssue}, nil, 422, []string{"Parent issue must belong to same company"}},
		{"foreign blocker", "POST", base, map[string]any{"title": "x", "blockedByIssueIds": []string{foreignIssue}}, nil, 422, []string{"Blocked-by issues must belong to the same company"}},
		{"bad labels", "POST", base, map[string]any{"title": "x", "labelIds": []string{missing}}, nil, 422, []string{"One or more labels are invalid for this company"}},
		{"workspace without project", "POST", base, map[string]any{"title": "x", "projectWorkspaceId": missing}, nil, 422, []string{"Project workspace must belong to the selected project"}},
		{"missing company", "POST", "/api/companies/" + missing + "/issues", map[string]any{"title": "x"}, nil, 404, []string{"Company not found"}},
		{"get missing", "GET", "/api/issues/" + missing, nil, nil, 404, []string{"Issue not found"}},
		{"get garbage key", "GET", "/api/issues/not-an-issue!", nil, nil, 404, []string{"Issue not found"}},
		{"get unknown identifier", "GET", "/api/issues/ERR-999", nil, nil, 404, []string{"Issue not found"}},
		{"patch missing", "PATCH", "/api/issues/" + missing, map[string]any{"title": "x"}, nil, 404, []string{"Issue not found"}},
		{"patch null title", "PATCH", "/api/issues/" + id, map[string]any{"title": nil}, nil, 400, []string{"Expected string, received null"}},
		{"patch null status", "PATCH", "/api/issues/" + id, map[string]any{"status": nil}, nil, 400, []string{"status"}},
		{"patch blank comment", "PATCH", "/api/issues/" + id, map[string]any{"comment": " "}, nil, 400, []string{"comment"}},
		{"patch bad hiddenAt", "PATCH", "/api/issues/" + id, map[string]any{"hiddenAt": "yesterday"}, nil, 400, []string{"Invalid datetime"}},
		{"patch malformed", "PATCH", "/api/issues/" + id, `{"title":`, nil, 400, []string{"Invalid JSON body"}},
		{"patch bad transition", "PATCH", "/api/issues/" + id, map[string]any{"status": "done"}, nil, 422,
			[]string{`"error":"Invalid issue status transition: backlog -> done"`, `"code":"invalid_status_transition"`, `"allowed":["todo","cancelled"]`, `"from":"backlog"`, `"to":"done"`}},
		{"patch in_progress unassigned", "PATCH", "/api/issues/" + id, map[string]any{"status": "todo"}, nil, 200, []string{`"status":"todo"`}},
		{"patch in_progress needs assignee", "PATCH", "/api/issues/" + id, map[string]any{"status": "in_progress"}, nil, 422, []string{"in_progress issues require an assignee"}},
		{"patch self parent", "PATCH", "/api/issues/" + id, map[string]any{"parentId": id}, nil, 422, []string{"Issue hierarchy would create cycle"}},
		{"patch self blocker", "PATCH", "/api/issues/" + id, map[string]any{"blockedByIssueIds": []string{id}}, nil, 422, []string{"Issue cannot be blocked by itself"}},
		{"patch same status no-op", "PATCH", "/api/issues/" + id, map[string]any{"status": "todo"}, nil, 200, []string{`"changes":{}`}},
		{"children of missing", "POST", "/api/issues/" + missing + "/children", map[string]any{"title": "x"}, nil, 404, []string{"Issue not found"}},
		{"children criteria too long", "POST", "/api/issues/" + id + "/children", map[string]any{"title": "x", "acceptanceCriteria": []string{strings.Repeat("c", 501)}}, nil, 400, []string{"acceptanceCriteria"}},
	})
}

func TestIssueStatusMachineOverHTTP(t *testing.T) {
	e := newEnv(t)
	rec := e.wakes
	cid := e.mustCompany("Flow")["id"].(string)
	agent := e.insertAgent(cid, "Dev", "engineer", "idle")
	id := e.mustIssue(cid, map[string]any{"title": "flow", "assigneeAgentId": agent, "status": "backlog"})["id"].(string)
	if w := rec.take(); len(w) != 0 {
		t.Fatalf("backlog assignment woke %v", w)
	}
	path := "/api/issues/" + id
	e.run(t, []scenario{
		{"backlog->todo", "PATCH", path, map[string]any{"status": "todo"}, nil, 200, []string{`"status":"todo"`}},
		{"todo->in_review", "PATCH", path, map[string]any{"status": "in_review"}, nil, 422, []string{"todo -> in_review", `"allowed":["in_progress","blocked","cancelled"]`}},
		{"todo->in_progress", "PATCH", path, map[string]any{"status": "in_progress"}, nil, 200, []string{`"startedAt":"`}},
		{"in_progress->backlog", "PATCH", path, map[string]any{"status": "backlog"}, nil, 422, []string{"in_progress -> backlog"}},
		{"in_progress->in_review", "PATCH", path, map[string]any{"status": "in_review"}, nil, 200, []string{`"status":"in_review"`}},
		{"in_review->blocked", "PATCH", path, map[string]any{"status": "blocked"}, nil, 422, []string{"in_review -> blocked"}},
		{"in_review->done", "PATCH", path, map[string]any{"status": "done"}, nil, 200, []string{`"status":"done"`, `"completedAt":"20`}},
		{"done->in_progress", "PATCH", path, map[string]any{"status": "in_progress"}, nil, 422, []string{"done -> in_progress", `"allowed":["todo"]`}},
		{"reopen flag", "PATCH", path, map[string]any{"reopen": true}, nil, 200, []string{`"status":"todo"`, `"completedAt":null`}},
		{"todo->blocked", "PATCH", path, map[string]any{"status": "blocked"}, nil, 200, []string{`"status":"blocked"`}},
		{"blocked->done", "PATCH", path, map[string]any{"status": "done"}, nil, 422, []string{"blocked -> done"}},
		{"blocked->todo", "PATCH", path, map[string]any{"status": "todo"}, nil, 200, []string{`"status":"todo"`}},
		{"todo->cancelled", "PATCH", path, map[string]any{"status": "cancelled"}, nil, 200, []string{`"cancelledAt":"20`}},
		{"cancelled->done", "PATCH", path, map[string]any{"status": "done"}, nil, 422, []string{"cancelled -> done"}},
		{"reopen open issue ignored", "PATCH", "/api/issues/" + e.mustIssue(cid, map[string]any{"title": "open"})["id"].(string), map[string]any{"reopen": true}, nil, 200, []string{`"status":"backlog"`}},
		{"cancelled->todo", "PATCH", path, map[string]any{"status": "todo"}, nil, 200, []string{`"cancelledAt":null`}},
	})
	got := rec.take()
	want := []string{agent + ":issue_status_changed", agent + ":issue_status_changed", agent + ":issue_status_changed", agent + ":issue_status_changed"}
	if !slices.Equal(got, want) {
		t.Fatalf("status wakes %v", got)
	}
}

func TestIssueListFiltersAndOrder(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("List")["id"].(string)
	other := e.mustCompany("Else")["id"].(string)
	e.mustIssue(other, map[string]any{"title": "elsewhere"})
	dev := e.insertAgent(cid, "Dev", "engineer", "idle")
	label := e.do("POST", "/api/companies/"+cid+"/labels", map[string]any{"name": "bug", "color": "#ff0000"}).JSON()["id"].(string)
	low := e.mustIssue(cid, map[string]any{"title": "Low thing", "priority": "low"})
	crit := e.mustIssue(cid, map[string]any{"title": "Critical outage", "priority": "critical", "assigneeAgentId": dev, "labelIds": []string{label}})
	med := e.mustIssue(cid, map[string]any{"title": "Medium task", "description": "mentions outage in text 100%_done"})
	child := e.mustIssue(cid, map[string]any{"title": "Child", "parentId": med["id"], "assigneeUserId": "local-board"})
	grand := e.mustIssue(cid, map[string]any{"title": "Grandchild", "parentId": child["id"]})
	hidden := e.mustIssue(cid, map[string]any{"title": "Hidden"})
	e.do("PATCH", "/api/issues/"+hidden["id"].(string), map[string]any{"hiddenAt": "2026-01-01T00:00:00Z"})
	e.do("POST", "/api/issues/"+low["id"].(string)+"/comments", map[string]any{"body": "the zebra is here"})
	base := "/api/companies/" + cid + "/issues"
	ids := func(query string) []string {
		t.Helper()
		r := e.do("GET", base+query, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", query, r.Status, r.Body)
		}
		var out []string
		for _, row := range r.List() {
			out = append(out, row["title"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"Critical outage", "Grandchild", "Child", "Medium task", "Low thing"}},
		{"?status=todo", []string{"Critical outage", "Child"}},
		{"?status=todo,backlog&status=done", []string{"Critical outage", "Grandchild", "Child", "Medium task", "Low thing"}},
		{"?status=nonsense", nil},
		{"?priority=low,critical", []string{"Critical outage", "Low thing"}},
		{"?assigneeAgentId=" + dev, []string{"Critical outage"}},
		{"?assigneeAgentId=dev", []string{"Critical outage"}},
		{"?assigneeAgentId=null&priority=critical", nil},
		{"?assigneeUserId=me", []string{"Child"}},
		{"?labelId=" + label, []string{"Critical outage"}},
		{"?parentId=" + med["id"].(string), []string{"Child"}},
		{"?parentIssueId=" + med["id"].(string), []string{"Child"}},
		{"?parentId=null", []string{"Critical outage", "Medium task", "Low thing"}},
		{"?descendantOf=" + med["identifier"].(string), []string{"Grandchild", "Child"}},
		{"?q=outage", []string{"Critical outage", "Medium task"}},
		{"?q=zebra", []string{"Low thing"}},
		{"?q=" + url.QueryEscape("100%_"), []string{"Medium task"}},
		{"?q=" + url.QueryEscape("%"), []string{"Medium task"}},
		{"?q=lis-1", []string{"Low thing"}},
		{"?includeHidden=true&q=hidden", []string{"Hidden"}},
		{"?sortField=created&sortDir=asc", []string{"Low thing", "Critical outage", "Medium task", "Child", "Grandchild"}},
		{"?sortField=created&limit=2&offset=1", []string{"Child", "Medium task"}},
		{"?limit=5000&priority=critical", []string{"Critical outage"}},
	} {
		if got := ids(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.query, got, tc.want)
		}
	}
	_ = grand
	_ = crit
	rows := e.do("GET", base+"?q=outage", nil).List()
	if rows[0]["activeRun"] != nil || rows[0]["labels"].([]any)[0].(map[string]any)["name"] != "bug" {
		t.Fatalf("row shape %v", rows[0])
	}
	if _, ok := rows[0]["isUnreadForMe"]; ok {
		t.Fatalf("user context keys without user context")
	}
	e.run(t, []scenario{
		{"bad assignee", "GET", base + "?assigneeAgentId=not%20a%20thing", nil, nil, 422, []string{"assigneeAgentId must be a UUID or 'null'"}},
		{"bad sort", "GET", base + "?sortField=title", nil, nil, 400, []string{"sortField must be one of priority, updated, created"}},
		{"bad dir", "GET", base + "?sortDir=up", nil, nil, 400, []string{"sortDir must be asc or desc"}},
		{"bad limit", "GET", base + "?limit=0", nil, nil, 400, []string{"limit must be a positive integer up to 1000"}},
		{"bad limit text", "GET", base + "?limit=ten", nil, nil, 400, []string{"limit must be a positive integer up to 1000"}},
		{"bad offset", "GET", base + "?offset=-1", nil, nil, 400, []string{"offset must be a non-negative integer"}},
		{"bad includeHidden", "GET", base + "?includeHidden=maybe", nil, nil, 400, []string{"includeHidden"}},
		{"missing company", "GET", "/api/companies/00000000-0000-4000-8000-000000000000/issues", nil, nil, 404, []string{"Company not found"}},
	})
}

func TestIssueListUserContext(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Inbox")["id"].(string)
	dev := e.insertAgent(cid, "Dev", "engineer", "idle")
	mine := e.mustIssue(cid, map[string]any{"title": "mine"})["id"].(string)
	e.mustIssue(cid, map[string]any{"title": "not mine"})
	e.rawExec(`UPDATE issues SET created_by_user_id = 'someone' WHERE title = 'not mine'`)
	base := "/api/companies/" + cid + "/issues"
	rows := e.do("GET", base+"?touchedByUserId=me", nil).List()
	if len(rows) != 1 || rows[0]["id"] != mine || rows[0]["isUnreadForMe"] != false || rows[0]["myLastTouchAt"] == nil || rows[0]["lastExternalCommentAt"] != nil {
		t.Fatalf("touched %v", rows)
	}
	// An agent comment after my last touch makes it unread; reading clears it.
	e.rawExec(`INSERT INTO issue_comments (id, company_id, issue_id, author_agent_id, author_type, body, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'agent', 'update', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')`, "11111111-1111-4111-8111-111111111111", cid, mine, dev)
	rows = e.do("GET", base+"?unreadForUserId=me", nil).List()
	if len(rows) != 1 || rows[0]["isUnreadForMe"] != true {
		t.Fatalf("unread %v", rows)
	}
	e.rawExec(`INSERT INTO issue_read_states (id, company_id, issue_id, user_id, last_read_at, created_at, updated_at)
		VALUES (?, ?, ?, 'local-board', '2099-02-01T00:00:00.000Z', '2099-02-01T00:00:00.000Z', '2099-02-01T00:00:00.000Z')`,
		"22222222-2222-4222-8222-222222222222", cid, mine)
	if rows = e.do("GET", base+"?unreadForUserId=me", nil).List(); len(rows) != 0 {
		t.Fatalf("read issue still unread %v", rows)
	}
	if rows = e.do("GET", base+"?touchedByUserId=local-board", nil).List(); len(rows) != 1 || rows[0]["isUnreadForMe"] != false {
		t.Fatalf("after read %v", rows)
	}
}

func TestIssueChildren(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Kids")["id"].(string)
	parent := e.mustIssue(cid, map[string]any{"title": "parent"})
	r := e.do("POST", "/api/issues/"+parent["identifier"].(string)+"/children", map[string]any{"title": "child", "description": "Do it",
		"acceptanceCriteria": []string{"one", "two"}, "blockParentUntilDone": true, "parentId": "ignored"})
	if r.Status != 201 {
		t.Fatalf("child: %d %s", r.Status, r.Body)
	}
	c := r.JSON()
	if c["parentId"] != parent["id"] || c["description"] != "Do it\n\n## Acceptance criteria\n\n- [ ] one\n- [ ] two\n" {
		t.Fatalf("child %v", c)
	}
	d := e.do("GET", "/api/issues/"+parent["id"].(string), nil).JSON()
	if b := d["blockedBy"].([]any); len(b) != 1 || b[0].(map[string]any)["id"] != c["id"] {
		t.Fatalf("parent blockedBy %v", d["blockedBy"])
	}
	cd := e.do("GET", "/api/issues/"+c["id"].(string), nil).JSON()
	if a := cd["ancestors"].([]any); len(a) != 1 || a[0].(map[string]any)["identifier"] != parent["identifier"] {
		t.Fatalf("ancestors %v", cd["ancestors"])
	}
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=issue.created", nil).List()
	if len(acts) != 2 || acts[0]["details"].(map[string]any)["parentId"] != parent["id"] {
		t.Fatalf("child activity %v", acts)
	}
	if w := e.do("GET", "/api/companies/"+cid+"/activity?action=issue.blockers_updated", nil).List(); len(w) != 1 || w[0]["entityId"] != parent["id"] {
		t.Fatalf("blockers activity %v", w)
	}
	_ = http.MethodGet
}
