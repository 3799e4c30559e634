package server_test

import (
	"strings"
	"testing"
	"time"

	"paperclip/store"
)

// TestInstanceSettings reads the defaults, patches each section with the strictness its
// route promises, and checks the merge, the validation messages and the activity rows.
func TestInstanceSettings(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Settled")["id"].(string)
	ag := e.mustAgent(cid, map[string]any{"name": "Nosy", "role": "engineer"})
	key := e.agentKey(ag["id"].(string))
	e.run(t, []scenario{
		{"defaults", "GET", "/api/instance/settings", nil, nil, 200, []string{`"feedbackDataSharingPreference":"prompt"`,
			`"backupRetention":{"dailyDays":7,"weeklyWeeks":4,"monthlyMonths":1}`, `"enableStreamlinedLeftNavigation":true`}},
		{"agents are refused", "GET", "/api/instance/settings/general", nil, bearer(key), 403, []string{"Board access required"}},
		{"bad retention", "PATCH", "/api/instance/settings/general", map[string]any{"backupRetention": map[string]any{"dailyDays": 5}}, nil, 400,
			[]string{"dailyDays must be one of: 3, 7, 14"}},
		{"general is strict", "PATCH", "/api/instance/settings/general", map[string]any{"bogus": true}, nil, 400, []string{"Unrecognized key"}},
		{"booleans are strict", "PATCH", "/api/instance/settings/general", map[string]any{"keyboardShortcuts": "yes"}, nil, 400, []string{"Expected boolean"}},
		{"bad preference", "PATCH", "/api/instance/settings/general", map[string]any{"feedbackDataSharingPreference": "sure"}, nil, 400, nil},
		{"patch general", "PATCH", "/api/instance/settings/general", map[string]any{"censorUsernameInLogs": true,
			"backupRetention": map[string]any{"weeklyWeeks": 2}}, nil, 200,
			[]string{`"censorUsernameInLogs":true`, `"backupRetention":{"dailyDays":7,"weeklyWeeks":2,"monthlyMonths":1}`}},
		{"experimental drops unknown keys", "PATCH", "/api/instance/settings/experimental", map[string]any{"enableGoalsSidebarLink": true, "future": 1}, nil, 200,
			[]string{`"enableGoalsSidebarLink":true`}},
		{"whole form is strict", "PATCH", "/api/instance/settings", map[string]any{"defaultEnvironmentId": "x"}, nil, 400, []string{"Unrecognized key"}},
		{"whole form", "PATCH", "/api/instance/settings", map[string]any{"general": map[string]any{"keyboardShortcuts": true}}, nil, 200,
			[]string{`"keyboardShortcuts":true`, `"censorUsernameInLogs":true`, `"enableGoalsSidebarLink":true`}},
		{"not an object", "PATCH", "/api/instance/settings/experimental", "[]", nil, 400, nil},
	})
	acts := e.do("GET", "/api/companies/"+cid+"/activity?entityType=instance_settings", nil).List()
	byAction := map[string]map[string]any{}
	for _, a := range acts {
		byAction[a["action"].(string)] = a["details"].(map[string]any)
	}
	if len(acts) != 3 || byAction["instance.settings.general_updated"]["general.censorUsernameInLogs"] != true ||
		byAction["instance.settings.experimental_updated"]["experimental.enableGoalsSidebarLink"] != true ||
		byAction["instance.settings.updated"]["general.keyboardShortcuts"] != true {
		t.Fatalf("settings activity %v", acts)
	}
}

// TestDashboardShapeAndRunActivity checks every dashboard field against rows made for
// it, including a failed run that a retry recovered, and the evaluations queue.
func TestDashboardShapeAndRunActivity(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Dash")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Worker", "role": "engineer"})["id"].(string)
	b := e.mustAgent(cid, map[string]any{"name": "Broken", "role": "engineer"})["id"].(string)
	e.rawExec(`UPDATE agents SET status = 'error' WHERE id = ?`, b)
	for _, st := range []string{"todo", "in_progress", "blocked", "done", "in_review"} {
		e.mustIssue(cid, map[string]any{"title": "Issue " + st, "status": st, "assigneeAgentId": a})
	}
	failed := e.insertRun(cid, a, "failed", time.Minute)
	retry := e.insertRun(cid, a, "succeeded", 0)
	e.rawExec(`UPDATE heartbeat_runs SET retry_of_run_id = ? WHERE id = ?`, failed, retry)
	lost := e.insertRun(cid, b, "timed_out", 0)
	e.rawExec(`UPDATE heartbeat_runs SET error_code = 'timeout' WHERE id = ?`, lost)
	e.insertRun(cid, a, "queued", -1)

	d := e.do("GET", "/api/companies/"+cid+"/dashboard", nil).JSON()
	agents, tasks := d["agents"].(map[string]any), d["tasks"].(map[string]any)
	if agents["active"] != float64(1) || agents["error"] != float64(1) || tasks["open"] != float64(4) || tasks["inProgress"] != float64(1) ||
		tasks["blocked"] != float64(1) || tasks["done"] != float64(1) {
		t.Fatalf("dashboard counts %v", d)
	}
	days := d["runActivity"].([]any)
	today := days[len(days)-1].(map[string]any)
	if len(days) != 14 || today["date"] != time.Now().UTC().Format("2006-01-02") {
		t.Fatalf("run activity days %v", days)
	}
	if today["succeeded"] != float64(1) || today["recovered"] != float64(1) || today["failed"] != float64(1) || today["other"] != float64(1) ||
		today["total"] != float64(4) || today["failedByErrorCode"].(map[string]any)["timeout"] != float64(1) {
		t.Fatalf("today %v", today)
	}
	badges := e.do("GET", "/api/companies/"+cid+"/sidebar-badges", nil).JSON()
	// Broken's latest run timed out: one failed-run badge, and no separate error alert.
	if badges["failedRuns"] != float64(1) || badges["inbox"] != float64(1) || badges["joinRequests"] != float64(0) {
		t.Fatalf("badges %v", badges)
	}
	queue := e.do("GET", "/api/companies/"+cid+"/evaluations/review-queue", nil).List()
	if len(queue) != 1 || queue[0]["status"] != "in_review" || queue[0]["waitingSince"] == nil {
		t.Fatalf("review queue %v", queue)
	}
	sum := e.do("GET", "/api/companies/"+cid+"/evaluations/summary", nil).JSON()
	if sum["inReviewCount"] != float64(1) || sum["oldestWaitingSince"] == nil {
		t.Fatalf("evaluation summary %v", sum)
	}
	e.run(t, []scenario{
		{"unknown company", "GET", "/api/companies/00000000-0000-4000-8000-000000000000/dashboard", nil, nil, 404, []string{"Company not found"}},
		{"bad summary range", "GET", "/api/companies/" + cid + "/evaluations/summary?to=soon", nil, nil, 400, []string{"invalid 'to' date"}},
	})
}

