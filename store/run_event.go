package store

import (
	"context"
	"database/sql"
	"encoding/json"
)

// RunEventInput is one event to append to a run (runtime.md §12.1).
type RunEventInput struct {
	EventType string
	Stream    string // system, stdout, stderr
	Level     string // info, warn, error
	Color     string
	Message   string
	Payload   map[string]any
}

// AppendRunEvent appends an event with the run's next seq, assigned in the write
// transaction so concurrent writers never collide.
func (s *Store) AppendRunEvent(ctx context.Context, runID string, in RunEventInput) (RunEvent, error) {
	var ev RunEvent
	err := s.write(ctx, func(tx *Tx) error {
		run, err := tx.runByID(runID)
		if err != nil {
			return err
		}
		ev, err = tx.appendRunEvent(run, in)
		return err
	})
	return ev, err
}

func (tx *Tx) appendRunEvent(run HeartbeatRun, in RunEventInput) (RunEvent, error) {
	payload, err := RedactJSON(in.Payload)
	if err != nil {
		return RunEvent{}, err
	}
	var seq int64
	if err := tx.QueryRowContext(tx.ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM heartbeat_run_events WHERE run_id = ?`, run.ID).
		Scan(&seq); err != nil {
		return RunEvent{}, err
	}
	now := tx.Now()
	res, err := tx.ExecContext(tx.ctx, `INSERT INTO heartbeat_run_events (company_id, run_id, agent_id, seq, event_type, stream,
		level, color, message, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.CompanyID, run.ID, run.AgentID, seq, in.EventType, nullIfEmpty(in.Stream), nullIfEmpty(in.Level),
		nullIfEmpty(in.Color), nullIfEmpty(in.Message), nullBytesArg(payload), now)
	if err != nil {
		return RunEvent{}, err
	}
	id, _ := res.LastInsertId()
	ev := RunEvent{ID: id, CompanyID: run.CompanyID, RunID: run.ID, AgentID: run.AgentID, Seq: seq, EventType: in.EventType,
		Stream: optStr(in.Stream), Level: optStr(in.Level), Color: optStr(in.Color), Message: optStr(in.Message),
		Payload: JSONRaw("null"), CreatedAt: now}
	if payload != nil {
		ev.Payload = json.RawMessage(payload)
	}
	return ev, nil
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// LostRun is a running row the runtime may have lost: what recovery needs to find and
// stop its process.
type LostRun struct {
	ID               string
	AgentID          string
	AdapterType      string
	UpdatedAt        string
	ProcessPID       *int64
	ProcessGroupID   *int64
	ProcessStartedAt *string
}

// FindRunningRuns lists every running run with its recorded process identity.
func (s *Store) FindRunningRuns(ctx context.Context) ([]LostRun, error) {
	return queryAll(ctx, s.reader, func(sc scanner) (LostRun, error) {
		var l LostRun
		var pid, pgid sql.NullInt64
		var started sql.NullString
		err := sc.Scan(&l.ID, &l.AgentID, &l.AdapterType, &l.UpdatedAt, &pid, &pgid, &started)
		l.ProcessPID, l.ProcessGroupID, l.ProcessStartedAt = intPtr(pid), intPtr(pgid), strPtr(started)
		return l, err
	}, `SELECT r.id, r.agent_id, a.adapter_type, r.updated_at, r.process_pid,
		r.process_group_id, r.process_started_at FROM heartbeat_runs r JOIN agents a ON a.id = r.agent_id
		WHERE r.status = 'running' ORDER BY r.created_at, r.id`)
}

// FailLostRun marks a running run whose process is gone as failed (process_lost), and
// either queues its one retry, which takes over the issue lock, or releases the lock
// and promotes deferred wakes (runtime.md §9). retry says whether the adapter is
// local; the retry count is checked here.
func (s *Store) FailLostRun(ctx context.Context, runID, msg string, retry bool) (RunSettled, error) {
	var out RunSettled
	err := s.write(ctx, func(tx *Tx) error {
		ex, err := findRunExecution(tx.ctx, tx, runID)
		if err != nil {
			return err
		}
		run := ex.Run
		out.Run = run
		if run.Status != RunRunning {
			return nil
		}
		retry = retry && ex.ProcessLossRetryCount < 1
		if retry {
			msg += "; retrying once"
		}
		now := tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = 'failed', error_code = 'process_lost', error = ?,
			finished_at = ?, updated_at = ? WHERE id = ?`, msg, now, now, run.ID); err != nil {
			return err
		}
		if err := tx.finishWakeup(run, RunFailed, msg); err != nil {
			return err
		}
		ev, err := tx.appendRunEvent(run, RunEventInput{EventType: "lifecycle", Stream: "system", Level: "error",
			Message: "process lost", Payload: map[string]any{"status": RunFailed, "errorCode": "process_lost"}})
		if err != nil {
			return err
		}
		out.Events = []RunEvent{ev}
		if out.Run, err = tx.runByID(run.ID); err != nil {
			return err
		}
		a, err := s.findAgent(tx.ctx, tx, run.AgentID)
		if err != nil {
			return err
		}
		invokable := a.Status != AgentPaused && a.Status != AgentTerminated && a.Status != AgentPendingApproval
		if retry && invokable {
			reason := WakeProcessLost
			req := WakeRequest{AgentID: a.ID, Source: WakeSourceAutomation, TriggerDetail: "system", Reason: &reason,
				RequestedByActorType: "system", RequestedByActorID: "heartbeat_runtime", RetryOfRunID: run.ID,
				ProcessLossRetryCount: ex.ProcessLossRetryCount + 1, Payload: map[string]any{"retryOfRunId": run.ID}}
			snap := mergeContext(ex.Context, map[string]any{"retryOfRunId": run.ID, "wakeReason": reason})
			var is *Issue
			if run.IssueID != nil {
				if found, err := findIssue(tx.ctx, tx, *run.IssueID); err == nil {
					is = &found
				} else if ErrorCode(err) != ENOTFOUND {
					return err
				}
			}
			q, err := tx.createQueuedRun(a, req, snap, is)
			if err != nil {
				return err
			}
			out.Promoted = []HeartbeatRun{*q.Run}
		} else if out.Promoted, err = tx.releaseAndPromote(s, out.Run); err != nil {
			return err
		}
		out.Agent, err = tx.settleAgent(s, run.AgentID, RunFailed, msg)
		return err
	})
	return out, err
}
