package server_test

import (
	"strings"
	"testing"

	"paperclip/store"
)

func TestIssueDocumentsOverHTTP(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Docs")["id"].(string)
	is := e.mustIssue(cid, map[string]any{"title": "plan it"})
	id := is["id"].(string)
	base := "/api/issues/" + id + "/documents"
	r := e.do("PUT", base+"/Plan", map[string]any{"title": " The plan ", "format": "markdown", "body": "# Plan\n1. do"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	d := r.JSON()
	rev1 := d["latestRevisionId"].(string)
	if d["key"] != "plan" || d["title"] != "The plan" || d["latestRevisionNumber"] != 1.0 || d["createdByUserId"] != "local-board" || d["issueId"] != id {
		t.Fatalf("document %v", d)
	}
	r = e.do("PUT", base+"/plan", map[string]any{"format": "markdown", "body": "# Plan v2", "baseRevisionId": rev1, "changeSummary": "tighter"})
	if r.Status != 200 || r.JSON()["latestRevisionNumber"] != 2.0 || r.JSON()["title"] != "The plan" {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	rev2 := r.JSON()["latestRevisionId"].(string)
	e.run(t, []scenario{
		{"stale base", "PUT", base + "/plan", map[string]any{"format": "markdown", "body": "x", "baseRevisionId": rev1}, nil, 409,
			[]string{`"error":"Document was updated by someone else"`, `"currentRevisionId":"` + rev2 + `"`, `"currentRevisionNumber":2`}},
		{"no base", "PUT", base + "/plan", map[string]any{"format": "markdown", "body": "x"}, nil, 409, []string{"Document update requires baseRevisionId"}},
		{"new with base", "PUT", base + "/notes", map[string]any{"format": "markdown", "body": "x", "baseRevisionId": rev1}, nil, 409, []string{"Document does not exist yet"}},
		{"bad key", "PUT", base + "/-notes", map[string]any{"format": "markdown", "body": "x"}, nil, 400, []string{`"error":"Invalid document key"`, `"details":[`}},
		{"long key", "GET", base + "/" + strings.Repeat("k", 65), nil, nil, 400, []string{"Invalid document key"}},
		{"missing format", "PUT", base + "/notes", map[string]any{"body": "x"}, nil, 400, []string{`"path":["format"]`}},
		{"bad format", "PUT", base + "/notes", map[string]any{"format": "html", "body": "x"}, nil, 400, []string{"invalid_enum_value"}},
		{"missing body", "PUT", base + "/notes", map[string]any{"format": "markdown"}, nil, 400, []string{`"path":["body"]`}},
		{"long title", "PUT", base + "/notes", map[string]any{"format": "markdown", "body": "x", "title": strings.Repeat("t", 201)}, nil, 400, []string{"title"}},
		{"bad base uuid", "PUT", base + "/notes", map[string]any{"format": "markdown", "body": "x", "baseRevisionId": "r1"}, nil, 400, []string{"Invalid uuid"}},
		{"get", "GET", base + "/PLAN", nil, nil, 200, []string{`"body":"# Plan v2"`}},
		{"get missing", "GET", base + "/nothing", nil, nil, 404, []string{"Document not found"}},
		{"list", "GET", base, nil, nil, 200, []string{`"key":"plan"`, `"latestRevisionNumber":2`}},
		{"revisions", "GET", base + "/plan/revisions", nil, nil, 200, []string{`"revisionNumber":2`, `"changeSummary":"tighter"`, `"revisionNumber":1`}},
		{"restore latest", "POST", base + "/plan/revisions/" + rev2 + "/restore", map[string]any{}, nil, 409, []string{"Selected revision is already the latest revision"}},
		{"restore missing", "POST", base + "/plan/revisions/" + store.NewID() + "/restore", map[string]any{}, nil, 404, []string{"Document revision not found"}},
		{"restore", "POST", base + "/plan/revisions/" + rev1 + "/restore", map[string]any{}, nil, 200, []string{`"latestRevisionNumber":3`, `"body":"# Plan\n1. do"`}},
		{"detail plan", "GET", "/api/issues/" + id, nil, nil, 200, []string{`"planDocument":{`, `"documentSummaries":[{`}},
		{"docs of missing issue", "GET", "/api/issues/" + store.NewID() + "/documents", nil, nil, 404, []string{"Issue not found"}},
		{"delete", "DELETE", base + "/plan", nil, nil, 200, []string{`{"ok":true}`}},
		{"delete again", "DELETE", base + "/plan", nil, nil, 404, []string{"Document not found"}},
		{"list empty", "GET", base, nil, nil, 200, []string{"[]"}},
	})
	revs := e.do("GET", base+"/plan/revisions", nil)
	if revs.Status != 404 {
		t.Fatalf("revisions after delete: %d", revs.Status)
	}
	kinds := map[string]int{}
	for _, a := range e.do("GET", "/api/issues/"+id+"/activity", nil).List() {
		kinds[a["action"].(string)]++
	}
	if kinds["issue.document_created"] != 1 || kinds["issue.document_updated"] != 1 || kinds["issue.document_restored"] != 1 || kinds["issue.document_deleted"] != 1 {
		t.Fatalf("document activity %v", kinds)
	}
}
