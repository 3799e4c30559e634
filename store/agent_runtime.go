package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
)

// RuntimeState is an agent's runtime row (agents.md §8); an agent without one reads as
// zeros and nulls stamped with the agent's times.
type RuntimeState struct {
	AgentID                string  `json:"agentId"`
	CompanyID              string  `json:"companyId"`
	AdapterType            string  `json:"adapterType"`
	SessionID              *string `json:"sessionId"`
	StateJSON              JSONRaw `json:"stateJson"`
	LastRunID              *string `json:"lastRunId"`
	LastRunStatus          *string `json:"lastRunStatus"`
	TotalInputTokens       int64   `json:"totalInputTokens"`
	TotalOutputTokens      int64   `json:"totalOutputTokens"`
	TotalCachedInputTokens int64   `json:"totalCachedInputTokens"`
	TotalCostCents         int64   `json:"totalCostCents"`
	IdleSkipCount          int64   `json:"idleSkipCount"`
	LastIdleSkipAt         *string `json:"lastIdleSkipAt"`
	LastError              *string `json:"lastError"`
	CreatedAt              string  `json:"createdAt"`
	UpdatedAt              string  `json:"updatedAt"`
}

// TaskSession is one adapter session kept per task (agents.md §8).
type TaskSession struct {
	ID                string  `json:"id"`
	CompanyID         string  `json:"companyId"`
	AgentID           string  `json:"agentId"`
	AdapterType       string  `json:"adapterType"`
	TaskKey           string  `json:"taskKey"`
	SessionParamsJSON JSONRaw `json:"sessionParamsJson"`
	SessionDisplayID  *string `json:"sessionDisplayId"`
	LastRunID         *string `json:"lastRunId"`
	LastError         *string `json:"lastError"`
	CreatedAt         string  `json:"createdAt"`
	UpdatedAt         string  `json:"updatedAt"`
}

// redactedJSON redacts stored JSON text for a read; empty or invalid text gives fallback.
func redactedJSON(text sql.NullString, fallback string) JSONRaw {
	if !text.Valid {
		return JSONRaw(fallback)
	}
	var v any
	if json.Unmarshal([]byte(text.String), &v) != nil {
		return JSONRaw(fallback)
	}
	raw, err := RedactJSON(v)
	if err != nil || raw == nil {
		return JSONRaw(fallback)
	}
	return raw
}

func findRuntimeState(ctx context.Context, q querier, a Agent) (RuntimeState, error) {
	st := RuntimeState{AgentID: a.ID, CompanyID: a.CompanyID, AdapterType: a.AdapterType, StateJSON: JSONRaw("{}"),
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	var session, state, lastRun, lastStatus, lastSkip, lastErr sql.NullString
	err := q.QueryRowContext(ctx, `SELECT adapter_type, session_id, state_json, last_run_id, last_run_status, total_input_tokens,
		total_output_tokens, total_cached_input_tokens, total_cost_cents, idle_skip_count, last_idle_skip_at, last_error,
		created_at, updated_at FROM agent_runtime_state WHERE agent_id = ?`, a.ID).Scan(&st.AdapterType, &session, &state,
		&lastRun, &lastStatus, &st.TotalInputTokens, &st.TotalOutputTokens, &st.TotalCachedInputTokens, &st.TotalCostCents,
		&st.IdleSkipCount, &lastSkip, &lastErr, &st.CreatedAt, &st.UpdatedAt)
	if err == sql.ErrNoRows {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.SessionID, st.LastRunID, st.LastRunStatus = strPtr(session), strPtr(lastRun), strPtr(lastStatus)
	st.LastIdleSkipAt, st.LastError = strPtr(lastSkip), strPtr(lastErr)
	st.StateJSON = redactedJSON(state, "{}")
	return st, nil
}

// FindRuntimeState returns the runtime state of an agent.
func (s *Store) FindRuntimeState(ctx context.Context, a Agent) (RuntimeState, error) {
	return findRuntimeState(ctx, s.reader, a)
}

// FindTaskSessions lists an agent's task sessions, most recently updated first.
func (s *Store) FindTaskSessions(ctx context.Context, agentID string) ([]TaskSession, error) {
	return queryAll(ctx, s.reader, scanTaskSession, `SELECT id, company_id, agent_id, adapter_type, task_key, session_params_json,
		session_display_id, last_run_id, last_error, created_at, updated_at FROM agent_task_sessions
		WHERE agent_id = ? ORDER BY updated_at DESC, id DESC`, agentID)
}

func scanTaskSession(sc scanner) (TaskSession, error) {
	var t TaskSession
	var params, display, lastRun, lastErr sql.NullString
	if err := sc.Scan(&t.ID, &t.CompanyID, &t.AgentID, &t.AdapterType, &t.TaskKey, &params, &display, &lastRun,
		&lastErr, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return TaskSession{}, err
	}
	t.SessionParamsJSON = redactedJSON(params, "null")
	t.SessionDisplayID, t.LastRunID, t.LastError = strPtr(display), strPtr(lastRun), strPtr(lastErr)
	return t, nil
}

// ResetSessionInput is the body of POST .../runtime-state/reset-session.
type ResetSessionInput struct {
	TaskKey Optional[string] `json:"taskKey"`
}

// ResetAgentSession forgets adapter sessions so the next run starts fresh: one task's
// session, or (without taskKey) the agent session and every task session.
func (s *Store) ResetAgentSession(ctx context.Context, agentID string, in ResetSessionInput) (RuntimeState, error) {
	if err := CheckLimits(&in); err != nil {
		return RuntimeState{}, err
	}
	var st RuntimeState
	err := s.write(ctx, func(tx *Tx) error {
		a, err := s.findAgent(ctx, tx, agentID)
		if err != nil {
			return err
		}
		now := tx.Now()
		taskKey := in.TaskKey.Ptr()
		if taskKey != nil && strings.TrimSpace(*taskKey) != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM agent_task_sessions WHERE agent_id = ? AND task_key = ?`, agentID, *taskKey); err != nil {
				return err
			}
		} else {
			taskKey = nil
			if _, err := tx.ExecContext(ctx, `UPDATE agent_runtime_state SET session_id = NULL, updated_at = ? WHERE agent_id = ?`, now, agentID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM agent_task_sessions WHERE agent_id = ?`, agentID); err != nil {
				return err
			}
		}
		if err := tx.logActivity(a.CompanyID, "agent.runtime_session_reset", "agent", agentID, map[string]any{"taskKey": taskKey}); err != nil {
			return err
		}
		st, err = findRuntimeState(ctx, tx, a)
		return err
	})
	return st, err
}

