package server_test

import (
	"slices"
	"strings"
	"testing"

	"paperclip/store"
)

func TestIssueCommentsOverHTTP(t *testing.T) {
	e := newEnv(t)
	rec := e.wakes
	cid := e.mustCompany("Chat")["id"].(string)
	dev := e.insertAgent(cid, "Dev", "engineer", "idle")
	cto := e.insertAgent(cid, "CTO", "cto", "idle")
	is := e.mustIssue(cid, map[string]any{"title": "talk", "assigneeAgentId": dev})
	id := is["id"].(string)
	rec.take()
	path := "/api/issues/" + id + "/comments"
	r := e.do("POST", path, map[string]any{"body": "Hey @cto, look at this. `@dev` is code."}, "X-Paperclip-Run-Id", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")
	if r.Status != 201 {
		t.Fatalf("comment: %d %s", r.Status, r.Body)
	}
	c := r.JSON()
	if c["authorType"] != "user" || c["authorUserId"] != "local-board" || c["authorAgentId"] != nil || c["createdByRunId"] != "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" || c["issueId"] != id {
		t.Fatalf("comment %v", c)
	}
	w := rec.take()
	slices.Sort(w)
	want := []string{cto + ":issue_comment_mentioned", dev + ":issue_commented"}
	slices.Sort(want)
	if !slices.Equal(w, want) {
		t.Fatalf("wakes %v", w)
	}
	for i := 0; i < 3; i++ {
		e.do("POST", path, map[string]any{"body": "more " + itoa(i)})
	}
	list := e.do("GET", path, nil).List()
	if len(list) != 4 || list[0]["body"] != "more 2" {
		t.Fatalf("default desc %v", list)
	}
	asc := e.do("GET", path+"?order=asc", nil).List()
	if asc[0]["id"] != c["id"] {
		t.Fatalf("asc %v", asc)
	}
	after := e.do("GET", path+"?order=asc&after="+asc[1]["id"].(string), nil).List()
	if len(after) != 2 || after[0]["id"] != asc[2]["id"] {
		t.Fatalf("after %v", after)
	}
	if l := e.do("GET", path+"?afterCommentId="+asc[1]["id"].(string)+"&limit=1", nil).List(); len(l) != 1 || l[0]["id"] != asc[3]["id"] {
		t.Fatalf("after desc limit %v", l)
	}
	other := e.mustIssue(cid, map[string]any{"title": "other"})["id"].(string)
	e.mustIssue(cid, map[string]any{"title": "closed", "status": "todo"})
	e.run(t, []scenario{
		{"get one", "GET", path + "/" + c["id"].(string), nil, nil, 200, []string{`"body":"Hey @cto`}},
		{"get on other issue", "GET", "/api/issues/" + other + "/comments/" + c["id"].(string), nil, nil, 404, []string{"Comment not found"}},
		{"get missing", "GET", path + "/" + store.NewID(), nil, nil, 404, []string{"Comment not found"}},
		{"unknown anchor", "GET", path + "?after=" + store.NewID(), nil, nil, 200, []string{"[]"}},
		{"bad order", "GET", path + "?order=sideways", nil, nil, 400, []string{"order"}},
		{"bad limit", "GET", path + "?limit=-2", nil, nil, 400, []string{"limit"}},
		{"missing body", "POST", path, map[string]any{}, nil, 400, []string{`"path":["body"]`}},
		{"blank body", "POST", path, map[string]any{"body": "  "}, nil, 400, []string{"too_small"}},
		{"huge body", "POST", path, map[string]any{"body": strings.Repeat("x", 100001)}, nil, 400, []string{"too_big"}},
		{"missing issue", "POST", "/api/issues/" + store.NewID() + "/comments", map[string]any{"body": "x"}, nil, 404, []string{"Issue not found"}},
		{"list missing issue", "GET", "/api/issues/" + store.NewID() + "/comments", nil, nil, 404, []string{"Issue not found"}},
		{"reopen ignored on open", "POST", path, map[string]any{"body": "x", "reopen": true}, nil, 201, nil},
		{"close", "PATCH", "/api/issues/" + id, map[string]any{"status": "cancelled"}, nil, 200, []string{`"status":"cancelled"`}},
		{"reopen via comment", "POST", path, map[string]any{"body": "back to work", "reopen": true}, nil, 201, []string{`"body":"back to work"`}},
		{"reopened", "GET", "/api/issues/" + id, nil, nil, 200, []string{`"status":"todo"`}},
		{"interrupt without run", "POST", path, map[string]any{"body": "stop", "interrupt": true}, nil, 201, nil},
	})
	w = rec.take()
	if !slices.Contains(w, dev+":issue_reopened_via_comment") {
		t.Fatalf("reopen wake missing: %v", w)
	}
	found := false
	for _, a := range e.do("GET", "/api/issues/"+id+"/activity", nil).List() {
		d := a["details"].(map[string]any)
		if a["action"] == "issue.updated" && d["source"] == "comment" && d["reopenedFrom"] == "cancelled" {
			found = true
		}
	}
	if !found {
		t.Fatal("reopen via comment wrote no issue.updated row")
	}
	// Updating the issue's updatedAt on new comments.
	before := e.do("GET", "/api/issues/"+other, nil).JSON()["updatedAt"].(string)
	e.do("POST", "/api/issues/"+other+"/comments", map[string]any{"body": "bump"})
	if after := e.do("GET", "/api/issues/"+other, nil).JSON()["updatedAt"].(string); after < before {
		t.Fatalf("updatedAt went back: %s < %s", after, before)
	}
}
