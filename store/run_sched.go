package store

import (
	"context"
	"database/sql"
	"strings"
)

// TimerAgent is an agent the scheduler may wake on its timer.
type TimerAgent struct {
	Agent Agent
	// Baseline is when the interval started: the later of the last heartbeat and the
	// last idle skip, else the agent's creation.
	Baseline   string
	HasLiveRun bool
}

// FindTimerAgents lists the agents of active companies that may run (not paused,
// terminated or pending approval), with their timer baseline; the caller applies
// each agent's heartbeat policy.
func (s *Store) FindTimerAgents(ctx context.Context) ([]TimerAgent, error) {
	start, end := MonthWindow(s.Now())
	return queryAll(ctx, s.reader, scanTimerAgent, `SELECT `+agentColumns+`, rs.last_idle_skip_at,
		EXISTS (SELECT 1 FROM heartbeat_runs r WHERE r.agent_id = a.id AND r.status IN `+liveRunStatuses+`)
		FROM agents a JOIN companies c ON c.id = a.company_id LEFT JOIN agent_runtime_state rs ON rs.agent_id = a.id
		WHERE c.status = 'active' AND a.status NOT IN ('paused', 'terminated', 'pending_approval')
		ORDER BY a.created_at, a.id`, start, end)
}

func scanTimerAgent(sc scanner) (TimerAgent, error) {
	var lastSkip sql.NullString
	var live int
	a, err := scanAgentWith(sc, &lastSkip, &live)
	if err != nil {
		return TimerAgent{}, err
	}
	t := TimerAgent{Agent: a, HasLiveRun: live != 0, Baseline: a.CreatedAt}
	if a.LastHeartbeatAt != nil {
		t.Baseline = *a.LastHeartbeatAt
	}
	if lastSkip.Valid && (a.LastHeartbeatAt == nil || lastSkip.String > *a.LastHeartbeatAt) {
		t.Baseline = lastSkip.String
	}
	return t, nil
}

// FindAgentsWithQueuedRuns lists the agents that have queued runs, oldest run first.
func (s *Store) FindAgentsWithQueuedRuns(ctx context.Context) ([]string, error) {
	return s.strings(ctx, `SELECT agent_id FROM heartbeat_runs WHERE status = 'queued' GROUP BY agent_id
		ORDER BY MIN(created_at), agent_id`)
}

// FindQueuedRunIDs lists an agent's queued runs in claim order (FIFO by creation).
func (s *Store) FindQueuedRunIDs(ctx context.Context, agentID string) ([]string, error) {
	return s.strings(ctx, `SELECT id FROM heartbeat_runs WHERE agent_id = ? AND status = 'queued' ORDER BY created_at, id`, agentID)
}

// CountRunningRuns counts an agent's running runs.
func (s *Store) CountRunningRuns(ctx context.Context, agentID string) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM heartbeat_runs WHERE agent_id = ? AND status = 'running'`, agentID).Scan(&n)
	return n, err
}

func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	return queryAll(ctx, s.reader, scanString, query, args...)
}

// RunLogFile names the log of a finished run.
type RunLogFile struct {
	RunID  string
	LogRef string
}

// FindRunLogsFinishedBefore lists the local log files of runs finished before a time.
func (s *Store) FindRunLogsFinishedBefore(ctx context.Context, before string) ([]RunLogFile, error) {
	return queryAll(ctx, s.reader, func(sc scanner) (RunLogFile, error) {
		var f RunLogFile
		err := sc.Scan(&f.RunID, &f.LogRef)
		return f, err
	}, `SELECT id, log_ref FROM heartbeat_runs WHERE finished_at < ?
		AND log_store = 'local_file' AND log_ref IS NOT NULL ORDER BY finished_at`, before)
}

// PruneRuntimeRows deletes skipped and coalesced wakeup rows requested before
// wakeupsBefore and the events of runs created before eventsBefore (runtime.md §12.4).
func (s *Store) PruneRuntimeRows(ctx context.Context, wakeupsBefore, eventsBefore string) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(tx.ctx, `DELETE FROM agent_wakeup_requests WHERE status IN ('skipped', 'coalesced')
			AND requested_at < ?`, wakeupsBefore)
		if err != nil {
			return err
		}
		a, _ := res.RowsAffected()
		res, err = tx.ExecContext(tx.ctx, `DELETE FROM heartbeat_run_events WHERE run_id IN
			(SELECT id FROM heartbeat_runs WHERE created_at < ? AND status NOT IN `+liveRunStatuses+`)`, eventsBefore)
		if err != nil {
			return err
		}
		b, _ := res.RowsAffected()
		n = a + b
		return nil
	})
	return n, err
}

// FindIssueWorkspaceCwd is the cwd of the primary workspace of an issue's project,
// when it has one.
func (s *Store) FindIssueWorkspaceCwd(ctx context.Context, issueID string) (string, error) {
	var cwd sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT w.cwd FROM issues i JOIN project_workspaces w ON w.project_id = i.project_id
		WHERE i.id = ? AND w.cwd IS NOT NULL AND w.cwd <> '' ORDER BY w.is_primary DESC, w.created_at, w.id LIMIT 1`, issueID).Scan(&cwd)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return strings.TrimSpace(cwd.String), err
}

