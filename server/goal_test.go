package server_test

import (
	"testing"

	"paperclip/store"
)

// TestGoalRoutes: every goal route and error, as board, agent and foreign agent.
func TestGoalRoutes(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Goals")["id"].(string)
	other := e.mustCompany("Elsewhere")["id"].(string)
	base := "/api/companies/" + cid + "/goals"
	ceo := e.mustAgent(cid, map[string]any{"name": "Chief", "role": "ceo"})
	key := bearer(e.agentKey(ceo["id"].(string)))
	spy := bearer(e.agentKey(e.mustAgent(other, map[string]any{"name": "Spy"})["id"].(string)))
	foreignAgent := e.mustAgent(other, map[string]any{"name": "Far"})["id"].(string)

	root := e.do("POST", base, map[string]any{"title": "Be the best", "level": "company", "status": "active"}).JSON()
	rid := root["id"].(string)
	child := e.do("POST", base, map[string]any{"title": "Ship it", "parentId": rid}, key...).JSON()
	cidG := child["id"].(string)
	foreign := e.do("POST", "/api/companies/"+other+"/goals", map[string]any{"title": "Theirs"}).JSON()["id"].(string)
	missing := store.NewID()
	g := "/api/goals/"
	e.run(t, []scenario{
		{"defaults", "GET", g + cidG, nil, nil, 200, []string{`"level":"task"`, `"status":"planned"`, `"parentId":"` + rid + `"`, `"ownerAgentId":null`}},
		{"agent reads", "GET", g + rid, nil, key, 200, []string{`"title":"Be the best"`}},
		{"missing title", "POST", base, map[string]any{}, nil, 400, []string{`"path":["title"]`, "Required"}},
		{"blank title", "POST", base, map[string]any{"title": " "}, nil, 400, []string{"too_small"}},
		{"bad level", "POST", base, map[string]any{"title": "x", "level": "cosmic"}, nil, 400, []string{"invalid_enum_value", "'company' | 'team' | 'agent' | 'task'"}},
		{"bad status", "POST", base, map[string]any{"title": "x", "status": "done"}, nil, 400, []string{"'planned' | 'active' | 'achieved' | 'cancelled'"}},
		{"bad parent uuid", "POST", base, map[string]any{"title": "x", "parentId": "p"}, nil, 400, []string{"Invalid uuid"}},
		{"title type", "POST", base, map[string]any{"title": 5}, nil, 400, []string{"Expected string, received number"}},
		{"missing parent", "POST", base, map[string]any{"title": "x", "parentId": missing}, nil, 404, []string{"Parent goal not found"}},
		{"foreign parent", "POST", base, map[string]any{"title": "x", "parentId": foreign}, nil, 422, []string{"Parent goal must belong to same company"}},
		{"missing owner", "POST", base, map[string]any{"title": "x", "ownerAgentId": missing}, nil, 404, []string{"Owner agent not found"}},
		{"foreign owner", "POST", base, map[string]any{"title": "x", "ownerAgentId": foreignAgent}, nil, 422, []string{"Owner agent must belong to same company"}},
		{"owner", "POST", base, map[string]any{"title": "Owned", "ownerAgentId": ceo["id"]}, nil, 201, []string{`"ownerAgentId":"` + ceo["id"].(string) + `"`}},
		{"cycle self", "PATCH", g + rid, map[string]any{"parentId": rid}, nil, 422, []string{"Goal hierarchy would create cycle"}},
		{"cycle child", "PATCH", g + rid, map[string]any{"parentId": cidG}, nil, 422, []string{"Goal hierarchy would create cycle"}},
		{"patch", "PATCH", g + cidG, map[string]any{"status": "achieved", "description": "done"}, key, 200, []string{`"status":"achieved"`, `"description":"done"`}},
		{"patch null title", "PATCH", g + cidG, map[string]any{"title": nil}, nil, 400, []string{"Expected string, received null"}},
		{"patch bad json", "PATCH", g + cidG, "{", nil, 400, []string{"Invalid JSON body"}},
		{"get missing", "GET", g + missing, nil, nil, 404, []string{"Goal not found"}},
		{"get garbage id", "GET", g + "nope", nil, nil, 404, []string{"Goal not found"}},
		{"foreign agent get", "GET", g + rid, nil, spy, 404, []string{"Goal not found"}},
		{"foreign agent patch", "PATCH", g + rid, map[string]any{"title": "mine"}, spy, 404, []string{"Goal not found"}},
		{"foreign agent delete", "DELETE", g + rid, nil, spy, 404, []string{"Goal not found"}},
		{"agent delete", "DELETE", g + rid, nil, key, 403, []string{"Board access required"}},
		{"foreign company list", "GET", base, nil, spy, 403, []string{"Agent key cannot access another company"}},
		{"foreign company create", "POST", base, map[string]any{"title": "x"}, spy, 403, nil},
		{"list bad parentId", "GET", base + "?parentId=zz", nil, nil, 400, []string{`"path":["query","parentId"]`}},
		{"list bad level", "GET", base + "?level=zz", nil, nil, 400, []string{"invalid_enum_value"}},
		{"list bad limit", "GET", base + "?limit=0", nil, nil, 400, []string{"Invalid 'limit' query parameter"}},
	})
	list := func(q string) []map[string]any { return e.do("GET", base+q, nil).List() }
	if l := list("?parentId=null"); len(l) != 2 {
		t.Fatalf("roots %v", l)
	}
	if l := list("?parentId=" + rid); len(l) != 1 || l[0]["id"] != cidG {
		t.Fatalf("children %v", l)
	}
	if l := list("?level=company&status=active"); len(l) != 1 || l[0]["id"] != rid {
		t.Fatalf("level+status %v", l)
	}
	if l := list("?ownerAgentId=" + ceo["id"].(string)); len(l) != 1 || l[0]["title"] != "Owned" {
		t.Fatalf("owner %v", l)
	}
	if l := list("?limit=1&offset=1"); len(l) != 1 {
		t.Fatalf("paged %v", l)
	}
	// Delete: board only; the child becomes a root, the issue loses its goal.
	is := e.mustIssue(cid, map[string]any{"title": "under goal", "goalId": rid})
	r := e.do("DELETE", g+rid, nil)
	if r.Status != 200 || r.JSON()["id"] != rid {
		t.Fatalf("delete %d %s", r.Status, r.Body)
	}
	if got := e.do("GET", g+cidG, nil).JSON(); got["parentId"] != nil {
		t.Fatalf("child parent %v", got["parentId"])
	}
	if got := e.do("GET", "/api/issues/"+is["id"].(string), nil).JSON(); got["goalId"] != nil {
		t.Fatalf("issue goal %v", got["goalId"])
	}
	acts := e.actions(cid, "&action=goal.*")
	for action, want := range map[string]int{"goal.created": 3, "goal.updated": 1, "goal.deleted": 1} {
		if count(acts, action) != want {
			t.Errorf("%s: %d rows in %v", action, count(acts, action), acts)
		}
	}
	upd := e.do("GET", "/api/companies/"+cid+"/activity?action=goal.updated", nil).List()
	if d := upd[0]["details"].(map[string]any); d["status"] != "achieved" || d["_previous"].(map[string]any)["status"] != "planned" {
		t.Fatalf("goal.updated details %v", d)
	}
}