// RunSummary is the short form of a run embedded in issue rows.
type RunSummary struct {
	ID               string  `json:"id"`
	Status           string  `json:"status"`
	AgentID          string  `json:"agentId"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    *string `json:"triggerDetail"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	CreatedAt        string  `json:"createdAt"`
}

// InboxItem is one row of GET /agents/me/inbox-lite.
type InboxItem struct {
	ID                        string      `json:"id"`
	Identifier                string      `json:"identifier"`
	Title                     string      `json:"title"`
	Status                    string      `json:"status"`
	Priority                  string      `json:"priority"`
	ProjectID                 *string     `json:"projectId"`
	GoalID                    *string     `json:"goalId"`
	ParentID                  *string     `json:"parentId"`
	UpdatedAt                 string      `json:"updatedAt"`
	ActiveRun                 *RunSummary `json:"activeRun"`
	DependencyReady           bool        `json:"dependencyReady"`
	UnresolvedBlockerCount    int         `json:"unresolvedBlockerCount"`
	UnresolvedBlockerIssueIDs []string    `json:"unresolvedBlockerIssueIds"`
}

// inboxLimit caps the inbox (agents.md §3.3).
const inboxLimit = 500

// inboxLiteSQL lists an agent's open issues in the list order. Every heartbeat reads it,
// so it must start from the assignee index: the unary + takes the rank term off the
// rank index, which SQLite (without statistics) otherwise walks through every issue of
// the company to avoid a sort of the agent's few dozen (TestAgentPathPlansUseIndexes).
const inboxLiteSQL = `SELECT i.id, i.identifier, i.title, i.status, i.priority, i.project_id, i.goal_id,
		i.parent_id, i.updated_at, r.id, r.status, r.agent_id, r.invocation_source, r.trigger_detail, r.started_at,
		r.finished_at, r.created_at
		FROM issues i LEFT JOIN heartbeat_runs r ON r.id = i.execution_run_id AND r.status IN ('queued', 'running')
		WHERE i.company_id = ? AND i.assignee_agent_id = ? AND i.status IN ('todo', 'in_progress', 'blocked') AND i.hidden_at IS NULL
		ORDER BY +CASE i.priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
		i.updated_at DESC, i.id DESC LIMIT ?`

