package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// RunExecution is what the runner needs to execute a claimed run: the row, its
// context snapshot as stored (unredacted), and the recorded process identity.
type RunExecution struct {
	Run                   HeartbeatRun
	Context               map[string]any
	ProcessGroupID        *int64
	ProcessLossRetryCount int
}

// FindRunExecution reads a run for execution or recovery.
func (s *Store) FindRunExecution(ctx context.Context, runID string) (RunExecution, error) {
	return findRunExecution(ctx, s.reader, runID)
}

func findRunExecution(ctx context.Context, q querier, runID string) (RunExecution, error) {
	var ex RunExecution
	r, err := scanRun(q.QueryRowContext(ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, runID))
	if err != nil {
		return ex, translate(err, "Heartbeat run")
	}
	ex.Run = r
	var raw sql.NullString
	var pgid sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT context_snapshot, process_group_id, process_loss_retry_count FROM heartbeat_runs
		WHERE id = ?`, runID).Scan(&raw, &pgid, &ex.ProcessLossRetryCount); err != nil {
		return ex, err
	}
	ex.Context = decodeObject(raw.String)
	ex.ProcessGroupID = intPtr(pgid)
	return ex, nil
}

// RunSettled is the state after a run changed status: the run, its agent, and the
// runs that were queued as a consequence (promoted deferred wakes, a lost run's retry).
type RunSettled struct {
	Run      HeartbeatRun
	Agent    *Agent
	Promoted []HeartbeatRun
	Events   []RunEvent
	// Claimed is false when ClaimRun found the run no longer queued or cancelled it.
	Claimed bool
	// WasRunning is set by CancelRun when the run had a process to stop.
	WasRunning bool
}

// ClaimRun moves a queued run to running (runtime.md §5). It re-checks that the agent
// may run and the budget gate first; a run that may not start is cancelled with the
// reason, its issue lock released and deferred wakes promoted.
func (s *Store) ClaimRun(ctx context.Context, runID string) (RunSettled, error) {
	var out RunSettled
	err := s.write(ctx, func(tx *Tx) error {
		run, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, runID))
		if err != nil {
			return translate(err, "Heartbeat run")
		}
		out.Run = run
		if run.Status != RunQueued {
			return nil
		}
		a, err := s.findAgent(tx.ctx, tx, run.AgentID)
		if err != nil {
			return err
		}
		refuse := func(code, msg string) error {
			out, err = tx.endRun(s, run, RunCancelled, code, msg, "run cancelled")
			return err
		}
		if !invokableOrBudgetPaused(a) {
			return refuse("agent_not_invokable", "Agent is not invokable in its current state")
		}
		if err := tx.invocationGate(a.ID, deref(run.IssueID)); err != nil {
			var blocked *Error
			if errors.As(err, &blocked) && blocked.Tag == ErrTagBudgetBlocked {
				return refuse("budget_blocked", blocked.Message)
			}
			return err
		}
		now := tx.Now()
		res, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = 'running', started_at = ?, updated_at = ?
			WHERE id = ? AND status = 'queued'`, now, now, runID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = 'claimed', claimed_at = ?, updated_at = ?
			WHERE id = ?`, now, now, nullStr(run.WakeupRequestID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'running', updated_at = ? WHERE id = ?
			AND status NOT IN ('paused', 'terminated', 'pending_approval')`, now, a.ID); err != nil {
			return err
		}
		out.Claimed = true
		if out.Run, err = tx.runByID(runID); err != nil {
			return err
		}
		agent, err := s.findAgent(tx.ctx, tx, a.ID)
		out.Agent = &agent
		return err
	})
	return out, err
}

// RunStart is what the runner records once a claimed run is prepared (runtime.md §7
// step 3): the final context snapshot, the session it resumes and its log file.
type RunStart struct {
	RunID           string
	Context         map[string]any
	SessionIDBefore string
	LogStore        string
	LogRef          string
}

