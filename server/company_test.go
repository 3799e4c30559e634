package server_test

import (
	"net/http"
	"strings"
	"testing"

	"paperclip/server"
)

func TestCompanyCreateAndPrefixes(t *testing.T) {
	e := newEnv(t)
	var prefixes []string
	for i := 0; i < 3; i++ {
		prefixes = append(prefixes, e.mustCompany("Acme")["issuePrefix"].(string))
	}
	if strings.Join(prefixes, ",") != "ACM,ACMA,ACMB" {
		t.Fatalf("prefixes %v", prefixes)
	}
	if p := e.mustCompany("42 !!")["issuePrefix"]; p != "CMP" {
		t.Fatalf("empty-letter name prefix %v", p)
	}
	if p := e.mustCompany("x")["issuePrefix"]; p != "X" {
		t.Fatalf("short prefix %v", p)
	}
	c := e.do("POST", "/api/companies", map[string]any{"name": "Horizon Labs", "description": "An autonomous research and marketing company", "budgetMonthlyCents": 50000})
	if c.Status != 201 {
		t.Fatalf("create: %d %s", c.Status, c.Body)
	}
	m := c.JSON()
	for k, want := range map[string]any{"name": "Horizon Labs", "issuePrefix": "HOR", "status": "active", "budgetMonthlyCents": 50000.0,
		"spentMonthlyCents": 0.0, "issueCounter": 0.0, "attachmentMaxBytes": 10485760.0, "requireBoardApprovalForNewAgents": false} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	for _, k := range []string{"logoAssetId", "logoUrl", "brandColor", "pausedAt", "pauseReason"} {
		if v, ok := m[k]; !ok || v != nil {
			t.Errorf("%s should be present and null, got %v (present %v)", k, v, ok)
		}
	}
	id := m["id"].(string)
	acts := e.do("GET", "/api/companies/"+id+"/activity", nil).List()
	actions := map[string]bool{}
	for _, a := range acts {
		actions[a["action"].(string)] = true
	}
	if !actions["company.created"] || !actions["budget.policy_upserted"] {
		t.Fatalf("activity %v", actions)
	}
}

func TestCompanyValidation(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{"missing name", "POST", "/api/companies", map[string]any{}, nil, 400, []string{`"Validation error"`, `"path":["name"]`, `"Required"`}},
		{"blank name", "POST", "/api/companies", map[string]any{"name": "   "}, nil, 400, []string{"too_small"}},
		{"name wrong type", "POST", "/api/companies", map[string]any{"name": 12}, nil, 400, []string{"Expected string, received number"}},
		{"negative budget", "POST", "/api/companies", map[string]any{"name": "A", "budgetMonthlyCents": -1}, nil, 400, []string{"budgetMonthlyCents"}},
		{"float budget", "POST", "/api/companies", map[string]any{"name": "A", "budgetMonthlyCents": 1.5}, nil, 400, []string{"Expected integer"}},
		{"bad color", "POST", "/api/companies", map[string]any{"name": "A", "brandColor": "blue"}, nil, 400, []string{"brandColor"}},
		{"attachment too big", "POST", "/api/companies", map[string]any{"name": "A", "attachmentMaxBytes": 1073741825}, nil, 400, []string{"too_big"}},
		{"malformed json", "POST", "/api/companies", `{"name":`, nil, 400, []string{`"Invalid JSON body"`}},
		{"array body", "POST", "/api/companies", `[1]`, nil, 400, []string{"Expected object, received array"}},
		{"too large", "POST", "/api/companies", `{"name":"` + strings.Repeat("a", 11<<20) + `"}`, nil, 413, []string{"Request body too large"}},
		{"unknown api route", "GET", "/api/nope", nil, nil, 404, []string{"API route not found"}},
		{"wrong method", "PUT", "/api/companies", nil, nil, 404, []string{"API route not found"}},
		{"issues guard", "GET", "/api/companies/issues", nil, nil, 400, []string{"Missing companyId in path"}},
		{"missing company", "GET", "/api/companies/00000000-0000-4000-8000-000000000000", nil, nil, 404, []string{"Company not found"}},
		{"bad run id header", "GET", "/api/companies", nil, []string{"X-Paperclip-Run-Id", "nope"}, 400, []string{"Invalid X-Paperclip-Run-Id header"}},
		{"unknown bearer", "GET", "/api/companies", nil, []string{"Authorization", "Bearer pcp_deadbeef"}, 401, []string{"Invalid or expired credentials"}},
		{"bad include archived", "GET", "/api/companies?includeArchived=maybe", nil, nil, 400, []string{"includeArchived"}},
		{"bad limit", "GET", "/api/companies?limit=0", nil, nil, 400, []string{"Invalid 'limit' query parameter"}},
	})
}