// WakeIssue, WakeComment and WakeApproval are the parts of the wake payload given to
// an agent (runtime.md §15.1).
type WakeIssue struct {
	ID         string  `json:"id"`
	Identifier string  `json:"identifier"`
	Title      string  `json:"title"`
	Status     string  `json:"status"`
	Priority   string  `json:"priority"`
	ProjectID  *string `json:"-"`
	GoalID     *string `json:"-"`
}

// WakeComment is one comment named by the wake.
type WakeComment struct {
	ID            string  `json:"id"`
	AuthorType    string  `json:"authorType"`
	AuthorAgentID *string `json:"authorAgentId"`
	AuthorUserID  *string `json:"authorUserId"`
	Body          string  `json:"body"`
	BodyTruncated bool    `json:"bodyTruncated"`
	CreatedAt     string  `json:"createdAt"`
}

// WakeApproval is the approval a wake is about.
type WakeApproval struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Status string `json:"status"`
}

// FindWakeIssue reads the issue of a wake within its company.
func (s *Store) FindWakeIssue(ctx context.Context, companyID, issueID string) (*WakeIssue, error) {
	var w WakeIssue
	var project, goal sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT id, identifier, title, status, priority, project_id, goal_id FROM issues
		WHERE id = ? AND company_id = ?`, issueID, companyID).Scan(&w.ID, &w.Identifier, &w.Title, &w.Status, &w.Priority, &project, &goal)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	w.ProjectID, w.GoalID = strPtr(project), strPtr(goal)
	return &w, err
}

// FindWakeComments reads the named comments of an issue, oldest first.
func (s *Store) FindWakeComments(ctx context.Context, issueID string, ids []string) ([]WakeComment, error) {
	out := []WakeComment{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{issueID}
	for _, id := range ids {
		args = append(args, id)
	}
	return queryAll(ctx, s.reader, func(sc scanner) (WakeComment, error) {
		var c WakeComment
		var agent, user sql.NullString
		err := sc.Scan(&c.ID, &c.AuthorType, &agent, &user, &c.Body, &c.CreatedAt)
		c.AuthorAgentID, c.AuthorUserID = strPtr(agent), strPtr(user)
		return c, err
	}, `SELECT id, author_type, author_agent_id, author_user_id, body, created_at
		FROM issue_comments WHERE issue_id = ? AND id IN (`+placeholders(len(ids))+`) ORDER BY created_at, id`, args...)
}

// FindWakeApproval reads the approval of a wake within its company.
func (s *Store) FindWakeApproval(ctx context.Context, companyID, approvalID string) (*WakeApproval, error) {
	var w WakeApproval
	err := s.reader.QueryRowContext(ctx, `SELECT id, type, status FROM approvals WHERE id = ? AND company_id = ?`,
		approvalID, companyID).Scan(&w.ID, &w.Type, &w.Status)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return &w, err
}

// FindIssueProjectEnv is the env object of an issue's project, or nil.
func (s *Store) FindIssueProjectEnv(ctx context.Context, issueID string) (map[string]any, error) {
	var env sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT p.env FROM issues i JOIN projects p ON p.id = i.project_id WHERE i.id = ?`,
		issueID).Scan(&env)
	if err == sql.ErrNoRows || !env.Valid {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeObject(env.String), nil
}
