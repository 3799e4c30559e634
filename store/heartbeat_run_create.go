package store

import (
	"time"

	"context"
)

// RunInput is a heartbeat run to create. Empty InvocationSource means on_demand and
// empty Status means queued; StartedAt and FinishedAt are optional.
type RunInput struct {
	CompanyID        string
	AgentID          string
	InvocationSource string
	TriggerDetail    *string
	Status           string
	IssueID          *string
	StartedAt        *time.Time
	FinishedAt       *time.Time
}

// Validate checks the enumerations and required ids of a run.
func (in RunInput) Validate() error {
	var p Problems
	if in.CompanyID == "" {
		p.Required("companyId")
	}
	if in.AgentID == "" {
		p.Required("agentId")
	}
	switch in.InvocationSource {
	case "", "timer", "assignment", "on_demand", "automation":
	default:
		p.Add("invalid_enum_value", "Invalid invocation source", "invocationSource")
	}
	switch in.Status {
	case "", RunQueued, RunRunning, RunSucceeded, RunFailed, RunCancelled, RunTimedOut:
	default:
		p.Add("invalid_enum_value", "Invalid run status", "status")
	}
	return p.Err()
}

// CreateHeartbeatRun inserts one run of an agent of the company and returns it. The
// runtime (server/heartbeat) will create its runs through this call when it turns a
// wakeup into work; until it lands, test fixtures do. Runs write no activity row: their
// progress reaches the board as live events.
func (s *Store) CreateHeartbeatRun(ctx context.Context, in RunInput) (HeartbeatRun, error) {
	if err := in.Validate(); err != nil {
		return HeartbeatRun{}, err
	}
	source, status := in.InvocationSource, in.Status
	if source == "" {
		source = "on_demand"
	}
	if status == "" {
		status = RunQueued
	}
	var run HeartbeatRun
	err := s.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM agents WHERE id = ? AND company_id = ?`,
			in.AgentID, in.CompanyID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return NotFound("Agent")
		}
		if in.IssueID != nil {
			if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM issues WHERE id = ? AND company_id = ?`,
				*in.IssueID, in.CompanyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return NotFound("Issue")
			}
		}
		id, now := NewID(), tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO heartbeat_runs (id, company_id, agent_id, invocation_source,
			trigger_detail, status, issue_id, started_at, finished_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, in.CompanyID, in.AgentID, source, nullStr(in.TriggerDetail),
			status, nullStr(in.IssueID), timeText(in.StartedAt), timeText(in.FinishedAt), now, now); err != nil {
			return err
		}
		var err error
		run, err = scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, id))
		return err
	})
	return run, translate(err, "Heartbeat run")
}

// timeText is an optional timestamp as its column value (NULL when absent).
func timeText(t *time.Time) any {
	if t == nil {
		return nil
	}
	return FormatTime(*t)
}
