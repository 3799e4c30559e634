package store

// This file is the minimum of costs-budgets.md §2 and §5.1 the heartbeat runtime needs
// until the oversight branch lands its cost and budget engine. Its exported API and
// tx.invocationGate carry the same names and signatures as that branch, so merging it
// is deleting this file: nothing outside it refers to anything else declared here.

import (
	"context"
	"database/sql"
	"time"
)

// ErrTagBudgetBlocked is the machine code ("code") of a refusal by the invocation gate.
const ErrTagBudgetBlocked = "budget_blocked"

// CheckInvocationGate is the budget gate of costs-budgets §5.1: nil when the agent may
// start work (on issueID, which may be ""), else a 409 *Error tagged budget_blocked
// whose details name the blocking scope.
func (s *Store) CheckInvocationGate(ctx context.Context, agentID, issueID string) error {
	return rtInvocationGate(ctx, s.reader, s.Now(), agentID)
}

func (tx *Tx) invocationGate(agentID, issueID string) error {
	return rtInvocationGate(tx.ctx, tx, tx.now, agentID)
}

// rtInvocationGate checks the company and agent scopes: a budget pause, or an active
// hard-stop monthly policy whose month-to-date spend reached its amount.
func rtInvocationGate(ctx context.Context, q querier, now time.Time, agentID string) error {
	var companyID, companyStatus, agentStatus string
	var companyReason, agentReason sql.NullString
	err := q.QueryRowContext(ctx, `SELECT a.company_id, c.status, c.pause_reason, a.status, a.pause_reason
		FROM agents a JOIN companies c ON c.id = a.company_id WHERE a.id = ?`, agentID).
		Scan(&companyID, &companyStatus, &companyReason, &agentStatus, &agentReason)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	block := func(scopeType, scopeID, msg string) error {
		return &Error{Code: ECONFLICT, Message: msg, Tag: ErrTagBudgetBlocked,
			Details: map[string]any{"scopeType": scopeType, "scopeId": scopeID}}
	}
	if companyStatus == "paused" && companyReason.String == PauseBudget {
		return block("company", companyID, "Company is paused because its budget hard-stop was reached.")
	}
	start, end := MonthWindow(now)
	over := func(scopeType, scopeID, spendCond string, args ...any) (bool, error) {
		var amount sql.NullInt64
		err := q.QueryRowContext(ctx, `SELECT MIN(amount) FROM budget_policies WHERE company_id = ? AND scope_type = ?
			AND scope_id = ? AND is_active = 1 AND hard_stop_enabled = 1 AND amount > 0 AND window_kind = 'calendar_month_utc'`,
			companyID, scopeType, scopeID).Scan(&amount)
		if err != nil || !amount.Valid {
			return false, err
		}
		var spent int64
		err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(cost_cents), 0) FROM cost_events WHERE company_id = ?`+spendCond+`
			AND occurred_at >= ? AND occurred_at < ?`, append(append([]any{companyID}, args...), start, end)...).Scan(&spent)
		return spent >= amount.Int64, err
	}
	if o, err := over("company", companyID, ""); err != nil || o {
		if err != nil {
			return err
		}
		return block("company", companyID, "Company cannot start new work because its budget hard-stop is exceeded.")
	}
	if agentStatus == AgentPaused && agentReason.String == PauseBudget {
		return block("agent", agentID, "Agent is paused because its budget hard-stop was reached.")
	}
	if o, err := over("agent", agentID, ` AND agent_id = ?`, agentID); err != nil || o {
		if err != nil {
			return err
		}
		return block("agent", agentID, "Agent cannot start because its budget hard-stop is still exceeded.")
	}
	return nil
}

// CostEvent is one usage record (costs-budgets §2).
type CostEvent struct {
	ID                string  `json:"id"`
	CompanyID         string  `json:"companyId"`
	AgentID           string  `json:"agentId"`
	IssueID           *string `json:"issueId"`
	ProjectID         *string `json:"projectId"`
	GoalID            *string `json:"goalId"`
	HeartbeatRunID    *string `json:"heartbeatRunId"`
	Provider          string  `json:"provider"`
	Biller            string  `json:"biller"`
	BillingType       string  `json:"billingType"`
	Model             string  `json:"model"`
	InputTokens       int64   `json:"inputTokens"`
	CachedInputTokens int64   `json:"cachedInputTokens"`
	OutputTokens      int64   `json:"outputTokens"`
	CostCents         int64   `json:"costCents"`
	OccurredAt        string  `json:"occurredAt"`
	CreatedAt         string  `json:"createdAt"`
}

// CostEventInput is the body of POST /companies/{id}/cost-events, also used by the
// heartbeat runtime after each run.
type CostEventInput struct {
	AgentID           Optional[string] `json:"agentId"`
	Provider          Optional[string] `json:"provider"`
	Model             Optional[string] `json:"model"`
	CostCents         Optional[int64]  `json:"costCents"`
	OccurredAt        Optional[string] `json:"occurredAt"`
	Biller            Optional[string] `json:"biller"`
	BillingType       Optional[string] `json:"billingType"`
	InputTokens       Optional[int64]  `json:"inputTokens"`
	CachedInputTokens Optional[int64]  `json:"cachedInputTokens"`
	OutputTokens      Optional[int64]  `json:"outputTokens"`
	IssueID           Optional[string] `json:"issueId"`
	ProjectID         Optional[string] `json:"projectId"`
	GoalID            Optional[string] `json:"goalId"`
	HeartbeatRunID    Optional[string] `json:"heartbeatRunId"`
}

// CreateCostEvent records a cost event, refreshes the month-to-date spend caches and
// writes cost.reported, in one transaction. The budget engine is the oversight
// branch's; this minimum only records.
func (s *Store) CreateCostEvent(ctx context.Context, companyID string, in CostEventInput) (CostEvent, error) {
	ev := CostEvent{ID: NewID(), CompanyID: companyID, AgentID: in.AgentID.Value, IssueID: in.IssueID.Ptr(),
		ProjectID: in.ProjectID.Ptr(), GoalID: in.GoalID.Ptr(), HeartbeatRunID: in.HeartbeatRunID.Ptr(),
		Provider: in.Provider.Value, Biller: in.Biller.Value, BillingType: in.BillingType.Value, Model: in.Model.Value,
		InputTokens: in.InputTokens.Value, CachedInputTokens: in.CachedInputTokens.Value, OutputTokens: in.OutputTokens.Value,
		CostCents: max(in.CostCents.Value, 0), OccurredAt: in.OccurredAt.Value}
	if ev.Biller == "" {
		ev.Biller = ev.Provider
	}
	if ev.BillingType == "" {
		ev.BillingType = "unknown"
	}
	if ev.Model == "" {
		ev.Model = "unknown"
	}
	if ev.Provider == "" {
		ev.Provider = "unknown"
	}
	err := s.write(ctx, func(tx *Tx) error {
		ev.CreatedAt = tx.Now()
		if ev.OccurredAt == "" {
			ev.OccurredAt = ev.CreatedAt
		}
		if ev.IssueID != nil && (ev.ProjectID == nil || ev.GoalID == nil) {
			var project, goal sql.NullString
			if err := tx.QueryRowContext(tx.ctx, `SELECT project_id, goal_id FROM issues WHERE id = ?`, *ev.IssueID).
				Scan(&project, &goal); err != nil && err != sql.ErrNoRows {
				return err
			}
			if ev.ProjectID == nil {
				ev.ProjectID = strPtr(project)
			}
			if ev.GoalID == nil {
				ev.GoalID = strPtr(goal)
			}
		}
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO cost_events (id, company_id, agent_id, issue_id, project_id, goal_id,
			heartbeat_run_id, provider, biller, billing_type, model, input_tokens, cached_input_tokens, output_tokens,
			cost_cents, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.ID, ev.CompanyID, ev.AgentID, nullStr(ev.IssueID), nullStr(ev.ProjectID), nullStr(ev.GoalID),
			nullStr(ev.HeartbeatRunID), ev.Provider, ev.Biller, ev.BillingType, ev.Model, ev.InputTokens,
			ev.CachedInputTokens, ev.OutputTokens, ev.CostCents, ev.OccurredAt, ev.CreatedAt); err != nil {
			return err
		}
		start, end := MonthWindow(tx.now)
		for _, u := range []struct{ table, cond, id string }{
			{"agents", " AND agent_id = ?", ev.AgentID}, {"companies", "", ev.CompanyID}} {
			args := []any{ev.CompanyID}
			if u.cond != "" {
				args = append(args, u.id)
			}
			args = append(args, start, end, u.id)
			if _, err := tx.ExecContext(tx.ctx, `UPDATE `+u.table+` SET spent_monthly_cents = (SELECT COALESCE(SUM(cost_cents), 0)
				FROM cost_events WHERE company_id = ?`+u.cond+` AND occurred_at >= ? AND occurred_at < ?) WHERE id = ?`, args...); err != nil {
				return err
			}
		}
		return tx.logActivity(ev.CompanyID, "cost.reported", "cost_event", ev.ID, map[string]any{
			"costCents": ev.CostCents, "provider": ev.Provider, "model": ev.Model})
	})
	return ev, err
}