func TestCompanyPatchAndStatus(t *testing.T) {
	e := newEnv(t)
	c := e.mustCompany("Horizon Labs")
	id := c["id"].(string)
	r := e.do("PATCH", "/api/companies/"+id, map[string]any{"name": "Horizon", "description": "Updated", "budgetMonthlyCents": 75000,
		"status": "active", "brandColor": "#2563eb", "spentMonthlyCents": 999, "unknownKey": 1})
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	m := r.JSON()
	if m["name"] != "Horizon" || m["budgetMonthlyCents"] != 75000.0 || m["brandColor"] != "#2563eb" || m["spentMonthlyCents"] != 0.0 || m["issuePrefix"] != "HOR" {
		t.Fatalf("patched company %v", m)
	}
	// Paused, then reactivated.
	m = e.do("PATCH", "/api/companies/"+id, map[string]any{"status": "paused"}).JSON()
	if m["status"] != "paused" || m["pauseReason"] != "manual" || m["pausedAt"] == nil {
		t.Fatalf("paused: %v", m)
	}
	m = e.do("PATCH", "/api/companies/"+id, map[string]any{"status": "active"}).JSON()
	if m["status"] != "active" || m["pauseReason"] != nil {
		t.Fatalf("reactivated: %v", m)
	}
	// Feedback sharing consent stamping.
	m = e.do("PATCH", "/api/companies/"+id, map[string]any{"feedbackDataSharingEnabled": true}).JSON()
	if m["feedbackDataSharingConsentAt"] == nil || m["feedbackDataSharingConsentByUserId"] != "local-board" || m["feedbackDataSharingTermsVersion"] != "feedback-data-sharing-v1" {
		t.Fatalf("consent: %v", m)
	}
	e.run(t, []scenario{
		{"bad status", "PATCH", "/api/companies/" + id, map[string]any{"status": "gone"}, nil, 400, []string{"invalid_enum_value"}},
		{"null name", "PATCH", "/api/companies/" + id, map[string]any{"name": nil}, nil, 400, []string{"name"}},
		{"logo missing", "PATCH", "/api/companies/" + id, map[string]any{"logoAssetId": "11111111-1111-4111-8111-111111111111"}, nil, 404, []string{"Logo asset not found"}},
		{"logo not uuid", "PATCH", "/api/companies/" + id, map[string]any{"logoAssetId": "x"}, nil, 400, []string{"Invalid uuid"}},
		{"branding empty", "PATCH", "/api/companies/" + id + "/branding", map[string]any{}, nil, 400, []string{"At least one branding field must be provided"}},
		{"branding strict", "PATCH", "/api/companies/" + id + "/branding", map[string]any{"status": "paused"}, nil, 400, []string{"unrecognized_keys"}},
		{"branding ok", "PATCH", "/api/companies/" + id + "/branding", map[string]any{"brandColor": "#000000"}, nil, 200, []string{`"brandColor":"#000000"`}},
		{"patch missing company", "PATCH", "/api/companies/00000000-0000-4000-8000-000000000000", map[string]any{"name": "x"}, nil, 404, []string{"Company not found"}},
	})
	acts := e.do("GET", "/api/companies/"+id+"/activity?action=company.*", nil).List()
	seen := map[string]int{}
	for _, a := range acts {
		seen[a["action"].(string)]++
	}
	if seen["company.updated"] < 3 || seen["company.reactivated"] != 1 || seen["company.budget_updated"] != 1 || seen["company.branding_updated"] != 1 {
		t.Fatalf("activity counts %v", seen)
	}
}

