package server_test

import (
	"time"

	"paperclip/server/runjwt"
	"paperclip/store"
)

// insertRun inserts a heartbeat run row for an agent and returns its id. finishedAgo < 0
// leaves finished_at null.
func (e *env) insertRun(companyID, agentID, status string, finishedAgo time.Duration) string {
	e.t.Helper()
	id := store.NewID()
	now := time.Now()
	var finished any
	if finishedAgo >= 0 {
		finished = store.FormatTime(now.Add(-finishedAgo))
	}
	e.rawExec(`INSERT INTO heartbeat_runs (id, company_id, agent_id, invocation_source, status, finished_at, created_at, updated_at)
		VALUES (?, ?, ?, 'on_demand', ?, ?, ?, ?)`, id, companyID, agentID, status, finished, store.FormatTime(now), store.FormatTime(now))
	return id
}

// mintJWT signs a run JWT for an agent with the env's secret.
func (e *env) mintJWT(agent map[string]any, runID string) string {
	e.t.Helper()
	tok, err := runjwt.Mint(e.cfg.RunJWT(), store.Agent{ID: agent["id"].(string), CompanyID: agent["companyId"].(string),
		AdapterType: agent["adapterType"].(string)}, runID, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}
