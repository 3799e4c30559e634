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

func (tx *Tx) runByID(id string) (HeartbeatRun, error) {
	r, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, id))
	return r, translate(err, "Heartbeat run")
}
