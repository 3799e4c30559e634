package store

import (
	"context"
	"encoding/json"
)

// RunFinish is the outcome of a run as the runner computed it (runtime.md §7 step 7).
type RunFinish struct {
	RunID     string
	Status    string
	ErrorCode string
	Error     string
	ExitCode  *int
	Signal    string
	Usage     map[string]any
	Result    map[string]any

	LogStore, LogRef, LogSHA256  string
	LogBytes                     int64
	StdoutExcerpt, StderrExcerpt string

	// TaskKey scopes the session; SessionID is the adapter's session to save, and
	// ClearSession drops the saved one. SessionCwd is stored with a saved session.
	TaskKey      string
	SessionID    string
	SessionCwd   string
	ClearSession bool

	InputTokens, CachedInputTokens, OutputTokens, CostCents int64
}

// FinishRun writes a run's final state in one transaction with everything that must
// not outlive it: the wakeup row, the lifecycle event, runtime totals, the task
// session, the execution lock (released), promotion of deferred wakes, and the
// agent's status. A run already terminal (cancelled while its process was stopped)
// keeps its status and error; its output fields are still written.
func (s *Store) FinishRun(ctx context.Context, f RunFinish) (RunSettled, error) {
	var out RunSettled
	err := s.write(ctx, func(tx *Tx) error {
		run, err := tx.runByID(f.RunID)
		if err != nil {
			return err
		}
		status, code, msg := f.Status, f.ErrorCode, f.Error
		already := IsTerminalRunStatus(run.Status)
		if already {
			status, code, msg = run.Status, deref(run.ErrorCode), deref(run.Error)
		}
		usage, _ := json.Marshal(f.Usage)
		result, err := RedactJSON(f.Result)
		if err != nil {
			return err
		}
		now := tx.Now()
		var exit any
		if f.ExitCode != nil {
			exit = *f.ExitCode
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = ?, error_code = ?, error = ?,
			finished_at = COALESCE(finished_at, ?), exit_code = ?, signal = ?, usage_json = ?, result_json = ?,
			session_id_after = ?, log_store = ?, log_ref = ?, log_bytes = ?, log_sha256 = ?, stdout_excerpt = ?,
			stderr_excerpt = ?, updated_at = ? WHERE id = ?`,
			status, nullIfEmpty(code), nullIfEmpty(msg), now, exit, nullIfEmpty(f.Signal), string(usage), nullBytesArg(result),
			nullIfEmpty(f.SessionID), nullIfEmpty(f.LogStore), nullIfEmpty(f.LogRef), f.LogBytes, nullIfEmpty(f.LogSHA256),
			nullIfEmpty(f.StdoutExcerpt), nullIfEmpty(f.StderrExcerpt), now, f.RunID); err != nil {
			return err
		}
		if !already {
			if err := tx.finishWakeup(run, status, msg); err != nil {
				return err
			}
			ev, err := tx.appendRunEvent(run, RunEventInput{EventType: "lifecycle", Stream: "system", Level: levelOf(status),
				Message: "run " + status, Payload: map[string]any{"status": status, "errorCode": nullIfEmpty(code)}})
			if err != nil {
				return err
			}
			out.Events = append(out.Events, ev)
		}
		if err := tx.recordRunTotals(run, status, msg, f); err != nil {
			return err
		}
		if err := tx.recordTaskSession(run, f, msg); err != nil {
			return err
		}
		if out.Run, err = tx.runByID(f.RunID); err != nil {
			return err
		}
		if out.Promoted, err = tx.releaseAndPromote(s, out.Run); err != nil {
			return err
		}
		out.Agent, err = tx.settleAgent(s, run.AgentID, status, msg)
		return err
	})
	return out, err
}

// finishWakeup closes the run's wakeup row: completed for a success, else the status.
func (tx *Tx) finishWakeup(run HeartbeatRun, status, msg string) error {
	if run.WakeupRequestID == nil {
		return nil
	}
	ws := status
	if status == RunSucceeded {
		ws = WakeupCompleted
	}
	now := tx.Now()
	_, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = ?, finished_at = ?, error = ?, updated_at = ?
		WHERE id = ?`, ws, now, nullIfEmpty(msg), now, *run.WakeupRequestID)
	return err
}

// settleAgent sets the agent's status after one of its runs ended (runtime.md §14):
// still running while it has other running runs, else idle or error by the outcome.
// A paused, terminated or pending agent keeps its status; lastHeartbeatAt always moves.
func (tx *Tx) settleAgent(s *Store, agentID, status, msg string) (*Agent, error) {
	now := tx.Now()
	var running int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM heartbeat_runs WHERE agent_id = ? AND status = 'running'`,
		agentID).Scan(&running); err != nil {
		return nil, err
	}
	next, reason := AgentIdle, any(nil)
	switch {
	case running > 0:
		next = AgentRunning
	case status == RunFailed || status == RunTimedOut:
		next = AgentError
		if msg != "" {
			reason = truncateRunes(msg, 500)
		}
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET last_heartbeat_at = ?, updated_at = ?,
		status = CASE WHEN status IN ('paused', 'terminated', 'pending_approval') THEN status ELSE ? END,
		error_reason = CASE WHEN status IN ('paused', 'terminated', 'pending_approval') THEN error_reason
			WHEN ? = 'error' THEN ? ELSE NULL END WHERE id = ?`, now, now, next, next, reason, agentID); err != nil {
		return nil, err
	}
	a, err := s.findAgent(tx.ctx, tx, agentID)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func levelOf(status string) string {
	switch status {
	case RunFailed, RunTimedOut:
		return "error"
	case RunCancelled:
		return "warn"
	}
	return "info"
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func nullBytesArg(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
