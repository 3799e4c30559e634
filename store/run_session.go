package store

import (
	"context"
	"database/sql"
	"encoding/json"
)

// recordRunTotals updates the agent's runtime state with the run's outcome and usage.
func (tx *Tx) recordRunTotals(run HeartbeatRun, status, msg string, f RunFinish) error {
	now := tx.Now()
	var adapterType string
	if err := tx.QueryRowContext(tx.ctx, `SELECT adapter_type FROM agents WHERE id = ?`, run.AgentID).Scan(&adapterType); err != nil {
		return err
	}
	sessionSet, session := 0, any(nil)
	switch {
	case f.SessionID != "":
		sessionSet, session = 1, f.SessionID
	case f.ClearSession:
		sessionSet = 1
	}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO agent_runtime_state (agent_id, company_id, adapter_type, session_id, last_run_id,
		last_run_status, last_error, total_input_tokens, total_cached_input_tokens, total_output_tokens, total_cost_cents,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (agent_id) DO UPDATE SET adapter_type = excluded.adapter_type,
		session_id = CASE WHEN ? = 1 THEN excluded.session_id ELSE agent_runtime_state.session_id END,
		last_run_id = excluded.last_run_id, last_run_status = excluded.last_run_status, last_error = excluded.last_error,
		total_input_tokens = agent_runtime_state.total_input_tokens + excluded.total_input_tokens,
		total_cached_input_tokens = agent_runtime_state.total_cached_input_tokens + excluded.total_cached_input_tokens,
		total_output_tokens = agent_runtime_state.total_output_tokens + excluded.total_output_tokens,
		total_cost_cents = agent_runtime_state.total_cost_cents + excluded.total_cost_cents, updated_at = excluded.updated_at`,
		run.AgentID, run.CompanyID, adapterType, session, run.ID, status, nullIfEmpty(msg), f.InputTokens, f.CachedInputTokens,
		f.OutputTokens, f.CostCents, now, now, sessionSet)
	return err
}

// recordTaskSession saves, clears or carries forward the run's task session (§11).
func (tx *Tx) recordTaskSession(run HeartbeatRun, f RunFinish, msg string) error {
	if f.TaskKey == "" {
		return nil
	}
	var adapterType string
	if err := tx.QueryRowContext(tx.ctx, `SELECT adapter_type FROM agents WHERE id = ?`, run.AgentID).Scan(&adapterType); err != nil {
		return err
	}
	now := tx.Now()
	switch {
	case f.ClearSession:
		_, err := tx.ExecContext(tx.ctx, `DELETE FROM agent_task_sessions WHERE company_id = ? AND agent_id = ? AND adapter_type = ?
			AND task_key = ?`, run.CompanyID, run.AgentID, adapterType, f.TaskKey)
		return err
	case f.SessionID != "":
		params, _ := json.Marshal(map[string]any{"sessionId": f.SessionID, "cwd": f.SessionCwd})
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO agent_task_sessions (id, company_id, agent_id, adapter_type, task_key,
			session_params_json, session_display_id, last_run_id, last_error, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (company_id, agent_id, adapter_type, task_key) DO UPDATE SET
			session_params_json = excluded.session_params_json, session_display_id = excluded.session_display_id,
			last_run_id = excluded.last_run_id, last_error = excluded.last_error, updated_at = excluded.updated_at`,
			NewID(), run.CompanyID, run.AgentID, adapterType, f.TaskKey, string(params), truncateRunes(f.SessionID, 128),
			run.ID, nullIfEmpty(msg), now, now)
		return err
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE agent_task_sessions SET last_run_id = ?, last_error = ?, updated_at = ?
		WHERE company_id = ? AND agent_id = ? AND adapter_type = ? AND task_key = ?`,
		run.ID, nullIfEmpty(msg), now, run.CompanyID, run.AgentID, adapterType, f.TaskKey)
	return err
}

// TaskSessionParams is a saved adapter session of one task.
type TaskSessionParams struct {
	SessionID string
	Cwd       string
}

// FindTaskSessionParams returns the saved session of an agent's task, if any.
func (s *Store) FindTaskSessionParams(ctx context.Context, a Agent, taskKey string) (TaskSessionParams, bool, error) {
	var raw sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT session_params_json FROM agent_task_sessions WHERE company_id = ?
		AND agent_id = ? AND adapter_type = ? AND task_key = ?`, a.CompanyID, a.ID, a.AdapterType, taskKey).Scan(&raw)
	if err == sql.ErrNoRows {
		return TaskSessionParams{}, false, nil
	}
	if err != nil {
		return TaskSessionParams{}, false, err
	}
	m := decodeObject(raw.String)
	p := TaskSessionParams{SessionID: firstString(m["sessionId"]), Cwd: firstString(m["cwd"])}
	return p, p.SessionID != "", nil
}

// SessionUsage is the raw usage a run's adapter reported for its session.
type SessionUsage struct {
	InputTokens, CachedInputTokens, OutputTokens int64
}

// FindPreviousSessionUsage returns the raw usage recorded by the agent's latest
// finished run, other than exceptRunID, that ended in sessionID. Adapters that report
// a session's running totals (codex) are charged the difference to it (§10.1).
func (s *Store) FindPreviousSessionUsage(ctx context.Context, agentID, sessionID, exceptRunID string) (SessionUsage, bool, error) {
	var raw sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT usage_json FROM heartbeat_runs WHERE agent_id = ? AND session_id_after = ?
		AND id <> ? AND finished_at IS NOT NULL AND usage_json IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1`,
		agentID, sessionID, exceptRunID).Scan(&raw)
	if err == sql.ErrNoRows {
		return SessionUsage{}, false, nil
	}
	if err != nil {
		return SessionUsage{}, false, err
	}
	var u struct {
		Input  *int64 `json:"rawInputTokens"`
		Cached *int64 `json:"rawCachedInputTokens"`
		Output *int64 `json:"rawOutputTokens"`
	}
	if json.Unmarshal([]byte(raw.String), &u) != nil || u.Input == nil || u.Cached == nil || u.Output == nil {
		return SessionUsage{}, false, nil
	}
	return SessionUsage{*u.Input, *u.Cached, *u.Output}, true, nil
}
