package store

import "encoding/json"

// The budget engine's two touches of approvals: opening the override request when a
// hard stop fires, and deciding it when the board resolves the incident.
//
// REPLACE when governance lands on main: openBudgetOverride becomes a call to its
// tx.insertApproval(companyID, ApprovalBudgetOverride, nil, nil, payload, nil), and
// decideBudgetOverride should reuse its decision writer. Until then both write the
// approvals table directly, in these two small functions only.

// openBudgetOverride inserts a pending budget_override_required approval with no
// requester and returns its id.
func (tx *Tx) openBudgetOverride(companyID string, payload map[string]any) (string, error) {
	text, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	id, now := NewID(), tx.Now()
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO approvals (id, company_id, type, status, payload, created_at, updated_at)
		VALUES (?, ?, 'budget_override_required', 'pending', ?, ?, ?)`, id, companyID, string(text), now, now)
	return id, err
}

// decideBudgetOverride approves or rejects a still-pending override approval as the
// acting board user, with the activity row of that decision. A decided approval is
// left as it is.
func (tx *Tx) decideBudgetOverride(companyID, approvalID, status string, note *string) error {
	now := tx.Now()
	var userID any
	if tx.actor.IsBoard() {
		userID = tx.actor.UserID
	}
	res, err := tx.ExecContext(tx.ctx, `UPDATE approvals SET status = ?, decision_note = ?, decided_by_user_id = ?, decided_at = ?,
		updated_at = ? WHERE id = ? AND status = 'pending'`, status, nullStr(note), userID, now, now, approvalID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.logActivity(companyID, "approval."+status, "approval", approvalID, map[string]any{"type": "budget_override_required"})
}
