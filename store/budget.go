package store

import (
	"database/sql"
	"time"
)

// MonthWindow is the current UTC calendar month [start, end) as timestamp text
// (data-model §3.8), the window of every monthly budget and spend figure.
func MonthWindow(now time.Time) (string, string) {
	now = now.UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return FormatTime(start), FormatTime(start.AddDate(0, 1, 0))
}

// upsertMonthlyBudget writes the calendar-month policy of a scope and mirrors its amount
// into the scope's budget column (data-model §3.8 keeps the two equal).
func (tx *Tx) upsertMonthlyBudget(companyID, scopeType, scopeID string, amount int64) error {
	now := tx.Now()
	var policyID string
	err := tx.QueryRowContext(tx.ctx, `SELECT id FROM budget_policies WHERE company_id = ? AND scope_type = ? AND scope_id = ?
		AND metric = 'billed_cents' AND window_kind = 'calendar_month_utc'`, companyID, scopeType, scopeID).Scan(&policyID)
	userID := nullStr(nil)
	if tx.actor.IsBoard() {
		userID = tx.actor.UserID
	}
	switch {
	case err == sql.ErrNoRows:
		policyID = NewID()
		_, err = tx.ExecContext(tx.ctx, `INSERT INTO budget_policies (id, company_id, scope_type, scope_id, metric, window_kind, amount,
			warn_percent, hard_stop_enabled, notify_enabled, is_active, created_by_user_id, updated_by_user_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'billed_cents', 'calendar_month_utc', ?, 80, 1, 1, ?, ?, ?, ?, ?)`,
			policyID, companyID, scopeType, scopeID, amount, boolInt(amount > 0), userID, userID, now, now)
	case err == nil:
		_, err = tx.ExecContext(tx.ctx, `UPDATE budget_policies SET amount = ?, is_active = ?, updated_by_user_id = ?, updated_at = ? WHERE id = ?`,
			amount, boolInt(amount > 0), userID, now, policyID)
	}
	if err != nil {
		return err
	}
	table := map[string]string{"company": "companies", "agent": "agents"}[scopeType]
	if table != "" {
		if _, err := tx.ExecContext(tx.ctx, `UPDATE `+table+` SET budget_monthly_cents = ?, updated_at = ? WHERE id = ?`, amount, now, scopeID); err != nil {
			return err
		}
	}
	return tx.logActivity(companyID, "budget.policy_upserted", "budget_policy", policyID, map[string]any{
		"scopeType": scopeType, "scopeId": scopeID, "amount": amount, "windowKind": "calendar_month_utc",
	})
}
