package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paperclip/store"
)

func TestWakeupRoutes(t *testing.T) {
	e := newEnv(t)
	c := e.mustCompany("Wakers")
	cid := c["id"].(string)
	a := e.mustAgent(cid, map[string]any{"name": "Runner", "adapterType": "process", "adapterConfig": map[string]any{"command": "true"}})
	b := e.mustAgent(cid, map[string]any{"name": "Other", "adapterType": "process"})
	aid, bid := a["id"].(string), b["id"].(string)
	keyA := e.agentKey(aid)

	first := e.do(http.MethodPost, "/api/agents/"+aid+"/wakeup", map[string]any{"reason": "go", "idempotencyKey": "k1"})
	if first.Status != http.StatusAccepted || first.JSON()["status"] != "queued" || first.JSON()["invocationSource"] != "on_demand" {
		t.Fatalf("wakeup: %d %s", first.Status, first.Body)
	}
	runID := first.JSON()["id"].(string)
	e.run(t, []scenario{
		{name: "invoke merges into the live run", method: http.MethodPost, path: "/api/agents/" + aid + "/heartbeat/invoke",
			status: http.StatusAccepted, contains: []string{`"id":"` + runID + `"`}},
		{name: "idempotency key returns the same run", method: http.MethodPost, path: "/api/agents/" + aid + "/wakeup",
			body: map[string]any{"idempotencyKey": "k1"}, status: http.StatusAccepted, contains: []string{`"id":"` + runID + `"`}},
		{name: "bad source", method: http.MethodPost, path: "/api/agents/" + aid + "/wakeup", body: map[string]any{"source": "cron"},
			status: http.StatusBadRequest, contains: []string{"source"}},
		{name: "agent waking another", method: http.MethodPost, path: "/api/agents/" + bid + "/wakeup", headers: bearer(keyA),
			status: http.StatusForbidden, contains: []string{"Agent can only invoke itself"}},
		{name: "agent waking itself", method: http.MethodPost, path: "/api/agents/" + aid + "/wakeup", headers: bearer(keyA),
			status: http.StatusAccepted, contains: []string{`"id":"` + runID + `"`}},
		{name: "unknown agent", method: http.MethodPost, path: "/api/agents/" + store.NewID() + "/wakeup", status: http.StatusNotFound},
		{name: "agent cannot cancel", method: http.MethodPost, path: "/api/heartbeat-runs/" + runID + "/cancel", headers: bearer(keyA),
			status: http.StatusForbidden},
		{name: "board cancels the queued run", method: http.MethodPost, path: "/api/heartbeat-runs/" + runID + "/cancel",
			status: http.StatusOK, contains: []string{`"status":"cancelled"`, `"error":"Cancelled by a board operator"`}},
		{name: "cancel again is a no-op", method: http.MethodPost, path: "/api/heartbeat-runs/" + runID + "/cancel",
			status: http.StatusOK, contains: []string{`"status":"cancelled"`}},
	})
	acts := e.do(http.MethodGet, "/api/companies/"+cid+"/activity", nil).List()
	counts := map[string]int{}
	for _, act := range acts {
		counts[act["action"].(string)]++
	}
	if counts["heartbeat.invoked"] < 1 || counts["heartbeat.cancelled"] != 1 {
		t.Errorf("activity counts %v", counts)
	}

	// Policy skip, and the short body of the legacy route.
	e.do(http.MethodPatch, "/api/agents/"+bid, map[string]any{"runtimeConfig": map[string]any{"heartbeat": map[string]any{"wakeOnDemand": false}}})
	e.run(t, []scenario{
		{name: "wake on demand disabled", method: http.MethodPost, path: "/api/agents/" + bid + "/wakeup", status: http.StatusAccepted,
			contains: []string{`"status":"skipped"`, `"reason":"heartbeat.wakeOnDemand.disabled"`, `"message"`}},
		{name: "invoke answers only status and reason", method: http.MethodPost, path: "/api/agents/" + bid + "/heartbeat/invoke",
			status: http.StatusAccepted, contains: []string{`{"status":"skipped","reason":"heartbeat.wakeOnDemand.disabled"}`}},
	})
	e.do(http.MethodPost, "/api/agents/"+bid+"/pause", nil)
	e.run(t, []scenario{{name: "paused agent", method: http.MethodPost, path: "/api/agents/" + bid + "/wakeup",
		status: http.StatusConflict, contains: []string{`"error":"Agent is not invokable in its current state"`, `"status":"paused"`}}})

	// Budget: an agent over its hard stop is refused with the gate's 409. The policy is
	// written after the spend, behind the budget engine's back, so the agent is over its
	// limit without having been paused (a pause would answer "not invokable" first).
	now := "2026-01-01T00:00:00.000Z"
	if _, err := e.store.CreateCostEvent(context.Background(), cid, store.CostEventInput{AgentID: store.Some(aid),
		Provider: store.Some("anthropic"), Model: store.Some("m"), CostCents: store.Some(int64(5)),
		OccurredAt: store.Some(store.FormatTime(e.clock.now()))}); err != nil {
		t.Fatal(err)
	}
	e.rawExec(`INSERT INTO budget_policies (id, company_id, scope_type, scope_id, amount, created_at, updated_at)
		VALUES (?, ?, 'agent', ?, 1, ?, ?)`, store.NewID(), cid, aid, now, now)
	e.run(t, []scenario{{name: "budget blocked", method: http.MethodPost, path: "/api/agents/" + aid + "/wakeup",
		status: http.StatusConflict, contains: []string{`"code":"budget_blocked"`, `"scopeType":"agent"`}}})

	// A company that is not active: 409 for the board, a skip for the agent itself.
	e.rawExec(`DELETE FROM budget_policies`)
	e.rawExec(`UPDATE companies SET status = 'paused' WHERE id = ?`, cid)
	e.run(t, []scenario{
		{name: "company paused, board", method: http.MethodPost, path: "/api/agents/" + aid + "/wakeup", status: http.StatusConflict,
			contains: []string{`"error":"Company is not active"`}},
		{name: "company paused, agent", method: http.MethodPost, path: "/api/agents/" + aid + "/wakeup", headers: bearer(keyA),
			status: http.StatusAccepted, contains: []string{`"reason":"company.not_active"`}},
	})
}

