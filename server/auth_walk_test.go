package server_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// openAPIRoutes lists (method, path, access) of every route in the OpenAPI document.
func openAPIRoutes(t *testing.T, e *env) [][3]string {
	t.Helper()
	doc := e.do("GET", "/api/openapi.json", nil).JSON()
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) < 50 {
		t.Fatalf("openapi paths: %v", doc)
	}
	var out [][3]string
	for p, ops := range paths {
		for m, op := range ops.(map[string]any) {
			out = append(out, [3]string{strings.ToUpper(m), p, op.(map[string]any)["x-paperclip-access"].(string)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1]+out[i][0] < out[j][1]+out[j][0] })
	return out
}

var pathVar = regexp.MustCompile(`\{[A-Za-z]+\}`)

// TestAnonymousIs401OnEveryNonPublicRoute calls every route of the route table with
// no credential, with a stale cookie and with an unknown board key in authenticated
// mode: every route not marked public answers 401.
func TestAnonymousIs401OnEveryNonPublicRoute(t *testing.T) {
	e := newAuthEnv(t)
	admin, _ := e.bootstrapAdmin()
	cid := e.company(admin, "Walk")
	const uuid = "01a00000-0000-7000-8000-000000000000"
	routes := openAPIRoutes(t, e.env)
	checked, public := 0, 0
	creds := [][]string{nil, as("stale-cookie-value"), bearer("pcp_board_" + strings.Repeat("0", 48))}
	for _, rt := range routes {
		if rt[2] == "public" {
			public++
			continue
		}
		path := pathVar.ReplaceAllStringFunc(rt[1], func(v string) string {
			if v == "{companyId}" {
				return cid
			}
			return uuid
		})
		for _, c := range creds {
			r := e.req(rt[0], path, map[string]any{}, c...)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s %s (%s) with %v: %d %s", rt[0], rt[1], rt[2], c, r.Status, r.Body)
			}
		}
		checked++
	}
	t.Logf("%d non-public routes refused, %d public", checked, public)
	if checked < 100 {
		t.Fatalf("only %d routes walked", checked)
	}
}

// companySnapshot is every row that belongs to a company, as text, for "nothing
// changed" comparisons.
func companySnapshot(t *testing.T, path, companyID string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
		AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'company_id') ORDER BY m.name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	tables = append(tables, "companies")
	var b strings.Builder
	for _, tbl := range tables {
		col := "company_id"
		if tbl == "companies" {
			col = "id"
		}
		rs, err := db.Query(`SELECT * FROM "`+tbl+`" WHERE `+col+` = ? ORDER BY 1`, companyID)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rs.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", tbl, vals)
		}
		rs.Close()
	}
	return b.String()
}

func str(v any) string { s, _ := v.(string); return s }

