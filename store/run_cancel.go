package store

import "context"

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
