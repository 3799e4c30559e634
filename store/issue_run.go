package store

import (
	"context"
	"database/sql"
	"encoding/json"
)

// IssueRun is one entry of GET /issues/{id}/runs.
type IssueRun struct {
	RunID            string  `json:"runId"`
	Status           string  `json:"status"`
	AgentID          string  `json:"agentId"`
	InvocationSource string  `json:"invocationSource"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	CreatedAt        string  `json:"createdAt"`
	UsageJSON        JSONRaw `json:"usageJson"`
	ResultJSON       JSONRaw `json:"resultJson"`
}

// IssueLiveRun is one entry of GET /issues/{id}/live-runs.
type IssueLiveRun struct {
	ID               string  `json:"id"`
	Status           string  `json:"status"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    *string `json:"triggerDetail"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	CreatedAt        string  `json:"createdAt"`
	AgentID          string  `json:"agentId"`
	AgentName        string  `json:"agentName"`
	AdapterType      string  `json:"adapterType"`
}

// IssueActiveRun is a heartbeat run (agents.md §10) plus its agent's name and adapter.
type IssueActiveRun struct {
	HeartbeatRun
	AgentName   string
	AdapterType string
}

// MarshalJSON writes the full run object with agentName and adapterType added.
func (r IssueActiveRun) MarshalJSON() ([]byte, error) {
	run, err := json.Marshal(r.HeartbeatRun)
	if err != nil {
		return nil, err
	}
	extra, err := json.Marshal(struct {
		AgentName   string `json:"agentName"`
		AdapterType string `json:"adapterType"`
	}{r.AgentName, r.AdapterType})
	if err != nil {
		return nil, err
	}
	// Both are JSON objects: join them into one.
	return append(append(run[:len(run)-1], ','), extra[1:]...), nil
}

const liveRunStatuses = `('queued', 'running')`

// redactedJSON returns stored JSON passed through the redactor, or nil.
// cancelIssueRun cancels the issue's live run (its execution run, else the newest live
// run working on it) and returns its id, or "" when none is live.
func (tx *Tx) cancelIssueRun(is *Issue, reason string) (string, error) {
	var runID, agentID string
	err := tx.QueryRowContext(tx.ctx, `SELECT id, agent_id FROM heartbeat_runs
		WHERE status IN `+liveRunStatuses+` AND (id = ? OR (company_id = ? AND issue_id = ?))
		ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT 1`,
		nullStr(is.ExecutionRunID), is.CompanyID, is.ID, nullStr(is.ExecutionRunID)).Scan(&runID, &agentID)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = 'cancelled', error = ?, error_code = 'cancelled',
		finished_at = ?, updated_at = ? WHERE id = ?`, reason, now, now, runID); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = 'cancelled', finished_at = ?, updated_at = ?
		WHERE run_id = ? AND status NOT IN ('completed', 'failed', 'cancelled', 'skipped')`, now, now, runID); err != nil {
		return "", err
	}
	if err := tx.logActivity(is.CompanyID, "heartbeat.cancelled", "heartbeat_run", runID, map[string]any{
		"runId": runID, "agentId": agentID, "reason": reason}); err != nil {
		return "", err
	}
	if err := tx.releaseLocksOf([]string{runID}); err != nil {
		return "", err
	}
	tx.stopRun(runID)
	return runID, nil
}

// FindIssueRuns lists runs that worked on an issue (its issue_id, or activity on it),
// newest first.
func (s *Store) FindIssueRuns(ctx context.Context, is Issue) ([]IssueRun, error) {
	return queryAll(ctx, s.reader, scanIssueRun, `SELECT id, status, agent_id, invocation_source, started_at, finished_at, created_at,
		usage_json, result_json FROM heartbeat_runs
		WHERE company_id = ? AND (issue_id = ? OR id IN (SELECT run_id FROM activity_log
			WHERE company_id = ? AND entity_type = 'issue' AND entity_id = ? AND run_id IS NOT NULL))
		ORDER BY created_at DESC, id DESC`, is.CompanyID, is.ID, is.CompanyID, is.ID)
}

func scanIssueRun(sc scanner) (IssueRun, error) {
	var r IssueRun
	var started, finished, usage, result sql.NullString
	if err := sc.Scan(&r.RunID, &r.Status, &r.AgentID, &r.InvocationSource, &started, &finished, &r.CreatedAt, &usage, &result); err != nil {
		return IssueRun{}, err
	}
	r.StartedAt, r.FinishedAt = strPtr(started), strPtr(finished)
	r.UsageJSON, r.ResultJSON = redactedJSON(usage, "null"), redactedJSON(result, "null")
	return r, nil
}

// FindIssueLiveRuns lists the queued and running runs of an issue, newest first.
func (s *Store) FindIssueLiveRuns(ctx context.Context, is Issue) ([]IssueLiveRun, error) {
	return queryAll(ctx, s.reader, scanIssueLiveRun, `SELECT r.id, r.status, r.invocation_source, r.trigger_detail, r.started_at, r.finished_at,
		r.created_at, r.agent_id, a.name, a.adapter_type
		FROM heartbeat_runs r JOIN agents a ON a.id = r.agent_id
		WHERE r.company_id = ? AND r.status IN `+liveRunStatuses+` AND (r.issue_id = ? OR r.id = ?)
		ORDER BY r.created_at DESC, r.id DESC`, is.CompanyID, is.ID, nullStr(is.ExecutionRunID))
}

func scanIssueLiveRun(sc scanner) (IssueLiveRun, error) {
	var r IssueLiveRun
	var trigger, started, finished sql.NullString
	err := sc.Scan(&r.ID, &r.Status, &r.InvocationSource, &trigger, &started, &finished, &r.CreatedAt,
		&r.AgentID, &r.AgentName, &r.AdapterType)
	r.TriggerDetail, r.StartedAt, r.FinishedAt = strPtr(trigger), strPtr(started), strPtr(finished)
	return r, err
}

// FindIssueActiveRun returns the issue's live execution run, else the assignee's
// running run whose context issue is this issue, else nil.
func (s *Store) FindIssueActiveRun(ctx context.Context, is Issue) (*IssueActiveRun, error) {
	var r IssueActiveRun
	row := s.reader.QueryRowContext(ctx, `SELECT `+qualifiedRunColumns+`, a.name, a.adapter_type
		FROM heartbeat_runs r JOIN agents a ON a.id = r.agent_id
		WHERE r.company_id = ? AND ((r.id = ? AND r.status IN `+liveRunStatuses+`)
			OR (r.agent_id = ? AND r.status = 'running' AND r.issue_id = ?))
		ORDER BY CASE WHEN r.id = ? THEN 0 ELSE 1 END, r.created_at DESC, r.id DESC LIMIT 1`,
		is.CompanyID, nullStr(is.ExecutionRunID), nullStr(is.AssigneeAgentID), is.ID, nullStr(is.ExecutionRunID))
	run, err := scanRun(row, &r.AgentName, &r.AdapterType)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.HeartbeatRun = run
	return &r, nil
}