// RecordRunStart stores the prepared run's context, session and log reference.
func (s *Store) RecordRunStart(ctx context.Context, in RunStart) error {
	raw, err := json.Marshal(in.Context)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET context_snapshot = ?, session_id_before = ?, log_store = ?,
			log_ref = ?, updated_at = ? WHERE id = ?`, string(raw), nullIfEmpty(in.SessionIDBefore), nullIfEmpty(in.LogStore),
			nullIfEmpty(in.LogRef), tx.Now(), in.RunID)
		return err
	})
}

// RecordRunSpawn stores the child's pid, process group and start time, before its
// output is read, so orphan recovery can find the process after a crash.
func (s *Store) RecordRunSpawn(ctx context.Context, runID string, pid, pgid int, startedAt time.Time) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET process_pid = ?, process_group_id = ?, process_started_at = ?,
			updated_at = ? WHERE id = ?`, pid, pgid, FormatTime(startedAt), tx.Now(), runID)
		return err
	})
}

// TouchRunOutput stamps lastOutputAt (the runner throttles it to once per 5 s); the
// updatedAt it moves also tells the reaper the run is alive.
func (s *Store) TouchRunOutput(ctx context.Context, runID string) error {
	return s.write(ctx, func(tx *Tx) error {
		now := tx.Now()
		_, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET last_output_at = ?, updated_at = ? WHERE id = ?`, now, now, runID)
		return err
	})
}

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
// session, the issue's execution lock (released), promotion of deferred wakes, and the
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

// CancelRun cancels a live run (runtime.md §8.2) and writes heartbeat.cancelled; a
// terminal run is returned unchanged. A running run keeps its process: the caller
// stops it and the runner then finishes the row (which stays cancelled).
func (s *Store) CancelRun(ctx context.Context, runID, reason string) (RunSettled, error) {
	var out RunSettled
	err := s.write(ctx, func(tx *Tx) error {
		run, err := tx.runByID(runID)
		if err != nil {
			return err
		}
		out.Run = run
		if IsTerminalRunStatus(run.Status) {
			return nil
		}
		out.WasRunning = run.Status == RunRunning
		settled, err := tx.endRun(s, run, RunCancelled, "cancelled", reason, "run cancelled")
		if err != nil {
			return err
		}
		settled.WasRunning = out.WasRunning
		out = settled
		return tx.logActivity(run.CompanyID, "heartbeat.cancelled", "heartbeat_run", run.ID, map[string]any{
			"runId": run.ID, "agentId": run.AgentID, "reason": reason})
	})
	return out, err
}

// SettleCancelledRun finishes the bookkeeping of a run that another transaction
// cancelled (agent paused, issue cancelled, company archived) when no runner owns it:
// deferred wakes of its issue are promoted and its agent's status settled.
func (s *Store) SettleCancelledRun(ctx context.Context, runID string) (RunSettled, error) {
	var out RunSettled
	err := s.write(ctx, func(tx *Tx) error {
		run, err := tx.runByID(runID)
		if err != nil {
			return err
		}
		out.Run = run
		if !IsTerminalRunStatus(run.Status) {
			return nil
		}
		if out.Promoted, err = tx.releaseAndPromote(s, run); err != nil {
			return err
		}
		out.Agent, err = tx.settleAgent(s, run.AgentID, run.Status, deref(run.Error))
		return err
	})
	return out, err
}

// endRun moves a live run to a terminal status without a runner: the row, its wakeup,
// a lifecycle event, the issue lock and deferred promotion, the agent's status.
func (tx *Tx) endRun(s *Store, run HeartbeatRun, status, code, msg, event string) (RunSettled, error) {
	var out RunSettled
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = ?, error_code = ?, error = ?, finished_at = ?,
		updated_at = ? WHERE id = ?`, status, code, msg, now, now, run.ID); err != nil {
		return out, err
	}
	if err := tx.finishWakeup(run, status, msg); err != nil {
		return out, err
	}
	ev, err := tx.appendRunEvent(run, RunEventInput{EventType: "lifecycle", Stream: "system", Level: levelOf(status),
		Message: event, Payload: map[string]any{"status": status, "errorCode": code}})
	if err != nil {
		return out, err
	}
	out.Events = []RunEvent{ev}
	if out.Run, err = tx.runByID(run.ID); err != nil {
		return out, err
	}
	if out.Promoted, err = tx.releaseAndPromote(s, out.Run); err != nil {
		return out, err
	}
	if run.Status == RunRunning {
		// The runner settles the agent once the process has exited.
		return out, nil
	}
	out.Agent, err = tx.settleAgent(s, run.AgentID, status, msg)
	return out, err
}

func (tx *Tx) runByID(id string) (HeartbeatRun, error) {
	r, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, id))
	return r, translate(err, "Heartbeat run")
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