// inboxBlockersSQL finds the unresolved blockers of the inbox's issues (a JSON array of
// ids: one statement text whatever the count, so it stays in the statement cache)
// through the related-issue index. Without statistics SQLite preferred the covering edge
// index when both led with the company, i.e. read every relation of the company even for
// one issue; INDEXED BY (like json_each, SQLite's own) names the index that answers.
const inboxBlockersSQL = `SELECT rel.related_issue_id, rel.issue_id FROM issue_relations rel INDEXED BY issue_relations_related_idx
		JOIN issues blocker ON blocker.id = rel.issue_id
		WHERE rel.company_id = ? AND rel.related_issue_id IN (SELECT value FROM json_each(?)) AND rel.type = 'blocks'
		AND blocker.status <> 'done'
		ORDER BY blocker.issue_number, blocker.id`

// FindInboxLite lists an agent's open assigned issues (todo, in_progress, blocked; not
// hidden) by priority then most recently updated, with blocker state and live run.
func (s *Store) FindInboxLite(ctx context.Context, companyID, agentID string) ([]InboxItem, error) {
	out, err := queryAll(ctx, s.reader, scanInboxItem, inboxLiteSQL, companyID, agentID, inboxLimit)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	for i, it := range out {
		index[it.ID] = i
	}
	if len(out) == 0 {
		return out, nil
	}
	// One query for every blocker of the listed issues; a blocker resolves only when done.
	ids := make([]string, len(out))
	for i, it := range out {
		ids[i] = it.ID
	}
	blockers, err := queryAll(ctx, s.reader, scanIDPair, inboxBlockersSQL, companyID, jsonStrings(ids))
	if err != nil {
		return nil, err
	}
	for _, b := range blockers {
		blocked, blocker := b[0], b[1]
		if i, ok := index[blocked]; ok {
			it := &out[i]
			it.UnresolvedBlockerIssueIDs = append(it.UnresolvedBlockerIssueIDs, blocker)
			it.UnresolvedBlockerCount++
			it.DependencyReady = false
		}
	}
	return out, nil
}

func scanInboxItem(sc scanner) (InboxItem, error) {
	var it InboxItem
	var project, goal, parent, runID, runStatus, runAgent, runSource, runTrigger, runStarted, runFinished, runCreated sql.NullString
	if err := sc.Scan(&it.ID, &it.Identifier, &it.Title, &it.Status, &it.Priority, &project, &goal, &parent, &it.UpdatedAt,
		&runID, &runStatus, &runAgent, &runSource, &runTrigger, &runStarted, &runFinished, &runCreated); err != nil {
		return InboxItem{}, err
	}
	it.ProjectID, it.GoalID, it.ParentID = strPtr(project), strPtr(goal), strPtr(parent)
	if runID.Valid {
		it.ActiveRun = &RunSummary{ID: runID.String, Status: runStatus.String, AgentID: runAgent.String,
			InvocationSource: runSource.String, TriggerDetail: strPtr(runTrigger), StartedAt: strPtr(runStarted),
			FinishedAt: strPtr(runFinished), CreatedAt: runCreated.String}
	}
	it.UnresolvedBlockerIssueIDs = []string{}
	it.DependencyReady = true
	return it, nil
}

// RunRef is what authentication needs to know about a heartbeat run.
type RunRef struct {
	ID         string
	CompanyID  string
	AgentID    string
	Status     string
	FinishedAt *string
}

// IsLive reports whether the run is queued or running (scheduled_retry counts as live).
func (r RunRef) IsLive() bool {
	return r.Status == "queued" || r.Status == "running" || r.Status == "scheduled_retry"
}

// FindRunRefByID returns the auth view of a run, or "Heartbeat run not found".
func (s *Store) FindRunRefByID(ctx context.Context, runID string) (RunRef, error) {
	r := RunRef{ID: runID}
	var finished sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT company_id, agent_id, status, finished_at FROM heartbeat_runs WHERE id = ?`, runID).
		Scan(&r.CompanyID, &r.AgentID, &r.Status, &finished)
	r.FinishedAt = strPtr(finished)
	return r, translate(err, "Heartbeat run")
}

// RecordJWTRunMismatch writes the audit row of a run JWT presented with another run id
// in X-Paperclip-Run-Id (README §5); the actor in ctx is the JWT's agent.
func (s *Store) RecordJWTRunMismatch(ctx context.Context, companyID, claimRunID, headerRunID string) error {
	return s.write(ctx, func(tx *Tx) error {
		return tx.logActivity(companyID, "auth.agent_jwt_run_header_mismatch", "heartbeat_run", claimRunID,
			map[string]any{"claimRunId": claimRunID, "headerRunId": headerRunID})
	})
}
