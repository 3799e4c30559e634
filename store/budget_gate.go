package store

import (
	"context"
	"database/sql"
	"time"
)

// ErrTagBudgetBlocked is the machine code ("code") of a refusal by the invocation gate.
const ErrTagBudgetBlocked = "budget_blocked"

// CheckInvocationGate is the budget gate of costs-budgets §5.1, used before a wake is
// queued, when a run is claimed and at issue checkout: nil when the agent may start
// work (on issueID, which may be ""), else a 409 *Error tagged budget_blocked whose
// details name the blocking scope.
func (s *Store) CheckInvocationGate(ctx context.Context, agentID, issueID string) error {
	return invocationGate(ctx, s.reader, s.Now(), agentID, issueID)
}

func (tx *Tx) invocationGate(agentID, issueID string) error {
	return invocationGate(tx.ctx, tx, tx.now, agentID, issueID)
}

func invocationGate(ctx context.Context, q querier, now time.Time, agentID, issueID string) error {
	var companyID, companyStatus string
	var companyReason, agentReason sql.NullString
	var agentStatus string
	err := q.QueryRowContext(ctx, `SELECT a.company_id, c.status, c.pause_reason, a.status, a.pause_reason
		FROM agents a JOIN companies c ON c.id = a.company_id WHERE a.id = ?`, agentID).
		Scan(&companyID, &companyStatus, &companyReason, &agentStatus, &agentReason)
	if err == sql.ErrNoRows {
		return nil // the caller's own checks answer for a missing agent
	}
	if err != nil {
		return err
	}
	block := func(scopeType, scopeID, msg string) error {
		return &Error{Code: ECONFLICT, Message: msg, Tag: ErrTagBudgetBlocked,
			Details: map[string]any{"scopeType": scopeType, "scopeId": scopeID}}
	}
	if companyStatus == "paused" {
		if companyReason.String == PauseBudget {
			return block(BudgetScopeCompany, companyID, "Company is paused because its budget hard-stop was reached.")
		}
		return block(BudgetScopeCompany, companyID, "Company is paused and cannot start new work.")
	}
	over, err := overHardStop(ctx, q, now, companyID, BudgetScopeCompany, companyID, true)
	if err != nil {
		return err
	}
	if over {
		return block(BudgetScopeCompany, companyID, "Company cannot start new work because its budget hard-stop is exceeded.")
	}
	if agentStatus == "paused" && agentReason.String == PauseBudget {
		return block(BudgetScopeAgent, agentID, "Agent is paused because its budget hard-stop was reached.")
	}
	if over, err = overHardStop(ctx, q, now, companyID, BudgetScopeAgent, agentID, false); err != nil {
		return err
	}
	if over {
		return block(BudgetScopeAgent, agentID, "Agent cannot start because its budget hard-stop is still exceeded.")
	}
	if issueID == "" {
		return nil
	}
	var projectID, projectReason sql.NullString
	err = q.QueryRowContext(ctx, `SELECT i.project_id, p.pause_reason FROM issues i LEFT JOIN projects p ON p.id = i.project_id
		WHERE i.id = ?`, issueID).Scan(&projectID, &projectReason)
	if err == sql.ErrNoRows || (err == nil && !projectID.Valid) {
		return nil
	}
	if err != nil {
		return err
	}
	if projectReason.String == PauseBudget {
		return block(BudgetScopeProject, projectID.String, "Project is paused because its budget hard-stop was reached.")
	}
	if over, err = overHardStop(ctx, q, now, companyID, BudgetScopeProject, projectID.String, false); err != nil {
		return err
	}
	if over {
		return block(BudgetScopeProject, projectID.String, "Project cannot start work because its budget hard-stop is still exceeded.")
	}
	return nil
}

// overHardStop reports whether an active hard-stop policy of the scope is at or over
// its amount in its current window (for the company, only its monthly policy counts).
func overHardStop(ctx context.Context, q querier, now time.Time, companyID, scopeType, scopeID string, monthlyOnly bool) (bool, error) {
	query := `company_id = ? AND scope_type = ? AND scope_id = ? AND is_active = 1 AND hard_stop_enabled = 1 AND amount > 0`
	if monthlyOnly {
		query += ` AND window_kind = 'calendar_month_utc'`
	}
	policies, err := queryPolicies(ctx, q, query, companyID, scopeType, scopeID)
	if err != nil {
		return false, err
	}
	for _, p := range policies {
		start, end := BudgetWindow(p.WindowKind, now)
		observed, err := observedSpend(ctx, q, p, start, end)
		if err != nil {
			return false, err
		}
		if observed >= p.Amount {
			return true, nil
		}
	}
	return false, nil
}
