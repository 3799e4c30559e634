package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"paperclip/store"
)

// TestProjectRoutes: every project route and error: url keys, goals, env, archive,
// the seed workspace, tenancy.
func TestProjectRoutes(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Projects")["id"].(string)
	other := e.mustCompany("Elsewhere")["id"].(string)
	base := "/api/companies/" + cid + "/projects"
	ag := e.mustAgent(cid, map[string]any{"name": "Lead", "role": "engineer"})
	key := bearer(e.agentKey(ag["id"].(string)))
	spy := bearer(e.agentKey(e.mustAgent(other, map[string]any{"name": "Spy"})["id"].(string)))
	g1 := e.do("POST", "/api/companies/"+cid+"/goals", map[string]any{"title": "One"}).JSON()["id"].(string)
	g2 := e.do("POST", "/api/companies/"+cid+"/goals", map[string]any{"title": "Two"}).JSON()["id"].(string)
	foreignGoal := e.do("POST", "/api/companies/"+other+"/goals", map[string]any{"title": "Far"}).JSON()["id"].(string)
	foreignAgent := e.mustAgent(other, map[string]any{"name": "Far"})["id"].(string)

	r := e.do("POST", base, map[string]any{"name": "Web App", "goalIds": []string{g2, g1}, "leadAgentId": ag["id"],
		"targetDate": "2026-03-04T10:00:00Z", "icon": "rocket", "color": "#6366f1", "env": map[string]any{"API_KEY": "s3cret", "MODE": "prod"},
		"executionWorkspacePolicy": map[string]any{"enabled": true},
		"workspace":                map[string]any{"cwd": "/srv/web", "repoUrl": "https://github.com/acme/web.git"}})
	if r.Status != 201 {
		t.Fatalf("create %d %s", r.Status, r.Body)
	}
	p := r.JSON()
	pid := p["id"].(string)
	for _, want := range []string{`"urlKey":"web-app"`, `"goalId":"` + g2 + `"`, `"goalIds":["` + g2 + `","` + g1 + `"]`, `"title":"Two"`,
		`"targetDate":"2026-03-04"`, `"status":"backlog"`, `"API_KEY":{"type":"plain","value":"***REDACTED***"}`,
		`"MODE":{"type":"plain","value":"prod"}`, `"executionWorkspacePolicy":{"enabled":true}`, `"name":"web"`, `"isPrimary":true`,
		`"sourceType":"local_path"`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("create body lacks %s: %s", want, r.Body)
		}
	}
	if strings.Contains(string(r.Body), "s3cret") {
		t.Fatalf("env secret echoed: %s", r.Body)
	}
	pp := "/api/projects/"
	e.run(t, []scenario{
		{"name collision renames", "POST", base, map[string]any{"name": "web app"}, key, 201, []string{`"name":"web app 2"`, `"urlKey":"web-app-2"`}},
		{"non-ascii name", "POST", base, map[string]any{"name": "Café"}, nil, 201, []string{`"urlKey":"caf-`}},
		{"missing name", "POST", base, map[string]any{}, nil, 400, []string{`"path":["name"]`}},
		{"bad status", "POST", base, map[string]any{"name": "x", "status": "done"}, nil, 400, []string{"'backlog' | 'planned' | 'in_progress' | 'completed' | 'cancelled'"}},
		{"bad icon", "POST", base, map[string]any{"name": "x", "icon": "unicorn"}, nil, 400, []string{`"path":["icon"]`}},
		{"bad date", "POST", base, map[string]any{"name": "x", "targetDate": "soon"}, nil, 400, []string{`"path":["targetDate"]`}},
		{"bad goal uuid", "POST", base, map[string]any{"name": "x", "goalIds": []string{"g"}}, nil, 400, []string{`"path":["goalIds",0]`}},
		{"foreign goal", "POST", base, map[string]any{"name": "x", "goalIds": []string{foreignGoal}}, nil, 422, []string{"Goals must belong to same company"}},
		{"missing goal", "POST", base, map[string]any{"name": "x", "goalId": store.NewID()}, nil, 422, []string{"Goals must belong to same company"}},
		{"missing lead", "POST", base, map[string]any{"name": "x", "leadAgentId": store.NewID()}, nil, 404, []string{"Lead agent not found"}},
		{"foreign lead", "POST", base, map[string]any{"name": "x", "leadAgentId": foreignAgent}, nil, 422, []string{"Lead agent must belong to same company"}},
		{"env not object", "POST", base, map[string]any{"name": "x", "env": "A=1"}, nil, 422, []string{"env must be an object"}},
		{"env bad key", "POST", base, map[string]any{"name": "x", "env": map[string]any{"1A": "v"}}, nil, 422, []string{"Invalid environment variable name: 1A"}},
		{"env reserved", "POST", base, map[string]any{"name": "x", "env": map[string]any{"PAPERCLIP_X": "v"}}, nil, 422, []string{"Reserved environment variable: PAPERCLIP_X"}},
		{"bad seed workspace", "POST", base, map[string]any{"name": "Seedless", "workspace": map[string]any{"name": "w"}}, nil, 422, []string{"Invalid project workspace payload"}},
		{"relative seed cwd", "POST", base, map[string]any{"name": "Seedless", "workspace": map[string]any{"cwd": "rel"}}, nil, 422, []string{"Invalid project workspace payload"}},
		{"agent seed command", "POST", base, map[string]any{"name": "Seedless", "workspace": map[string]any{"cwd": "/x", "setupCommand": "rm -rf /"}}, key, 403,
			[]string{"Agent keys cannot modify host-executed workspace commands (setupCommand)."}},
		{"get by url key as agent", "GET", pp + "web-app", nil, key, 200, []string{`"id":"` + pid + `"`}},
		{"get by url key as board", "GET", pp + "web-app?companyId=" + cid, nil, nil, 200, []string{`"id":"` + pid + `"`}},
		{"url key without company", "GET", pp + "web-app", nil, nil, 422, []string{"Project shortname lookup requires companyId query parameter"}},
		{"url key unknown", "GET", pp + "nothing?companyId=" + cid, nil, nil, 404, []string{"Project not found"}},
		{"url key foreign agent", "GET", pp + "web-app?companyId=" + cid, nil, spy, 404, []string{"Project not found"}},
		{"foreign agent by id", "GET", pp + pid, nil, spy, 404, []string{"Project not found"}},
		{"foreign agent patch", "PATCH", pp + pid, map[string]any{"name": "mine"}, spy, 404, []string{"Project not found"}},
		{"missing", "GET", pp + store.NewID(), nil, nil, 404, []string{"Project not found"}},
		{"rename collision", "PATCH", pp + "web-app-2?companyId=" + cid, map[string]any{"name": "Web-App"}, nil, 409,
			[]string{"Project shortname 'web-app' is already in use in this company"}},
		{"env placeholder keeps value", "PATCH", pp + pid, map[string]any{"env": map[string]any{"API_KEY": "***REDACTED***", "EXTRA": "1"}}, nil, 200,
			[]string{`"EXTRA":{"type":"plain","value":"1"}`, `"API_KEY":{"type":"plain","value":"***REDACTED***"}`}},
		{"env placeholder unknown", "PATCH", pp + pid, map[string]any{"env": map[string]any{"NEW_SECRET": "***REDACTED***"}}, nil, 422,
			[]string{"Refusing to persist redacted placeholder for key: NEW_SECRET"}},
		{"goalId legacy", "PATCH", pp + pid, map[string]any{"goalId": g1}, key, 200, []string{`"goalIds":["` + g1 + `"]`, `"goalId":"` + g1 + `"`}},
		{"archive", "PATCH", pp + pid, map[string]any{"archivedAt": "2026-01-01T00:00:00Z", "status": "completed"}, nil, 200,
			[]string{`"archivedAt":"2026-01-01T00:00:00.000Z"`, `"status":"completed"`}},
		{"bad archivedAt", "PATCH", pp + pid, map[string]any{"archivedAt": "yesterday"}, nil, 400, []string{`"path":["archivedAt"]`}},
		{"agent delete", "DELETE", pp + pid, nil, key, 403, []string{"Board access required"}},
		{"list bad includeArchived", "GET", base + "?includeArchived=maybe", nil, nil, 400, []string{"Invalid 'includeArchived' query parameter"}},
		{"list bad status", "GET", base + "?status=zz", nil, nil, 400, []string{"invalid_enum_value"}},
		{"foreign company list", "GET", base, nil, spy, 403, []string{"Agent key cannot access another company"}},
	})
	// The stored secret survived the placeholder round trip (checked in the database: no
	// API returns it).
	stored, err := e.store.FindProjectByID(t.Context(), pid)
	if err != nil || len(stored.Env) != 2 {
		t.Fatalf("env after patch %v %v", stored.Env, err)
	}
	if l := e.do("GET", base, nil).List(); len(l) != 2 {
		t.Fatalf("default list hides archived: %d rows", len(l))
	}
	if l := e.do("GET", base+"?includeArchived=true&status=completed", nil).List(); len(l) != 1 || l[0]["id"] != pid {
		t.Fatalf("archived list %v", l)
	}
	acts := e.do("GET", "/api/companies/"+cid+"/activity?action=project.*", nil).List()
	for _, a := range acts {
		if strings.Contains(string(mustJSON(a)), "s3cret") {
			t.Fatalf("env value in activity: %v", a)
		}
	}
	created := e.do("GET", "/api/companies/"+cid+"/activity?action=project.created&entityId="+pid, nil).List()
	if d := created[0]["details"].(map[string]any); d["workspaceId"] == nil || strings.Join(toStrings(d["envKeys"]), ",") != "API_KEY,MODE" {
		t.Fatalf("project.created details %v", d)
	}
	// Delete: issues stay without project or workspace.
	is := e.mustIssue(cid, map[string]any{"title": "in project", "projectId": pid})
	if is["projectWorkspaceId"] == nil || is["goalId"] != g1 {
		t.Fatalf("issue defaults from project: %v", is)
	}
	r = e.do("DELETE", pp+pid, nil)
	if r.Status != 200 || r.JSON()["id"] != pid {
		t.Fatalf("delete %d %s", r.Status, r.Body)
	}
	got := e.do("GET", "/api/issues/"+is["id"].(string), nil).JSON()
	if got["projectId"] != nil || got["projectWorkspaceId"] != nil {
		t.Fatalf("issue after project delete %v", got)
	}
	e.run(t, []scenario{{"deleted", "GET", pp + pid, nil, nil, 404, []string{"Project not found"}}})
}