func TestRunLogRoutePagesOnLineBoundaries(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Loggers")["id"].(string)
	aid := e.mustAgent(cid, map[string]any{"name": "Writer", "adapterType": "process"})["id"].(string)
	out, err := e.store.EnqueueWake(context.Background(), store.WakeRequest{AgentID: aid, Source: "on_demand"})
	if err != nil {
		t.Fatal(err)
	}
	runID := out.Run.ID
	r := e.do(http.MethodGet, "/api/heartbeat-runs/"+runID+"/log", nil)
	if r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), "Run log not found") {
		t.Fatalf("log before any output: %d %s", r.Status, r.Body)
	}
	lines := `{"ts":"t","stream":"stdout","chunk":"one\n"}` + "\n" + `{"ts":"t","stream":"stdout","chunk":"two\n"}` + "\n" +
		`{"ts":"t","stream":"stderr","chunk":"three\n"}` + "\n"
	ref := cid + "/" + aid + "/" + runID + ".ndjson"
	path := filepath.Join(e.cfg.RunLogDir, filepath.FromSlash(ref))
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte(lines), 0o600)
	if _, err := e.store.ClaimRun(context.Background(), runID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.FinishRun(context.Background(), store.RunFinish{RunID: runID, Status: store.RunSucceeded,
		LogStore: "local_file", LogRef: ref, LogBytes: int64(len(lines))}); err != nil {
		t.Fatal(err)
	}
	first := strings.Index(lines, "\n") + 1
	r = e.do(http.MethodGet, "/api/heartbeat-runs/"+runID+"/log?limitBytes="+itoa(first+10), nil)
	body := r.JSON()
	if r.Status != http.StatusOK || body["content"] != lines[:first] || body["nextOffset"] != float64(first) ||
		r.Header.Get("Cache-Control") != "no-cache, no-store" {
		t.Fatalf("first page: %d %v %s", r.Status, body, r.Header.Get("Cache-Control"))
	}
	body = e.do(http.MethodGet, "/api/heartbeat-runs/"+runID+"/log?offset="+itoa(first), nil).JSON()
	if body["content"] != lines[first:] || body["nextOffset"] != nil {
		t.Errorf("rest: %v", body)
	}
	body = e.do(http.MethodGet, "/api/heartbeat-runs/"+runID+"/log?offset=99999", nil).JSON()
	if body["content"] != "" || body["nextOffset"] != nil {
		t.Errorf("past the end: %v", body)
	}
	if r := e.do(http.MethodGet, "/api/heartbeat-runs/"+runID+"/log?offset=-1", nil); r.Status != http.StatusBadRequest {
		t.Errorf("negative offset: %d", r.Status)
	}
}
