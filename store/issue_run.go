package store

import (
	"context"
	"database/sql"
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
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	AgentID          string  `json:"agentId"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    *string `json:"triggerDetail"`
	Status           string  `json:"status"`
	IssueID          *string `json:"issueId"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	Error            *string `json:"error"`
	ErrorCode        *string `json:"errorCode"`
	WakeupRequestID  *string `json:"wakeupRequestId"`
	ExitCode         *int64  `json:"exitCode"`
	Signal           *string `json:"signal"`
	UsageJSON        JSONRaw `json:"usageJson"`
	ResultJSON       JSONRaw `json:"resultJson"`
	SessionIDBefore  *string `json:"sessionIdBefore"`
	SessionIDAfter   *string `json:"sessionIdAfter"`
	LogStore         *string `json:"logStore"`
	LogRef           *string `json:"logRef"`
	LogBytes         *int64  `json:"logBytes"`
	StdoutExcerpt    *string `json:"stdoutExcerpt"`
	StderrExcerpt    *string `json:"stderrExcerpt"`
	ProcessPID       *int64  `json:"processPid"`
	ProcessStartedAt *string `json:"processStartedAt"`
	LastOutputAt     *string `json:"lastOutputAt"`
	RetryOfRunID     *string `json:"retryOfRunId"`
	ContextSnapshot  JSONRaw `json:"contextSnapshot"`
	CreatedAt        string  `json:"createdAt"`
	UpdatedAt        string  `json:"updatedAt"`
	AgentName        string  `json:"agentName"`
	AdapterType      string  `json:"adapterType"`
}

const liveRunStatuses = `('queued', 'running')`

