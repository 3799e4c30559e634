package store

import (
	"database/sql"
	"encoding/json"
	"time"
)

// insertWakeup writes one agent_wakeup_requests row; skipped rows are finished at once.
func (tx *Tx) insertWakeup(a Agent, req WakeRequest, status, reason string, payload map[string]any, runID, errText string) (string, error) {
	id := NewID()
	var raw any
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return "", err
		}
		raw = string(b)
	}
	now := tx.Now()
	var finished any
	if status == WakeupSkipped {
		finished = now
	}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO agent_wakeup_requests (id, company_id, agent_id, source, trigger_detail, reason,
		payload, status, requested_by_actor_type, requested_by_actor_id, idempotency_key, run_id, requested_at, finished_at,
		error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, a.CompanyID, a.ID, req.Source, nullIfEmpty(req.TriggerDetail), nullIfEmpty(reason), raw, status,
		nullIfEmpty(req.RequestedByActorType), nullIfEmpty(req.RequestedByActorID), nullIfEmpty(req.IdempotencyKey),
		nullIfEmpty(runID), now, finished, nullIfEmpty(errText), now, now)
	return id, err
}

// idempotentWake answers a repeated idempotency key with the earlier request's outcome.
func (tx *Tx) idempotentWake(agentID, key string) (WakeOutcome, bool, error) {
	since := FormatTime(tx.now.Add(-24 * time.Hour))
	var id, status string
	var reason, runID, errText, payload sql.NullString
	err := tx.QueryRowContext(tx.ctx, `SELECT id, status, reason, run_id, error, payload FROM agent_wakeup_requests
		WHERE agent_id = ? AND idempotency_key = ? AND requested_at >= ? ORDER BY requested_at DESC, id DESC LIMIT 1`,
		agentID, key, since).Scan(&id, &status, &reason, &runID, &errText, &payload)
	if err == sql.ErrNoRows {
		return WakeOutcome{}, false, nil
	}
	if err != nil {
		return WakeOutcome{}, false, err
	}
	if runID.Valid {
		run, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, runID.String))
		if err == nil {
			return WakeOutcome{Run: &run, WakeupID: id}, true, nil
		}
		if err != sql.ErrNoRows {
			return WakeOutcome{}, false, err
		}
	}
	skip := &WakeSkip{Reason: reason.String, Message: errText.String}
	if status == WakeupDeferred {
		skip.Reason = SkipDeferred
		if is := firstString(decodeObject(payload.String)["issueId"]); is != "" {
			skip.IssueID = &is
		}
	}
	return WakeOutcome{Skip: skip, WakeupID: id}, true, nil
}

// rawRunContext reads a run's context snapshot as stored, unredacted, for merging.
func (tx *Tx) rawRunContext(runID string) (map[string]any, error) {
	var raw sql.NullString
	err := tx.QueryRowContext(tx.ctx, `SELECT context_snapshot FROM heartbeat_runs WHERE id = ?`, runID).Scan(&raw)
	return decodeObject(raw.String), err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func strPtrArg(n sql.NullString) any {
	if !n.Valid {
		return nil
	}
	return n.String
}