// releaseAndPromote releases the issue execution lock this run holds and, when the
// issue then has no live run, turns its oldest deferred wake into a queued run.
func (tx *Tx) releaseAndPromote(s *Store, run HeartbeatRun) ([]HeartbeatRun, error) {
	if err := tx.releaseLocksOf([]string{run.ID}); err != nil {
		return nil, err
	}
	if run.IssueID == nil {
		return nil, nil
	}
	return tx.promoteDeferred(s, run.CompanyID, *run.IssueID)
}

// releaseLocksOf clears the execution lock of every issue held by one of runIDs. Every
// path that ends a run calls it in the transaction that ends the run, so no issue is
// left locked by a dead run.
func (tx *Tx) releaseLocksOf(runIDs []string) error {
	if len(runIDs) == 0 {
		return nil
	}
	args := make([]any, len(runIDs))
	for i, id := range runIDs {
		args[i] = id
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE issues SET execution_run_id = NULL, execution_agent_name_key = NULL,
		execution_locked_at = NULL WHERE execution_run_id IN (`+placeholders(len(runIDs))+`)`, args...)
	return err
}

// promoteDeferred queues the oldest deferred wake of an issue that has no live run.
func (tx *Tx) promoteDeferred(s *Store, companyID, issueID string) ([]HeartbeatRun, error) {
	is, err := findIssue(tx.ctx, tx, issueID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if live, err := tx.issueLiveRun(&is); err != nil || live != nil {
		return nil, err
	}
	type deferred struct {
		id, agentID, source, trigger, reason, actorType, actorID string
		payload                                                  map[string]any
	}
	rows, err := tx.QueryContext(tx.ctx, `SELECT id, agent_id, source, COALESCE(trigger_detail, ''), COALESCE(payload, ''),
		COALESCE(requested_by_actor_type, ''), COALESCE(requested_by_actor_id, '')
		FROM agent_wakeup_requests WHERE company_id = ? AND status = 'deferred_issue_execution' ORDER BY created_at, id`, companyID)
	if err != nil {
		return nil, err
	}
	var list []deferred
	for rows.Next() {
		var d deferred
		var payload string
		if err := rows.Scan(&d.id, &d.agentID, &d.source, &d.trigger, &payload, &d.actorType, &d.actorID); err != nil {
			rows.Close()
			return nil, err
		}
		d.payload = decodeObject(payload)
		if d.payload["issueId"] == issueID {
			list = append(list, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := tx.Now()
	for _, d := range list {
		snap, _ := d.payload["_paperclipWakeContext"].(map[string]any)
		reason := firstString(snap["wakeReason"])
		a, err := s.findAgent(tx.ctx, tx, d.agentID)
		if err != nil {
			return nil, err
		}
		fail := func(status, msg string) error {
			_, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = ?, error = ?, finished_at = ?, updated_at = ?
				WHERE id = ?`, status, msg, now, now, d.id)
			return err
		}
		switch {
		case a.Status == AgentPaused || a.Status == AgentTerminated || a.Status == AgentPendingApproval:
			if err := fail(WakeupFailed, "Deferred wake could not be promoted: agent is not invokable"); err != nil {
				return nil, err
			}
			continue
		case IsClosedStatus(is.Status) && reason != WakeIssueReopenedViaComment:
			if err := fail(WakeupSkipped, "Deferred wake dropped: the issue is closed"); err != nil {
				return nil, err
			}
			continue
		}
		payload := map[string]any{}
		for k, v := range d.payload {
			if k != "_paperclipWakeContext" {
				payload[k] = v
			}
		}
		req := WakeRequest{AgentID: a.ID, Source: d.source, TriggerDetail: d.trigger, Payload: payload,
			RequestedByActorType: d.actorType, RequestedByActorID: d.actorID}
		if reason != "" {
			req.Reason = &reason
		}
		if snap == nil {
			snap = enrichContext(req)
		}
		out, err := tx.queueRunFor(a, req, snap, &is, d.id)
		if err != nil {
			return nil, err
		}
		return []HeartbeatRun{*out.Run}, nil
	}
	return nil, nil
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