// redactedJSON returns stored JSON passed through the redactor, or nil.
// cancelIssueRun cancels the issue's live run (its execution run, else the newest live
// run working on it) and returns its id, or "" when none is live.
func (tx *Tx) cancelIssueRun(is *Issue, reason string) (string, error) {
	var runID, agentID string
	err := tx.QueryRowContext(tx.ctx, `SELECT id, agent_id FROM heartbeat_runs
		WHERE status IN `+liveRunStatuses+` AND (id = ? OR (company_id = ? AND issue_id = ?))
		ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, created_at DESC LIMIT 1`,
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
	tx.stopped = append(tx.stopped, runID)
	return runID, nil
}

// FindIssueRuns lists runs that worked on an issue (its issue_id, or activity on it),
// newest first.
func (s *Store) FindIssueRuns(ctx context.Context, is Issue) ([]IssueRun, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, status, agent_id, invocation_source, started_at, finished_at, created_at,
		usage_json, result_json FROM heartbeat_runs
		WHERE company_id = ? AND (issue_id = ? OR id IN (SELECT run_id FROM activity_log
			WHERE company_id = ? AND entity_type = 'issue' AND entity_id = ? AND run_id IS NOT NULL))
		ORDER BY created_at DESC, id DESC`, is.CompanyID, is.ID, is.CompanyID, is.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []IssueRun{}
	for rows.Next() {
		var r IssueRun
		var started, finished, usage, result sql.NullString
		if err := rows.Scan(&r.RunID, &r.Status, &r.AgentID, &r.InvocationSource, &started, &finished, &r.CreatedAt, &usage, &result); err != nil {
			return nil, err
		}
		r.StartedAt, r.FinishedAt = strPtr(started), strPtr(finished)
		r.UsageJSON, r.ResultJSON = redactedJSON(usage, "null"), redactedJSON(result, "null")
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindIssueLiveRuns lists the queued and running runs of an issue, newest first.
func (s *Store) FindIssueLiveRuns(ctx context.Context, is Issue) ([]IssueLiveRun, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT r.id, r.status, r.invocation_source, r.trigger_detail, r.started_at, r.finished_at,
		r.created_at, r.agent_id, a.name, a.adapter_type
		FROM heartbeat_runs r JOIN agents a ON a.id = r.agent_id
		WHERE r.company_id = ? AND r.status IN `+liveRunStatuses+` AND (r.issue_id = ? OR r.id = ?)
		ORDER BY r.created_at DESC, r.id DESC`, is.CompanyID, is.ID, nullStr(is.ExecutionRunID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []IssueLiveRun{}
	for rows.Next() {
		var r IssueLiveRun
		var trigger, started, finished sql.NullString
		if err := rows.Scan(&r.ID, &r.Status, &r.InvocationSource, &trigger, &started, &finished, &r.CreatedAt,
			&r.AgentID, &r.AgentName, &r.AdapterType); err != nil {
			return nil, err
		}
		r.TriggerDetail, r.StartedAt, r.FinishedAt = strPtr(trigger), strPtr(started), strPtr(finished)
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindIssueActiveRun returns the issue's live execution run, else the assignee's
// running run whose context issue is this issue, else nil.
func (s *Store) FindIssueActiveRun(ctx context.Context, is Issue) (*IssueActiveRun, error) {
	var r IssueActiveRun
	var trigger, issueID, started, finished, errText, errCode, wakeup, signal, usage, result, sb, sa, logStore, logRef,
		stdout, stderr, procStarted, lastOutput, retryOf, snapshot sql.NullString
	var exitCode, logBytes, pid sql.NullInt64
	err := s.reader.QueryRowContext(ctx, `SELECT r.id, r.company_id, r.agent_id, r.invocation_source, r.trigger_detail, r.status,
		r.issue_id, r.started_at, r.finished_at, r.error, r.error_code, r.wakeup_request_id, r.exit_code, r.signal, r.usage_json,
		r.result_json, r.session_id_before, r.session_id_after, r.log_store, r.log_ref, r.log_bytes, r.stdout_excerpt,
		r.stderr_excerpt, r.process_pid, r.process_started_at, r.last_output_at, r.retry_of_run_id, r.context_snapshot,
		r.created_at, r.updated_at, a.name, a.adapter_type
		FROM heartbeat_runs r JOIN agents a ON a.id = r.agent_id
		WHERE r.company_id = ? AND ((r.id = ? AND r.status IN `+liveRunStatuses+`)
			OR (r.agent_id = ? AND r.status = 'running' AND r.issue_id = ?))
		ORDER BY CASE WHEN r.id = ? THEN 0 ELSE 1 END, r.created_at DESC LIMIT 1`,
		is.CompanyID, nullStr(is.ExecutionRunID), nullStr(is.AssigneeAgentID), is.ID, nullStr(is.ExecutionRunID)).Scan(
		&r.ID, &r.CompanyID, &r.AgentID, &r.InvocationSource, &trigger, &r.Status, &issueID, &started, &finished, &errText,
		&errCode, &wakeup, &exitCode, &signal, &usage, &result, &sb, &sa, &logStore, &logRef, &logBytes, &stdout, &stderr,
		&pid, &procStarted, &lastOutput, &retryOf, &snapshot, &r.CreatedAt, &r.UpdatedAt, &r.AgentName, &r.AdapterType)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.TriggerDetail, r.IssueID, r.StartedAt, r.FinishedAt = strPtr(trigger), strPtr(issueID), strPtr(started), strPtr(finished)
	r.Error, r.ErrorCode, r.WakeupRequestID, r.Signal = strPtr(errText), strPtr(errCode), strPtr(wakeup), strPtr(signal)
	r.SessionIDBefore, r.SessionIDAfter, r.LogStore, r.LogRef = strPtr(sb), strPtr(sa), strPtr(logStore), strPtr(logRef)
	r.StdoutExcerpt, r.StderrExcerpt, r.ProcessStartedAt = strPtr(stdout), strPtr(stderr), strPtr(procStarted)
	r.LastOutputAt, r.RetryOfRunID = strPtr(lastOutput), strPtr(retryOf)
	r.ExitCode, r.LogBytes, r.ProcessPID = int64Ptr(exitCode), int64Ptr(logBytes), int64Ptr(pid)
	r.UsageJSON, r.ResultJSON, r.ContextSnapshot = redactedJSON(usage, "null"), redactedJSON(result, "null"), redactedJSON(snapshot, "null")
	return &r, nil
}

func int64Ptr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}