// TestTenancyMatrixAcrossCompanies: an owner of company A calls every route of the
// table against company B's path and entity ids. Every answer is 403 or 404, and
// company B's rows are exactly as before.
func TestTenancyMatrixAcrossCompanies(t *testing.T) {
	e := newAuthEnv(t)
	admin, _ := e.bootstrapAdmin()
	ca := e.company(admin, "Alpha")
	cb := e.company(admin, "Beta")
	alice, _ := e.join(admin, ca, "owner", "Alice", "alice@example.com")
	bob, _ := e.join(admin, cb, "operator", "Bob", "bob@example.com")

	// Company B gets one of everything the routes can name.
	agent := e.req("POST", "/api/companies/"+cb+"/agents", map[string]any{"name": "B Agent", "role": "ceo", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "echo"}}, as(admin)...).JSON()
	issue := e.req("POST", "/api/companies/"+cb+"/issues", map[string]any{"title": "B issue"}, as(bob)...).JSON()
	label := e.req("POST", "/api/companies/"+cb+"/labels", map[string]any{"name": "b", "color": "#123456"}, as(admin)...).JSON()
	comment := e.req("POST", "/api/issues/"+issue["id"].(string)+"/comments", map[string]any{"body": "hi"}, as(bob)...).JSON()
	key := e.req("POST", "/api/agents/"+agent["id"].(string)+"/keys", map[string]any{"name": "k"}, as(admin)...).JSON()
	inv := e.req("POST", "/api/companies/"+cb+"/invites", map[string]any{"allowedJoinTypes": "agent"}, as(admin)...).JSON()
	jr := e.req("POST", "/api/invites/"+inv["token"].(string)+"/accept", map[string]any{"requestType": "agent", "agentName": "Joiner"}).JSON()
	inv2 := e.req("POST", "/api/companies/"+cb+"/invites", map[string]any{}, as(admin)...).JSON()
	goal := e.req("POST", "/api/companies/"+cb+"/goals", map[string]any{"title": "B goal"}, as(bob)...).JSON()
	project := e.req("POST", "/api/companies/"+cb+"/projects", map[string]any{"name": "B project"}, as(bob)...).JSON()
	approval := e.req("POST", "/api/companies/"+cb+"/approvals", map[string]any{"type": "request_board_approval",
		"payload": map[string]any{}}, bearer(key["token"].(string))...).JSON()
	var memberID string
	for _, m := range e.req("GET", "/api/companies/"+cb+"/members", nil, as(admin)...).List() {
		memberID = m["id"].(string)
	}
	run := e.insertRun(cb, agent["id"].(string), "succeeded", 0)
	// An async import into B by its admin: alice may not read that job either.
	_, jobURL := accepted(t, e.req("POST", "/api/companies/import?async=1", map[string]any{"source": inline(map[string]any{"COMPANY.md": "---\nname: B\n---\n"}),
		"include": map[string]any{"company": false}, "target": map[string]any{"mode": "existing_company", "companyId": cb}}, as(admin)...))
	if done := pollJob(t, e.env, jobURL, as(admin)...); done["job"].(map[string]any)["status"] != "succeeded" {
		t.Fatalf("import job into B: %v", done)
	}
	ids := map[string]string{"run": run, "importJob": strings.TrimPrefix(jobURL, "/api/companies/import/jobs/"), "company": cb, "issue": issue["id"].(string), "identifier": issue["identifier"].(string),
		"agent": agent["id"].(string), "label": label["id"].(string), "comment": comment["id"].(string),
		"key": key["id"].(string), "invite": inv2["id"].(string), "joinRequest": jr["id"].(string), "member": memberID,
		"goal": str(goal["id"]), "project": str(project["id"]), "approval": str(approval["id"])}
	for k, v := range ids {
		if v == "" {
			t.Fatalf("fixture %s missing", k)
		}
	}
	before := companySnapshot(t, e.store.Path(), cb)

	count := 0
	for _, rt := range openAPIRoutes(t, e.env) {
		if rt[2] == "public" || !strings.Contains(rt[1], "{") || strings.Contains(rt[1], "{token}") {
			continue
		}
		if strings.Contains(rt[1], "claude-login") {
			continue // starts a CLI login process; not company data
		}
		for name, id := range ids {
			if name == "identifier" && !strings.HasPrefix(rt[1], "/api/issues/") {
				continue // only issues are named by identifier
			}
			if name == "importJob" && !strings.HasPrefix(rt[1], "/api/companies/import/jobs/") {
				continue // not a uuid: other routes read it as a shortname
			}
			path := pathVar.ReplaceAllStringFunc(rt[1], func(v string) string {
				if v == "{companyId}" {
					return cb
				}
				return id
			})
			r := e.req(rt[0], path, map[string]any{"title": "x", "name": "x", "body": "x"}, as(alice)...)
			count++
			// Upstream answers [] for a run the caller cannot see, exactly as for an
			// unknown one, so that answer reveals nothing either.
			hidden := rt[1] == "/api/heartbeat-runs/{runId}/issues" && r.Status == 200 && strings.TrimSpace(string(r.Body)) == "[]"
			if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound && !hidden {
				t.Errorf("%s %s with B's %s: %d %s", rt[0], path, name, r.Status, r.Body)
			}
		}
	}
	t.Logf("%d cross-company requests", count)
	if after := companySnapshot(t, e.store.Path(), cb); after != before {
		t.Fatalf("company B changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// Alice still works in her own company.
	if r := e.req("POST", "/api/companies/"+ca+"/issues", map[string]any{"title": "mine"}, as(alice)...); r.Status != 201 {
		t.Fatalf("own company: %d %s", r.Status, r.Body)
	}
}
