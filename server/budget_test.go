package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBudgetHardStopEndToEnd is the budget story over HTTP with a real agent key: the
// board sets an agent budget, the agent reports costs past it and is stopped by the
// system (paused, its run cancelled, an override approval opened), its checkout is
// refused by the invocation gate, the board raises the budget through the incident, and
// the agent works again. The dashboard and reports add up along the way.
func TestBudgetHardStopEndToEnd(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Thrifty")["id"].(string)
	ag := e.mustAgent(cid, map[string]any{"name": "Spender", "role": "engineer"})
	aid := ag["id"].(string)
	key := e.agentKey(aid)
	run := e.insertRun(cid, aid, "running", -1)
	as := append(bearer(key), "X-Paperclip-Run-Id", run)
	issue := e.mustIssue(cid, map[string]any{"title": "Expensive work", "status": "todo"})
	iid := issue["id"].(string)
	now := time.Now().UTC().Format(time.RFC3339)
	cost := func(cents int) map[string]any {
		return map[string]any{"agentId": aid, "provider": "anthropic", "model": "claude", "costCents": cents,
			"occurredAt": now, "inputTokens": 100, "outputTokens": 10, "billingType": "metered_api", "issueId": iid}
	}

	e.run(t, []scenario{
		{"board sets the budget", "PATCH", "/api/agents/" + aid + "/budgets", map[string]any{"budgetMonthlyCents": 1000}, nil, 200, []string{`"budgetMonthlyCents":1000`}},
		{"agent cannot set budgets", "PATCH", "/api/agents/" + aid + "/budgets", map[string]any{"budgetMonthlyCents": 9999}, as, 403, nil},
		{"agent reports someone else's cost", "POST", "/api/companies/" + cid + "/cost-events", map[string]any{"agentId": "00000000-0000-4000-8000-000000000000",
			"provider": "x", "model": "y", "costCents": 1, "occurredAt": now}, as, 403, []string{"Agent can only report its own costs"}},
		{"bad cost body", "POST", "/api/companies/" + cid + "/cost-events", map[string]any{"agentId": aid, "costCents": -1}, as, 400, []string{"Validation error"}},
		{"agent reports 800", "POST", "/api/companies/" + cid + "/cost-events", cost(800), as, 201, []string{`"costCents":800`, `"heartbeatRunId":"` + run}},
	})
	ov := e.do("GET", "/api/companies/"+cid+"/budgets/overview", nil).JSON()
	incidents := ov["activeIncidents"].([]any)
	if len(incidents) != 1 || incidents[0].(map[string]any)["thresholdType"] != "soft" {
		t.Fatalf("soft warning at 80%%: %v", ov)
	}
	if got := e.do("GET", "/api/agents/"+aid, nil).JSON(); got["status"] == "paused" || got["spentMonthlyCents"] != float64(800) {
		t.Fatalf("after 800 of 1000: %v", got)
	}

	e.run(t, []scenario{
		{"agent reports 300 more", "POST", "/api/companies/" + cid + "/cost-events", cost(300), as, 201, nil},
	})
	got := e.do("GET", "/api/agents/"+aid, nil).JSON()
	if got["status"] != "paused" || got["pauseReason"] != "budget" || got["spentMonthlyCents"] != float64(1100) {
		t.Fatalf("agent not stopped: %v", got)
	}
	if r := e.do("GET", "/api/heartbeat-runs/"+run, nil).JSON(); r["status"] != "cancelled" || r["error"] != "Cancelled due to budget pause" {
		t.Fatalf("live run not cancelled: %v", r)
	}
	ov = e.do("GET", "/api/companies/"+cid+"/budgets/overview", nil).JSON()
	var hard map[string]any
	for _, x := range ov["activeIncidents"].([]any) {
		if m := x.(map[string]any); m["thresholdType"] == "hard" {
			hard = m
		} else {
			t.Errorf("soft incident still open after the hard stop: %v", m)
		}
	}
	if hard == nil || hard["approvalId"] == nil || hard["amountObserved"] != float64(1100) || ov["pausedAgentCount"] != float64(1) || ov["pendingApprovalCount"] != float64(1) {
		t.Fatalf("overview after hard stop: %v", ov)
	}
	pol := ov["policies"].([]any)[0].(map[string]any)
	if pol["status"] != "hard_stop" || pol["remainingAmount"] != float64(0) || pol["utilizationPercent"] != float64(110) || pol["paused"] != true {
		t.Fatalf("policy summary: %v", pol)
	}
	dash := e.do("GET", "/api/companies/"+cid+"/dashboard", nil).JSON()
	if dash["budgets"].(map[string]any)["pausedAgents"] != float64(1) || dash["costs"].(map[string]any)["monthSpendCents"] != float64(1100) ||
		dash["pendingApprovals"] != float64(1) || dash["agents"].(map[string]any)["paused"] != float64(1) {
		t.Fatalf("dashboard: %v", dash)
	}

	// Wakes of the stopped agent are refused too.
	// The budget gate answers, not the invokable one: the pause is the budget's.
	if r := e.do("POST", "/api/agents/"+aid+"/wakeup", map[string]any{"source": "on_demand"}); r.Status != 409 ||
		!strings.Contains(string(r.Body), `"error":"Agent is paused because its budget hard-stop was reached."`) ||
		!strings.Contains(string(r.Body), `"code":"budget_blocked"`) || !strings.Contains(string(r.Body), `"scopeType":"agent"`) {
		t.Fatalf("wake of a budget-stopped agent: %d %s", r.Status, r.Body)
	}

	run2 := e.insertRun(cid, aid, "running", -1)
	as2 := append(bearer(key), "X-Paperclip-Run-Id", run2)
	checkout := map[string]any{"agentId": aid, "expectedStatuses": []string{"todo"}}
	incidentPath := "/api/companies/" + cid + "/budget-incidents/" + hard["id"].(string) + "/resolve"
	e.run(t, []scenario{
		{"checkout refused by the gate", "POST", "/api/issues/" + iid + "/checkout", checkout, as2, 409,
			[]string{"Agent is paused because its budget hard-stop was reached.", `"code":"budget_blocked"`, `"scopeType":"agent"`}},
		{"agent cannot resolve", "POST", incidentPath, map[string]any{"action": "raise_budget_and_resume", "amount": 5000}, as2, 403, nil},
		{"raise needs an amount", "POST", incidentPath, map[string]any{"action": "raise_budget_and_resume"}, nil, 400, []string{"amount is required when raising a budget"}},
		{"raise must exceed spend", "POST", incidentPath, map[string]any{"action": "raise_budget_and_resume", "amount": 1100}, nil, 422, []string{"New budget must exceed current observed spend"}},
		{"unknown incident", "POST", "/api/companies/" + cid + "/budget-incidents/00000000-0000-4000-8000-000000000000/resolve", map[string]any{"action": "keep_paused"}, nil, 404, []string{"Budget incident not found"}},
		{"board raises the budget", "POST", incidentPath, map[string]any{"action": "raise_budget_and_resume", "amount": 5000, "decisionNote": "worth it"}, nil, 200, []string{`"status":"resolved"`}},
		{"resolving twice", "POST", incidentPath, map[string]any{"action": "keep_paused"}, nil, 409, []string{"Budget incident is not open"}},
		{"agent works again", "POST", "/api/issues/" + iid + "/checkout", checkout, as2, 200, []string{`"status":"in_progress"`}},
	})
	if r := e.do("POST", "/api/agents/"+aid+"/wakeup", map[string]any{"source": "on_demand"}); r.Status != 202 {
		t.Fatalf("wake of the resumed agent: %d %s", r.Status, r.Body)
	}
	got = e.do("GET", "/api/agents/"+aid, nil).JSON()
	if got["status"] != "idle" || got["pauseReason"] != nil || got["budgetMonthlyCents"] != float64(5000) {
		t.Fatalf("agent after raise: %v", got)
	}
	ov = e.do("GET", "/api/companies/"+cid+"/budgets/overview", nil).JSON()
	if len(ov["activeIncidents"].([]any)) != 0 || ov["pendingApprovalCount"] != float64(0) {
		t.Fatalf("overview after raise: %v", ov)
	}

	// The reports tell the same story: 1 100 cents, one agent, one provider row, one run.
	sum := e.do("GET", "/api/companies/"+cid+"/costs/summary", nil).JSON()
	if sum["spendCents"] != float64(1100) {
		t.Fatalf("summary %v", sum)
	}
	byAgent := e.do("GET", "/api/companies/"+cid+"/costs/by-agent", nil).List()
	if len(byAgent) != 1 || byAgent[0]["costCents"] != float64(1100) || byAgent[0]["apiRunCount"] != float64(1) || byAgent[0]["inputTokens"] != float64(200) {
		t.Fatalf("by-agent %v", byAgent)
	}
	if ic := e.do("GET", "/api/issues/"+iid+"/cost-summary", nil).JSON(); ic["costCents"] != float64(1100) || ic["issueCount"] != float64(1) {
		t.Fatalf("issue cost summary %v", ic)
	}
	acts := map[string]int{}
	for _, a := range e.do("GET", "/api/companies/"+cid+"/activity?action=budget.*", nil).List() {
		acts[a["action"].(string)]++
	}
	for _, want := range []string{"budget.soft_threshold_crossed", "budget.hard_threshold_crossed", "budget.incident_resolved", "budget.policy_upserted"} {
		if acts[want] == 0 {
			t.Errorf("activity lacks %s: %v", want, acts)
		}
	}
}

