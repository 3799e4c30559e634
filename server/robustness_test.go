package server_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestNoRouteAnswers5xxOnBadInput walks every route of the OpenAPI document with
// garbage path ids, wrong-typed bodies and odd query values, as the board and as an
// agent, and requires a 4xx (or a success) every time: bad input must never be a 500.
func TestNoRouteAnswers5xxOnBadInput(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Robust")["id"].(string)
	ag := e.mustAgent(cid, map[string]any{"name": "Probe", "role": "ceo"})
	key := e.agentKey(ag["id"].(string))
	issue := e.mustIssue(cid, map[string]any{"title": "Target", "status": "todo"})
	// Entity routes get a real entity of their kind for the "x" id, so garbage bodies
	// reach the validation and rules of a row that exists.
	goal := e.do("POST", "/api/companies/"+cid+"/goals", map[string]any{"title": "Target goal"}).JSON()
	project := e.do("POST", "/api/companies/"+cid+"/projects", map[string]any{"name": "Target project", "workspace": map[string]any{"cwd": "/tmp"}}).JSON()
	approval := e.do("POST", "/api/companies/"+cid+"/approvals", map[string]any{"type": "request_board_approval", "payload": map[string]any{}}, bearer(key)...).JSON()
	realID := map[string]string{"/api/goals/": goal["id"].(string), "/api/projects/": project["id"].(string), "/api/approvals/": approval["id"].(string)}
	workspaceID := project["primaryWorkspace"].(map[string]any)["id"].(string)

	doc := e.do("GET", "/api/openapi.json", nil).JSON()
	paths := doc["paths"].(map[string]any)
	var keys []string
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	varRe := regexp.MustCompile(`\{[A-Za-z]+\}`)
	ids := []string{"x", "00000000-0000-4000-8000-000000000000", "ROB-999", "%27%22%3C", strings.Repeat("a", 300)}
	bodies := []any{nil, "[]", "null", `"str"`, "{", map[string]any{"name": 5, "title": []int{1}, "status": 7, "body": false,
		"agentId": "nope", "expectedStatuses": "todo", "adapterConfig": "x", "labelIds": "x", "budgetMonthlyCents": "lots",
		"baseRevisionId": 3, "key": map[string]any{}, "grants": 1, "permissions": "all", "reportsTo": 12}}
	queries := []string{"", "?limit=-1&offset=x&status=zz&from=never&includeArchived=maybe&order=sideways&q=%25%27"}
	actors := [][]string{nil, bearer(key)}
	count, ok2xx := 0, 0
	for _, p := range keys {
		for method := range paths[p].(map[string]any) {
			m := strings.ToUpper(method)
			if strings.Contains(p, "claude-login") {
				continue // runs a CLI; covered by its own test
			}
			for _, id := range ids {
				// Destructive calls on the real company and issue would leave nothing for
				// the rest of the walk to probe.
				if m == http.MethodDelete && (id == "x" || p == "/api/companies/{companyId}") {
					continue
				}
				path := varRe.ReplaceAllStringFunc(p, func(v string) string {
					switch v {
					case "{companyId}":
						return cid
					case "{id}", "{issueId}":
						if id == "x" {
							for prefix, real := range realID {
								if strings.HasPrefix(p, prefix) {
									return real
								}
							}
							return issue["id"].(string)
						}
					case "{workspaceId}":
						if id == "x" {
							return workspaceID
						}
					}
					return id
				})
				for _, q := range queries {
					for _, body := range bodies {
						if m == http.MethodGet && body != nil {
							continue
						}
						for _, as := range actors {
							r := e.do(m, path+q, body, as...)
							count++
							if r.Status < 300 {
								ok2xx++
							}
							if r.Status >= 500 {
								t.Errorf("%s %s%s body %v → %d %s", m, path, q, body, r.Status, r.Body)
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d requests, %d succeeded", count, ok2xx)
	if count < 1000 {
		t.Fatalf("only %d requests sent; the route walk is broken", count)
	}
}

// TestForeignCompanyPathsAre403ForAgents walks every company-path route as an agent of
// another company: access to the path company is checked before anything else, so the
// answer is 403 whatever the rest of the request holds.
func TestForeignCompanyPathsAre403ForAgents(t *testing.T) {
	e := newEnv(t)
	mine := e.mustCompany("Mine")["id"].(string)
	theirs := e.mustCompany("Theirs")["id"].(string)
	ag := e.mustAgent(mine, map[string]any{"name": "Spy", "role": "ceo"})
	key := e.agentKey(ag["id"].(string))
	doc := e.do("GET", "/api/openapi.json", nil).JSON()
	varRe := regexp.MustCompile(`\{[A-Za-z]+\}`)
	checked := 0
	for p, ops := range doc["paths"].(map[string]any) {
		if !strings.Contains(p, "{companyId}") {
			continue
		}
		path := strings.ReplaceAll(p, "{companyId}", theirs)
		path = varRe.ReplaceAllString(path, "00000000-0000-4000-8000-000000000000")
		for method := range ops.(map[string]any) {
			r := e.do(strings.ToUpper(method), path, map[string]any{}, bearer(key)...)
			checked++
			if r.Status != http.StatusForbidden {
				t.Errorf("%s %s as a foreign agent → %d %s, want 403", strings.ToUpper(method), path, r.Status, r.Body)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d company routes walked", checked)
	}
	if c := e.do("GET", "/api/companies/"+theirs, nil).JSON(); c["name"] != "Theirs" {
		t.Fatalf("foreign company changed: %v", c)
	}
}
