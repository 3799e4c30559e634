package store

// The budget engine's two touches of approvals: opening the override request when a
// hard stop fires (through governance's insertApproval, like every approval), and
// deciding it when the board resolves the incident. The decision is written here
// rather than through DecideApproval because it is a consequence of the incident
// resolution inside that transaction, and a budget override has no decision effects
// of its own (approvals.md: decision recorded only).

// openBudgetOverride inserts a pending budget_override_required approval with no
// requester and returns its id.
func (tx *Tx) openBudgetOverride(companyID string, payload map[string]any) (string, error) {
	return tx.insertApproval(companyID, ApprovalBudgetOverride, nil, nil, payload, nil)
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