// TestBudgetKeepPausedAndCompanyStop covers the other resolution and a company-wide
// stop: keep_paused leaves the agent paused, and a company over its budget refuses the
// work of every agent until PATCH /companies/{id}/budgets raises it.
func TestBudgetKeepPausedAndCompanyStop(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Capped")["id"].(string)
	a1 := e.mustAgent(cid, map[string]any{"name": "One", "role": "engineer"})["id"].(string)
	now := time.Now().UTC().Format(time.RFC3339)
	post := func(cents int) resp {
		return e.do("POST", "/api/companies/"+cid+"/cost-events", map[string]any{"agentId": a1, "provider": "openai", "model": "gpt",
			"costCents": cents, "occurredAt": now})
	}
	if r := e.do("PATCH", "/api/companies/"+cid+"/budgets", map[string]any{"budgetMonthlyCents": 500}); r.Status != 200 || r.JSON()["budgetMonthlyCents"] != float64(500) {
		t.Fatalf("company budget: %d %s", r.Status, r.Body)
	}
	if r := post(600); r.Status != http.StatusCreated {
		t.Fatalf("cost: %d %s", r.Status, r.Body)
	}
	c := e.do("GET", "/api/companies/"+cid, nil).JSON()
	if c["status"] != "paused" || c["pauseReason"] != "budget" || c["spentMonthlyCents"] != float64(600) {
		t.Fatalf("company not stopped: %v", c)
	}
	badges := e.do("GET", "/api/companies/"+cid+"/sidebar-badges", nil).JSON()
	if badges["approvals"] != float64(1) || badges["inbox"] != float64(2) { // the approval + the budget alert
		t.Fatalf("badges %v", badges)
	}
	ov := e.do("GET", "/api/companies/"+cid+"/budgets/overview", nil).JSON()
	inc := ov["activeIncidents"].([]any)[0].(map[string]any)
	r := e.do("POST", "/api/companies/"+cid+"/budget-incidents/"+inc["id"].(string)+"/resolve", map[string]any{"action": "keep_paused"})
	if r.Status != 200 || r.JSON()["status"] != "dismissed" {
		t.Fatalf("keep_paused: %d %s", r.Status, r.Body)
	}
	if c := e.do("GET", "/api/companies/"+cid, nil).JSON(); c["status"] != "paused" {
		t.Fatalf("keep_paused resumed the company: %v", c)
	}
	if r := e.do("PATCH", "/api/companies/"+cid+"/budgets", map[string]any{"budgetMonthlyCents": 10000}); r.Status != 200 {
		t.Fatalf("raise: %d %s", r.Status, r.Body)
	}
	if c := e.do("GET", "/api/companies/"+cid, nil).JSON(); c["status"] != "active" || c["pauseReason"] != nil {
		t.Fatalf("raising the budget did not resume: %v", c)
	}
	e.run(t, []scenario{
		{"policy scope of another company", "POST", "/api/companies/" + cid + "/budgets/policies", map[string]any{"scopeType": "agent",
			"scopeId": "00000000-0000-4000-8000-000000000000", "amount": 5}, nil, 422, []string{"Budget scope does not belong to company"}},
		{"policy upsert", "POST", "/api/companies/" + cid + "/budgets/policies", map[string]any{"scopeType": "agent", "scopeId": a1,
			"amount": 700, "warnPercent": 50, "windowKind": "lifetime"}, nil, 200, []string{`"status":"warning"`, `"observedAmount":600`, `"windowKind":"lifetime"`}},
		{"bad warnPercent", "POST", "/api/companies/" + cid + "/budgets/policies", map[string]any{"scopeType": "company", "scopeId": cid,
			"amount": 700, "warnPercent": 100}, nil, 400, nil},
		{"bad report date", "GET", "/api/companies/" + cid + "/costs/by-provider?from=yesterday", nil, nil, 400, []string{"invalid 'from' date"}},
	})
}
