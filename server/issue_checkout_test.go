package server_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"

	"paperclip/store"
)

func TestIssueCheckoutReleaseOverHTTP(t *testing.T) {
	e := newEnv(t)
	rec := e.wakes
	cid := e.mustCompany("Claims")["id"].(string)
	dev := e.insertAgent(cid, "Dev", "engineer", "idle")
	other := e.insertAgent(cid, "Other", "engineer", "idle")
	pending := e.insertAgent(cid, "Pending", "engineer", "pending_approval")
	dead := e.insertAgent(cid, "Dead", "engineer", "terminated")
	foreign := e.insertAgent(e.mustCompany("Far")["id"].(string), "Far", "engineer", "idle")
	blocker := e.mustIssue(cid, map[string]any{"title": "blocker"})["id"].(string)
	blocked := e.mustIssue(cid, map[string]any{"title": "blocked", "blockedByIssueIds": []string{blocker}, "status": "todo"})["id"].(string)
	id := e.mustIssue(cid, map[string]any{"title": "work", "status": "todo"})["id"].(string)
	run := store.NewID()
	path := "/api/issues/" + id + "/checkout"
	body := func(agent string, statuses ...string) map[string]any {
		if len(statuses) == 0 {
			statuses = []string{"todo"}
		}
		return map[string]any{"agentId": agent, "expectedStatuses": statuses}
	}
	e.run(t, []scenario{
		{"missing body", "POST", path, map[string]any{}, nil, 400, []string{`"path":["agentId"]`, `"path":["expectedStatuses"]`}},
		{"empty statuses", "POST", path, map[string]any{"agentId": dev, "expectedStatuses": []string{}}, nil, 400, []string{"too_small"}},
		{"bad status", "POST", path, body(dev, "doing"), nil, 400, []string{"invalid_enum_value"}},
		{"closed expected", "POST", path, body(dev, "todo", "done"), nil, 422, []string{"expectedStatuses cannot include done or cancelled"}},
		{"unknown agent", "POST", path, body(store.NewID()), nil, 404, []string{"Agent not found"}},
		{"foreign agent", "POST", path, body(foreign), nil, 404, []string{"Agent not found"}},
		{"pending agent", "POST", path, body(pending), nil, 409, []string{"Cannot assign work to pending approval agents"}},
		{"terminated agent", "POST", path, body(dead), nil, 409, []string{"Cannot assign work to terminated agents"}},
		{"unresolved blockers", "POST", "/api/issues/" + blocked + "/checkout", body(dev), nil, 422, []string{"Issue is blocked by unresolved blockers", blocker}},
		{"wrong expected", "POST", path, body(dev, "backlog"), nil, 409, []string{`"error":"Issue checkout conflict"`, `"status":"todo"`}},
		{"missing issue", "POST", "/api/issues/" + store.NewID() + "/checkout", body(dev), nil, 404, []string{"Issue not found"}},
		{"claim", "POST", path, body(dev), []string{"X-Paperclip-Run-Id", run}, 200, []string{`"status":"in_progress"`, `"checkoutRunId":"` + run + `"`, `"executionAgentNameKey":"dev"`}},
		{"same run again", "POST", path, body(dev, "in_progress"), []string{"X-Paperclip-Run-Id", run}, 200, []string{`"checkoutRunId":"` + run + `"`}},
		{"other agent", "POST", path, body(other, "in_progress", "todo"), []string{"X-Paperclip-Run-Id", store.NewID()}, 409,
			[]string{"Issue checkout conflict", `"checkoutRunId":"` + run + `"`, `"assigneeAgentId":"` + dev + `"`, `"executionRunId"`}},
	})
	if w := rec.take(); !slices.Equal(w, []string{dev + ":issue_checked_out"}) {
		t.Fatalf("checkout wakes %v", w)
	}
	acts := e.do("GET", "/api/issues/"+id+"/activity", nil).List()
	n := 0
	for _, a := range acts {
		if a["action"] == "issue.checked_out" {
			n++
			if a["runId"] != run || a["details"].(map[string]any)["previousStatus"] != "todo" {
				t.Fatalf("checked_out row %v", a)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d checked_out rows (idempotent replay must write nothing)", n)
	}
	e.run(t, []scenario{
		{"force release bad flag", "POST", "/api/issues/" + id + "/admin/force-release?clearAssignee=perhaps", nil, nil, 400, []string{"clearAssignee"}},
		{"force release locks only", "POST", "/api/issues/" + id + "/admin/force-release", nil, nil, 200,
			[]string{`"previous":{"checkoutRunId":"` + run + `","executionRunId":"` + run + `"}`, `"status":"in_progress"`, `"checkoutRunId":null`}},
		{"force release clear assignee", "POST", "/api/issues/" + id + "/admin/force-release?clearAssignee=true", nil, nil, 200,
			[]string{`"status":"todo"`, `"assigneeAgentId":null`}},
		{"claim again", "POST", path, body(dev), nil, 200, []string{`"status":"in_progress"`, `"checkoutRunId":null`}},
		{"release", "POST", "/api/issues/" + id + "/release", nil, nil, 200, []string{`"status":"todo"`, `"assigneeAgentId":null`, `"executionRunId":null`}},
		{"release missing", "POST", "/api/issues/" + store.NewID() + "/release", nil, nil, 404, []string{"Issue not found"}},
	})
	kinds := map[string]bool{}
	for _, a := range e.do("GET", "/api/issues/"+id+"/activity", nil).List() {
		kinds[a["action"].(string)] = true
	}
	if !kinds["issue.released"] || !kinds["issue.admin_force_release"] {
		t.Fatalf("activity kinds %v", kinds)
	}
}

// tortureFull reports whether PAPERCLIP_TORTURE=full asks for the full-size torture
// runs (RELIABILITY.md).
func tortureFull() bool { return os.Getenv("PAPERCLIP_TORTURE") == "full" }

// insertAgents adds n idle engineers as insertAgent does, in one transaction: 600
// separately synced inserts would dominate the race test on a slow disk.
func insertAgents(t *testing.T, e *env, companyID string, n int) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.store.Path()+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(on)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const now = "2026-01-01T00:00:00.000Z"
	ids := make([]string, n)
	for i := range ids {
		ids[i] = store.NewID()
		name := fmt.Sprint("Agent ", i)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO agents (id, company_id, name, url_key, role, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'engineer', 'idle', ?, ?)`,
				[]any{ids[i], companyID, name, store.URLKey(name), now, now}},
			{`INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at)
				VALUES (?, ?, 'agent', ?, 'active', 'member', ?, ?)`, []any{store.NewID(), companyID, ids[i], now, now}},
			{`INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, created_at, updated_at)
				VALUES (?, ?, 'agent', ?, 'tasks:assign', ?, ?)`, []any{store.NewID(), companyID, ids[i], now, now}},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestCheckoutRaceOverHTTP: 200 agents, each with its own run id, check out one todo
// issue at the same moment over HTTP → exactly one 200, 199 × 409, never a 5xx, and
// the issue ends in_progress for the winner. Full size runs ten such races.
func TestCheckoutRaceOverHTTP(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Race")["id"].(string)
	const n = 200
	agents := insertAgents(t, e, cid, n)
	races := 1
	if tortureFull() {
		races = 10
	}
	for race := range races {
		id := e.mustIssue(cid, map[string]any{"title": fmt.Sprint("contested ", race), "status": "todo"})["id"].(string)
		statuses := make([]int, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				r := e.do("POST", "/api/issues/"+id+"/checkout", map[string]any{"agentId": agents[i], "expectedStatuses": []string{"todo"}},
					"X-Paperclip-Run-Id", store.NewID())
				statuses[i] = r.Status
			}(i)
		}
		close(start)
		wg.Wait()
		counts := map[int]int{}
		winner := ""
		for i, s := range statuses {
			counts[s]++
			if s == http.StatusOK {
				winner = agents[i]
			}
		}
		if counts[200] != 1 || counts[409] != n-1 {
			t.Fatalf("race %d: statuses %v", race, counts)
		}
		is := e.do("GET", "/api/issues/"+id, nil).JSON()
		if is["status"] != "in_progress" || is["assigneeAgentId"] != winner {
			t.Fatalf("race %d: issue %v %v after the race, winner %s", race, is["status"], is["assigneeAgentId"], winner)
		}
	}
}
