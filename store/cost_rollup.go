package store

import (
	"context"
	"time"
)

// lifetimePeriod is the rollup period of the lifetime budget window.
const lifetimePeriod = "lifetime"

// addToRollups adds an event to the spend rollups of its company, agent and project,
// for its UTC month and for all time, in the event's own transaction.
func (tx *Tx) addToRollups(ev CostEvent) error {
	scopes := [][2]string{{BudgetScopeCompany, ev.CompanyID}, {BudgetScopeAgent, ev.AgentID}}
	if ev.ProjectID != nil {
		scopes = append(scopes, [2]string{BudgetScopeProject, *ev.ProjectID})
	}
	for _, sc := range scopes {
		for _, period := range []string{ev.OccurredAt[:7], lifetimePeriod} {
			if _, err := tx.ExecContext(tx.ctx, `INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
				VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (company_id, scope_type, scope_id, period)
				DO UPDATE SET cost_cents = cost_rollups.cost_cents + excluded.cost_cents, event_count = cost_rollups.event_count + 1`,
				ev.CompanyID, sc[0], sc[1], period, ev.CostCents); err != nil {
				return err
			}
		}
	}
	return nil
}

// rollupPeriod reports which rollup answers [from, to) exactly: a whole UTC month, or
// the lifetime window. Any other range is summed from the events.
func rollupPeriod(from, to string) (string, bool) {
	if from == lifetimeStart && to == lifetimeEnd {
		return lifetimePeriod, true
	}
	start, err := time.Parse(TimeLayout, from)
	if err != nil {
		return "", false
	}
	if monthStart, monthEnd := MonthWindow(start); monthStart == from && monthEnd == to {
		return from[:7], true
	}
	return "", false
}

// rollupSpend reads one rollup; a scope without events has no row and spent nothing.
func rollupSpend(ctx context.Context, q querier, companyID, scopeType, scopeID, period string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(cost_cents), 0) FROM cost_rollups WHERE company_id = ? AND scope_type = ?
		AND scope_id = ? AND period = ?`, companyID, scopeType, scopeID, period).Scan(&n)
	return n, err
}