// TestEvaluationCountsStatusMoves completes and reopens an issue through the API and
// reads the moves back from the summary.
func TestEvaluationCountsStatusMoves(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Evals")["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Doer", "role": "engineer"})["id"].(string)
	id := e.mustIssue(cid, map[string]any{"title": "Ship it", "status": "todo", "assigneeAgentId": a})["id"].(string)
	for _, st := range []string{"in_progress", "in_review", "done", "todo", "in_progress", "in_review"} {
		if r := e.do("PATCH", "/api/issues/"+id, map[string]any{"status": st}); r.Status != 200 {
			t.Fatalf("to %s: %d %s", st, r.Status, r.Body)
		}
	}
	sum := e.do("GET", "/api/companies/"+cid+"/evaluations/summary", nil).JSON()
	if sum["completedIssues"] != float64(1) || sum["reopenedIssues"] != float64(1) || sum["inReviewCount"] != float64(1) {
		t.Fatalf("summary %v", sum)
	}
}

// TestActivityFeedIsAppendOnlyAndFilters pages and filters the feed, and checks that no
// route can change or remove a row.
func TestActivityFeedIsAppendOnlyAndFilters(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Audit")["id"].(string)
	for i := 0; i < 5; i++ {
		r := e.do("POST", "/api/companies/"+cid+"/activity", map[string]any{"actorId": "ci", "action": "deploy.finished",
			"entityType": "deploy", "entityId": "d" + string(rune('0'+i)), "details": map[string]any{"apiKey": "sk-live-123", "n": i}})
		if r.Status != 201 {
			t.Fatalf("manual entry: %d %s", r.Status, r.Body)
		}
	}
	all := e.do("GET", "/api/companies/"+cid+"/activity?action=deploy.*", nil).List()
	if len(all) != 5 || all[0]["entityId"] != "d4" || all[4]["entityId"] != "d0" || strings.Contains(string(e.do("GET", "/api/companies/"+cid+"/activity", nil).Body), "sk-live-123") {
		t.Fatalf("feed %v", all)
	}
	page := e.do("GET", "/api/companies/"+cid+"/activity?action=deploy.finished&limit=2&offset=2", nil).List()
	// Rows written in one millisecond keep a stable order (createdAt, then id), so a page
	// is exactly that slice of the full list.
	if len(page) != 2 || page[0]["id"] != all[2]["id"] || page[1]["id"] != all[3]["id"] {
		t.Fatalf("page %v", page)
	}
	one := e.do("GET", "/api/companies/"+cid+"/activity?entityType=deploy&entityId=d3&actorType=system&actorId=ci", nil).List()
	if len(one) != 1 {
		t.Fatalf("entity filter %v", one)
	}
	future := store.FormatTime(time.Now().Add(time.Hour))
	if got := e.do("GET", "/api/companies/"+cid+"/activity?from="+future, nil).List(); len(got) != 0 {
		t.Fatalf("from filter %v", got)
	}
	e.run(t, []scenario{
		{"bad from", "GET", "/api/companies/" + cid + "/activity?from=yesterday", nil, nil, 400, []string{"Invalid from query value"}},
		{"no update route", "PATCH", "/api/companies/" + cid + "/activity", map[string]any{}, nil, 404, nil},
		{"no delete route", "DELETE", "/api/companies/" + cid + "/activity", nil, nil, 404, nil},
	})
	doc := e.do("GET", "/api/openapi.json", nil).JSON()
	for p, ops := range doc["paths"].(map[string]any) {
		if !strings.Contains(p, "activity") {
			continue
		}
		for m := range ops.(map[string]any) {
			if m != "get" && m != "post" {
				t.Errorf("activity route %s %s can change the trail", m, p)
			}
		}
	}
}
