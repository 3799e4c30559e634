package store

import (
	"context"
	"strings"
)

// Incident resolutions (costs-budgets §4.4).
const (
	ResolveKeepPaused = "keep_paused"
	ResolveRaise      = "raise_budget_and_resume"
)

// IncidentResolution is the body of POST .../budget-incidents/{id}/resolve.
type IncidentResolution struct {
	Action       Optional[string] `json:"action"`
	Amount       Optional[int64]  `json:"amount"`
	DecisionNote Optional[string] `json:"decisionNote"`
}

// Validate checks the body; raising needs the new amount.
func (in *IncidentResolution) Validate() error {
	var p Problems
	allowed := []string{ResolveKeepPaused, ResolveRaise}
	switch v := in.Action; {
	case !v.Set || v.Null:
		p.Required("action")
	case !contains(allowed, v.Value):
		p.Add("invalid_enum_value", enumMessage(allowed, v.Value), "action")
	}
	if v := in.Amount; v.Set && (v.Null || v.Value < 0) {
		p.Add("too_small", "Number must be greater than or equal to 0", "amount")
	}
	if in.Action.Value == ResolveRaise && !in.Amount.Set {
		p.Add("custom", "amount is required when raising a budget", "amount")
	}
	return p.Err()
}

// ResolveBudgetIncident is the board's answer to an open incident: keep the scope paused
// (the incident is dismissed, its approval rejected) or raise the limit above the spend
// and resume (every open incident of the policy resolved, the approval approved).
func (s *Store) ResolveBudgetIncident(ctx context.Context, companyID, incidentID string, in IncidentResolution) (BudgetIncident, error) {
	if err := in.Validate(); err != nil {
		return BudgetIncident{}, err
	}
	var out BudgetIncident
	err := s.write(ctx, func(tx *Tx) error {
		found, err := queryIncidents(tx.ctx, tx, `id = ? AND company_id = ?`, incidentID, companyID)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return NotFound("Budget incident")
		}
		inc := found[0]
		if inc.Status != IncidentOpen {
			return Errorf(ECONFLICT, "Budget incident is not open")
		}
		policies, err := queryPolicies(tx.ctx, tx, `id = ?`, inc.PolicyID)
		if err != nil {
			return err
		}
		if len(policies) == 0 {
			return NotFound("Budget incident")
		}
		p := policies[0]
		note := in.DecisionNote.Ptr()
		if note != nil && strings.TrimSpace(*note) == "" {
			note = nil
		}
		details := map[string]any{"incidentId": inc.ID, "action": in.Action.Value, "amount": in.Amount.Ptr()}
		switch in.Action.Value {
		case ResolveKeepPaused:
			now := tx.Now()
			if _, err := tx.ExecContext(tx.ctx, `UPDATE budget_incidents SET status = 'dismissed', resolved_at = ?, updated_at = ? WHERE id = ?`,
				now, now, inc.ID); err != nil {
				return err
			}
			if inc.ApprovalID != nil {
				if err := tx.decideBudgetOverride(companyID, *inc.ApprovalID, "rejected", note); err != nil {
					return err
				}
			}
		default:
			start, end := BudgetWindow(p.WindowKind, tx.now)
			observed, err := observedSpend(tx.ctx, tx, p, start, end)
			if err != nil {
				return err
			}
			if in.Amount.Value <= observed {
				return Errorf(EUNPROCESSABLE, "New budget must exceed current observed spend")
			}
			p.Amount, p.IsActive = in.Amount.Value, true
			if _, err := tx.ExecContext(tx.ctx, `UPDATE budget_policies SET amount = ?, is_active = 1, updated_at = ? WHERE id = ?`,
				p.Amount, tx.Now(), p.ID); err != nil {
				return err
			}
			if err := tx.mirrorBudget(p); err != nil {
				return err
			}
			if err := tx.releasePolicy(p, "", note); err != nil {
				return err
			}
		}
		if err := tx.logActivity(companyID, "budget.incident_resolved", "budget_incident", inc.ID, details); err != nil {
			return err
		}
		found, err = queryIncidents(tx.ctx, tx, `id = ?`, inc.ID)
		if err != nil {
			return err
		}
		out = found[0]
		return nil
	})
	return out, err
}