// TestProjectWorkspaces: defaults, the one-primary rule, command fields, tenancy.
func TestProjectWorkspaces(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Spaces")["id"].(string)
	ag := e.mustAgent(cid, map[string]any{"name": "Dev", "role": "engineer"})
	key := bearer(e.agentKey(ag["id"].(string)))
	other := e.mustCompany("Elsewhere")["id"].(string)
	spy := bearer(e.agentKey(e.mustAgent(other, map[string]any{"name": "Spy"})["id"].(string)))
	p := e.do("POST", "/api/companies/"+cid+"/projects", map[string]any{"name": "Core"}).JSON()
	q := e.do("POST", "/api/companies/"+cid+"/projects", map[string]any{"name": "Side"}).JSON()
	ws := "/api/projects/" + p["id"].(string) + "/workspaces"
	first := e.do("POST", ws, map[string]any{"repoUrl": "https://github.com/acme/core.git"}, key...).JSON()
	second := e.do("POST", ws, map[string]any{"cwd": "/srv/core/", "setupCommand": "make"}).JSON()
	if first["name"] != "core" || first["sourceType"] != "git_repo" || first["isPrimary"] != true ||
		second["name"] != "core" || second["sourceType"] != "local_path" || second["isPrimary"] != false || second["setupCommand"] != "make" {
		t.Fatalf("defaults: %v / %v", first, second)
	}
	f, s2 := ws+"/"+first["id"].(string), ws+"/"+second["id"].(string)
	otherWs := "/api/projects/" + q["id"].(string) + "/workspaces/" + second["id"].(string)
	e.run(t, []scenario{
		{"needs cwd or repo", "POST", ws, map[string]any{"name": "x"}, nil, 400, []string{"Workspace requires at least one of cwd or repoUrl.", `"path":["cwd"]`}},
		{"relative cwd", "POST", ws, map[string]any{"cwd": "src"}, nil, 422, []string{"Workspace cwd must be an absolute path"}},
		{"bad url", "POST", ws, map[string]any{"repoUrl": "not a url"}, nil, 400, []string{"Invalid url"}},
		{"bad source type", "POST", ws, map[string]any{"cwd": "/x", "sourceType": "ftp"}, nil, 400, []string{"invalid_enum_value"}},
		{"bad visibility", "POST", ws, map[string]any{"cwd": "/x", "visibility": "hidden"}, nil, 400, []string{"'default' | 'advanced'"}},
		{"agent command", "POST", ws, map[string]any{"cwd": "/x", "setupCommand": "a", "cleanupCommand": "b"}, key, 403,
			[]string{"Agent keys cannot modify host-executed workspace commands (setupCommand, cleanupCommand)."}},
		{"agent patch command", "PATCH", s2, map[string]any{"cleanupCommand": nil}, key, 403, []string{"(cleanupCommand)"}},
		{"primary false ignored", "PATCH", f, map[string]any{"isPrimary": false}, nil, 200, []string{`"isPrimary":true`}},
		{"promote", "PATCH", s2, map[string]any{"isPrimary": true, "name": "local"}, key, 200, []string{`"isPrimary":true`, `"name":"local"`}},
		{"clear both", "PATCH", f, map[string]any{"repoUrl": nil}, nil, 422, []string{"Invalid project workspace payload"}},
		{"patch relative", "PATCH", f, map[string]any{"cwd": "rel"}, nil, 422, []string{"Workspace cwd must be an absolute path"}},
		{"workspace of other project", "PATCH", otherWs, map[string]any{"name": "x"}, nil, 404, []string{"Project workspace not found"}},
		{"unknown workspace", "DELETE", ws + "/" + store.NewID(), nil, nil, 404, []string{"Project workspace not found"}},
		{"garbage workspace", "DELETE", ws + "/nope", nil, nil, 404, []string{"Project workspace not found"}},
		{"foreign list", "GET", ws, nil, spy, 404, []string{"Project not found"}},
		{"foreign create", "POST", ws, map[string]any{"cwd": "/x"}, spy, 404, []string{"Project not found"}},
		{"list primary first", "GET", ws, nil, nil, 200, []string{`[{"id":"` + second["id"].(string)}},
	})
	if l := e.do("GET", ws, nil).List(); len(l) != 2 || l[0]["isPrimary"] != true || l[1]["isPrimary"] != false {
		t.Fatalf("one primary: %v", l)
	}
	got := e.do("GET", "/api/projects/"+p["id"].(string), nil).JSON()
	if got["primaryWorkspace"].(map[string]any)["id"] != second["id"] || len(got["workspaces"].([]any)) != 2 {
		t.Fatalf("project view %v", got)
	}
	// Deleting the primary promotes the other.
	r := e.do("DELETE", s2, nil, key...)
	if r.Status != 200 || r.JSON()["id"] != second["id"] {
		t.Fatalf("delete %d %s", r.Status, r.Body)
	}
	if l := e.do("GET", ws, nil).List(); len(l) != 1 || l[0]["isPrimary"] != true {
		t.Fatalf("after delete %v", l)
	}
	acts := e.actions(cid, "&action=project.*")
	for action, want := range map[string]int{"project.workspace_created": 2, "project.workspace_updated": 2, "project.workspace_deleted": 1} {
		if count(acts, action) != want {
			t.Errorf("%s: %d in %v", action, count(acts, action), acts)
		}
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
