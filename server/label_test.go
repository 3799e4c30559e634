package server_test

import (
	"strings"
	"testing"

	"paperclip/store"
)

func TestLabels(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Tags")["id"].(string)
	base := "/api/companies/" + cid + "/labels"
	e.run(t, []scenario{
		{"create", "POST", base, map[string]any{"name": "  urgent ", "color": "#FF0000"}, nil, 201, []string{`"name":"urgent"`, `"color":"#FF0000"`}},
		{"create second", "POST", base, map[string]any{"name": "alpha", "color": "#00ff00"}, nil, 201, nil},
		{"duplicate", "POST", base, map[string]any{"name": "urgent", "color": "#000000"}, nil, 409, []string{"Label already exists: urgent"}},
		{"bad color", "POST", base, map[string]any{"name": "x", "color": "red"}, nil, 400, []string{"Color must be a 6-digit hex value"}},
		{"missing color", "POST", base, map[string]any{"name": "x"}, nil, 400, []string{`"path":["color"]`}},
		{"long name", "POST", base, map[string]any{"name": strings.Repeat("n", 49), "color": "#000000"}, nil, 400, []string{"too_big"}},
		{"blank name", "POST", base, map[string]any{"name": " ", "color": "#000000"}, nil, 400, []string{"too_small"}},
		{"list ordered by name", "GET", base, nil, nil, 200, []string{`"name":"alpha"`}},
		{"delete missing", "DELETE", "/api/labels/" + store.NewID(), nil, nil, 404, []string{"Label not found"}},
	})
	list := e.do("GET", base, nil).List()
	if len(list) != 2 || list[0]["name"] != "alpha" {
		t.Fatalf("labels %v", list)
	}
	urgent := list[1]["id"].(string)
	is := e.mustIssue(cid, map[string]any{"title": "tagged", "labelIds": []string{urgent, urgent}})
	if ids := is["labelIds"].([]any); len(ids) != 1 || is["labels"].([]any)[0].(map[string]any)["name"] != "urgent" {
		t.Fatalf("issue labels %v", is)
	}
	// PATCH replaces the whole set.
	up := e.do("PATCH", "/api/issues/"+is["id"].(string), map[string]any{"labelIds": []string{list[0]["id"].(string)}}).JSON()
	if up["labels"].([]any)[0].(map[string]any)["name"] != "alpha" || up["changes"].(map[string]any)["labelIds"] == nil {
		t.Fatalf("patched labels %v", up)
	}
	r := e.do("DELETE", "/api/labels/"+list[0]["id"].(string), nil)
	if r.Status != 200 || r.JSON()["name"] != "alpha" {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if got := e.do("GET", "/api/issues/"+is["id"].(string), nil).JSON(); len(got["labelIds"].([]any)) != 0 {
		t.Fatalf("label still on issue %v", got["labelIds"])
	}
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=label.*", nil).List()
	if len(acts) != 3 {
		t.Fatalf("label activity %v", acts)
	}
	// Another company's label cannot be used.
	other := e.mustCompany("Other")["id"].(string)
	e.run(t, []scenario{
		{"foreign label", "POST", "/api/companies/" + other + "/issues", map[string]any{"title": "x", "labelIds": []string{urgent}}, nil, 422, []string{"One or more labels are invalid for this company"}},
	})
}