func TestCompanyListArchiveAndStats(t *testing.T) {
	e := newEnv(t)
	a := e.mustCompany("Alpha")
	b := e.mustCompany("Beta")
	r := e.do("POST", "/api/companies/"+b["id"].(string)+"/archive", nil)
	if r.Status != 200 || r.JSON()["status"] != "archived" {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	// Archiving again is a no-op: same answer, no new activity.
	before := len(e.do("GET", "/api/companies/"+b["id"].(string)+"/activity", nil).List())
	if r := e.do("POST", "/api/companies/"+b["id"].(string)+"/archive", nil); r.Status != 200 {
		t.Fatalf("re-archive: %d", r.Status)
	}
	if after := len(e.do("GET", "/api/companies/"+b["id"].(string)+"/activity", nil).List()); after != before {
		t.Fatalf("re-archive wrote activity: %d -> %d", before, after)
	}
	list := e.do("GET", "/api/companies", nil).List()
	if len(list) != 1 || list[0]["id"] != a["id"] {
		t.Fatalf("default list %v", list)
	}
	if all := e.do("GET", "/api/companies?includeArchived=true", nil).List(); len(all) != 2 {
		t.Fatalf("includeArchived list has %d", len(all))
	}
	if pg := e.do("GET", "/api/companies?includeArchived=1&limit=1&offset=1", nil).List(); len(pg) != 1 || pg[0]["id"] != b["id"] {
		t.Fatalf("paged list %v", pg)
	}
	stats := e.do("GET", "/api/companies/stats", nil).JSON()
	if len(stats) != 2 {
		t.Fatalf("stats %v", stats)
	}
	if st := stats[a["id"].(string)].(map[string]any); st["agentCount"] != 0.0 || st["issueCount"] != 0.0 {
		t.Fatalf("stats entry %v", st)
	}
}

func TestCompanyDelete(t *testing.T) {
	e := newEnv(t)
	c := e.mustCompany("Doomed")
	id := c["id"].(string)
	up := e.upload("/api/companies/"+id+"/logo", "file", "logo.png", "image/png", pngBytes, nil)
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	assetPath := up.JSON()["contentPath"].(string)
	if r := e.do("DELETE", "/api/companies/"+id, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"ok":true`) {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	e.run(t, []scenario{
		{"gone", "GET", "/api/companies/" + id, nil, nil, 404, []string{"Company not found"}},
		{"asset gone", "GET", assetPath, nil, nil, 404, []string{"Asset not found"}},
		{"activity gone", "GET", "/api/companies/" + id + "/activity", nil, nil, 404, []string{"Company not found"}},
		{"delete again", "DELETE", "/api/companies/" + id, nil, nil, 404, []string{"Company not found"}},
	})
	if fileExists(e.cfg.StorageDir + "/" + id) {
		t.Fatal("company storage dir survived delete")
	}

	off := newEnv(t, func(c *server.Config) { c.CompanyDeletionEnabled = false })
	id2 := off.mustCompany("Kept")["id"].(string)
	off.run(t, []scenario{
		{"deletion disabled", "DELETE", "/api/companies/" + id2, nil, nil, 403, []string{"Company deletion is disabled on this instance", `"code":"company_deletion_disabled"`}},
	})
}

func TestHostAndOriginGuards(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/health", nil)
	req.Host = "evil.example:3100"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Fatalf("foreign Host got %d", res.StatusCode)
	}
	e.run(t, []scenario{
		{"cross-site mutation", "POST", "/api/companies", map[string]any{"name": "X"}, []string{"Origin", "https://evil.example"}, 403, []string{"Board mutation requires trusted browser origin"}},
		{"same-origin mutation", "POST", "/api/companies", map[string]any{"name": "X"}, []string{"Origin", e.srv.URL}, 201, nil},
		{"cross-site read allowed", "GET", "/api/companies", nil, []string{"Origin", "https://evil.example"}, 200, nil},
	})
}

func TestHealthAndUI(t *testing.T) {
	e := newEnv(t)
	h := e.do("GET", "/api/health", nil)
	m := h.JSON()
	if h.Status != 200 || m["status"] != "ok" || m["deploymentMode"] != "local_trusted" || m["version"] != "test" || m["paths"] == nil {
		t.Fatalf("health %d %s", h.Status, h.Body)
	}
	if bk := m["databaseBackup"].(map[string]any); bk["status"] != "warning" {
		t.Fatalf("no backups yet should warn: %v", bk)
	}
	for _, p := range []string{"/", "/some/client/route"} {
		r := e.do("GET", p, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "<title>Paperclip</title>") {
			t.Fatalf("UI %s: %d", p, r.Status)
		}
	}
	doc := e.do("GET", "/api/openapi.json", nil).JSON()
	paths := doc["paths"].(map[string]any)
	if _, ok := paths["/api/companies/{companyId}"]; !ok {
		t.Fatalf("openapi lacks company route: %v", paths)
	}
}

func TestActivityFiltersAndManualEntry(t *testing.T) {
	e := newEnv(t)
	id := e.mustCompany("Audit")["id"].(string)
	r := e.do("POST", "/api/companies/"+id+"/activity", map[string]any{"actorId": "ci", "action": "deploy.finished",
		"entityType": "company", "entityId": id, "details": map[string]any{"apiKey": "sk-live-123", "ok": true}},
		"X-Paperclip-Run-Id", "6f1f5a4e-4d8c-4b59-9a57-0a5b8a3b1c11")
	if r.Status != 201 {
		t.Fatalf("manual activity: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), "sk-live-123") || !strings.Contains(string(r.Body), "***REDACTED***") {
		t.Fatalf("secret not redacted: %s", r.Body)
	}
	if r.JSON()["runId"] != "6f1f5a4e-4d8c-4b59-9a57-0a5b8a3b1c11" {
		t.Fatalf("run id not stamped: %s", r.Body)
	}
	e.run(t, []scenario{
		{"prefix filter", "GET", "/api/companies/" + id + "/activity?action=deploy.*", nil, nil, 200, []string{"deploy.finished"}},
		{"exact filter excludes", "GET", "/api/companies/" + id + "/activity?action=company.created", nil, nil, 200, []string{"company.created"}},
		{"run filter", "GET", "/api/companies/" + id + "/activity?runId=6f1f5a4e-4d8c-4b59-9a57-0a5b8a3b1c11", nil, nil, 200, []string{"deploy.finished"}},
		{"bad from", "GET", "/api/companies/" + id + "/activity?from=yesterday", nil, nil, 400, []string{"Invalid from query value"}},
		{"missing fields", "POST", "/api/companies/" + id + "/activity", map[string]any{"actorId": "x"}, nil, 400, []string{`"path":["action"]`}},
		{"foreign agent", "POST", "/api/companies/" + id + "/activity", map[string]any{"actorId": "x", "action": "a", "entityType": "b", "entityId": "c",
			"agentId": "11111111-1111-4111-8111-111111111111"}, nil, 422, []string{"Agent does not belong to company"}},
	})
	list := e.do("GET", "/api/companies/"+id+"/activity?action=company.created", nil).List()
	if len(list) != 1 {
		t.Fatalf("exact filter returned %d rows", len(list))
	}
}

func TestFeedbackTracesQuery(t *testing.T) {
	e := newEnv(t)
	id := e.mustCompany("Fb")["id"].(string)
	e.run(t, []scenario{
		{"empty", "GET", "/api/companies/" + id + "/feedback-traces", nil, nil, 200, []string{"[]"}},
		{"bad vote", "GET", "/api/companies/" + id + "/feedback-traces?vote=meh", nil, nil, 400, []string{"Validation error"}},
		{"bad target", "GET", "/api/companies/" + id + "/feedback-traces?targetType=x", nil, nil, 400, []string{"Validation error"}},
		{"bad to", "GET", "/api/companies/" + id + "/feedback-traces?to=nope", nil, nil, 400, []string{"Invalid to query value"}},
		{"filters ok", "GET", "/api/companies/" + id + "/feedback-traces?vote=up&status=local_only&sharedOnly=true&includePayload=1", nil, nil, 200, []string{"[]"}},
	})
}
