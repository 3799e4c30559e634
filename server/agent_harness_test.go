package server_test

import (
	"time"

	"paperclip/server/runjwt"
	"paperclip/store"
	"paperclip/store/storetest"
)

// insertRun creates a heartbeat run of an agent through the store and returns its id.
// finishedAgo < 0 leaves finished_at null.
func (e *env) insertRun(companyID, agentID, status string, finishedAgo time.Duration) string {
	e.t.Helper()
	return storetest.Run(e.t, e.store, store.Agent{ID: agentID, CompanyID: companyID}, status, finishedAgo).ID
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
