package store

// cancelBudget is the error of runs and wakeups the hard stop cancels.
const cancelBudget = "Cancelled due to budget pause"

// evaluateBudgets runs the budget engine for a new cost event, inside its transaction:
// every active policy with an amount that covers the event (the company's, the agent's,
// the project's) is checked against its window's spend.
func (tx *Tx) evaluateBudgets(ev CostEvent) error {
	query := `company_id = ? AND is_active = 1 AND amount > 0 AND ((scope_type = 'company' AND scope_id = ?) OR (scope_type = 'agent' AND scope_id = ?)`
	args := []any{ev.CompanyID, ev.CompanyID, ev.AgentID}
	if ev.ProjectID != nil {
		query += ` OR (scope_type = 'project' AND scope_id = ?)`
		args = append(args, *ev.ProjectID)
	}
	policies, err := queryPolicies(tx.ctx, tx, query+`) ORDER BY created_at, id`, args...)
	if err != nil {
		return err
	}
	for _, p := range policies {
		if err := tx.checkThresholds(p); err != nil {
			return err
		}
	}
	return nil
}

// checkThresholds applies the soft and hard rules of one active policy in its current
// window. Each threshold opens at most one incident per window unless it was dismissed.
func (tx *Tx) checkThresholds(p BudgetPolicy) error {
	start, end := BudgetWindow(p.WindowKind, tx.now)
	observed, err := observedSpend(tx.ctx, tx, p, start, end)
	if err != nil {
		return err
	}
	if p.NotifyEnabled && observed >= p.softThreshold() {
		open, err := tx.hasIncident(p.ID, start, ThresholdSoft)
		if err != nil {
			return err
		}
		if !open {
			inc, err := tx.insertIncident(p, start, end, ThresholdSoft, observed, nil)
			if err != nil {
				return err
			}
			if err := tx.logBudgetActivity(p.CompanyID, "budget.soft_threshold_crossed", "budget_incident", inc.ID, map[string]any{
				"policyId": p.ID, "scopeType": p.ScopeType, "scopeId": p.ScopeID, "amountLimit": p.Amount,
				"amountObserved": observed, "warnPercent": p.WarnPercent}); err != nil {
				return err
			}
		}
	}
	if p.HardStopEnabled && observed >= p.Amount {
		open, err := tx.hasIncident(p.ID, start, ThresholdHard)
		if err != nil || open {
			return err
		}
		return tx.hardStop(p, start, end, observed)
	}
	return nil
}

// hardStop is the 100 % rule: an override approval and a hard incident are opened, the
// scope is paused for budget, and its queued and running work is cancelled (the runs
// are stopped after commit through the run-stopper seam).
func (tx *Tx) hardStop(p BudgetPolicy, start, end string, observed int64) error {
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE budget_incidents SET status = 'resolved', resolved_at = ?, updated_at = ?
		WHERE policy_id = ? AND window_start = ? AND threshold_type = 'soft' AND status = 'open'`, now, now, p.ID, start); err != nil {
		return err
	}
	st, err := findScopeState(tx.ctx, tx, p.ScopeType, p.ScopeID)
	if err != nil {
		return err
	}
	incidentID := NewID()
	approvalID, err := tx.openBudgetOverride(p.CompanyID, map[string]any{
		"incidentId": incidentID, "policyId": p.ID, "scopeType": p.ScopeType, "scopeId": p.ScopeID, "scopeName": st.name,
		"windowKind": p.WindowKind, "windowStart": start, "windowEnd": end, "amountLimit": p.Amount, "amountObserved": observed,
	})
	if err != nil {
		return err
	}
	inc, err := tx.insertIncidentWithID(incidentID, p, start, end, ThresholdHard, observed, &approvalID)
	if err != nil {
		return err
	}
	if err := tx.pauseForBudget(p.ScopeType, p.ScopeID); err != nil {
		return err
	}
	if err := tx.cancelBudgetWork(p.CompanyID, p.ScopeType, p.ScopeID); err != nil {
		return err
	}
	if err := tx.logBudgetActivity(p.CompanyID, "budget.hard_threshold_crossed", "budget_incident", inc.ID, map[string]any{
		"policyId": p.ID, "scopeType": p.ScopeType, "scopeId": p.ScopeID, "amountLimit": p.Amount,
		"amountObserved": observed, "approvalId": approvalID}); err != nil {
		return err
	}
	return tx.logBudgetActivity(p.CompanyID, "approval.created", "approval", approvalID, map[string]any{"type": "budget_override_required"})
}

// logBudgetActivity writes an activity row as the budget service, whoever's request
// crossed the threshold.
func (tx *Tx) logBudgetActivity(companyID, action, entityType, entityID string, details any) error {
	return tx.insertActivity(Activity{CompanyID: companyID, ActorType: "system", ActorID: BudgetServiceID,
		Action: action, EntityType: entityType, EntityID: entityID}, details)
}

func (tx *Tx) hasIncident(policyID, windowStart, threshold string) (bool, error) {
	var n int
	err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM budget_incidents WHERE policy_id = ? AND window_start = ?
		AND threshold_type = ? AND status <> 'dismissed'`, policyID, windowStart, threshold).Scan(&n)
	return n > 0, err
}

func (tx *Tx) insertIncident(p BudgetPolicy, start, end, threshold string, observed int64, approvalID *string) (BudgetIncident, error) {
	return tx.insertIncidentWithID(NewID(), p, start, end, threshold, observed, approvalID)
}

func (tx *Tx) insertIncidentWithID(id string, p BudgetPolicy, start, end, threshold string, observed int64, approvalID *string) (BudgetIncident, error) {
	now := tx.Now()
	inc := BudgetIncident{ID: id, CompanyID: p.CompanyID, PolicyID: p.ID, ScopeType: p.ScopeType, ScopeID: p.ScopeID,
		Metric: p.Metric, WindowKind: p.WindowKind, WindowStart: start, WindowEnd: end, ThresholdType: threshold,
		AmountLimit: p.Amount, AmountObserved: observed, Status: IncidentOpen, ApprovalID: approvalID, CreatedAt: now, UpdatedAt: now}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO budget_incidents (id, company_id, policy_id, scope_type, scope_id, metric, window_kind,
		window_start, window_end, threshold_type, amount_limit, amount_observed, status, approval_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
		inc.ID, inc.CompanyID, inc.PolicyID, inc.ScopeType, inc.ScopeID, inc.Metric, inc.WindowKind, start, end, threshold,
		inc.AmountLimit, observed, nullStr(approvalID), now, now)
	return inc, err
}

// pauseForBudget pauses a scope with pauseReason budget. Agents are paused only from a
// working state (a pending or terminated agent has nothing to stop); an agent already
// paused by hand keeps its reason.
func (tx *Tx) pauseForBudget(scopeType, scopeID string) error {
	now := tx.Now()
	var err error
	switch scopeType {
	case BudgetScopeAgent:
		_, err = tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'paused', pause_reason = 'budget', paused_at = ?, updated_at = ?
			WHERE id = ? AND status IN ('active', 'idle', 'running', 'error')`, now, now, scopeID)
	case BudgetScopeProject:
		_, err = tx.ExecContext(tx.ctx, `UPDATE projects SET pause_reason = 'budget', paused_at = ?, updated_at = ? WHERE id = ?`, now, now, scopeID)
	default:
		_, err = tx.ExecContext(tx.ctx, `UPDATE companies SET status = 'paused', pause_reason = 'budget', paused_at = ?, updated_at = ?
			WHERE id = ? AND status <> 'archived'`, now, now, scopeID)
	}
	return err
}

// resumeFromBudget undoes pauseForBudget for a scope the engine paused, and only then:
// a manual pause is the board's to lift.
func (tx *Tx) resumeFromBudget(scopeType, scopeID string) error {
	now := tx.Now()
	var err error
	switch scopeType {
	case BudgetScopeAgent:
		_, err = tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'idle', pause_reason = NULL, paused_at = NULL, updated_at = ?
			WHERE id = ? AND status = 'paused' AND pause_reason = 'budget'`, now, scopeID)
	case BudgetScopeProject:
		_, err = tx.ExecContext(tx.ctx, `UPDATE projects SET pause_reason = NULL, paused_at = NULL, updated_at = ?
			WHERE id = ? AND pause_reason = 'budget'`, now, scopeID)
	default:
		_, err = tx.ExecContext(tx.ctx, `UPDATE companies SET status = 'active', pause_reason = NULL, paused_at = NULL, updated_at = ?
			WHERE id = ? AND status = 'paused' AND pause_reason = 'budget'`, now, scopeID)
	}
	return err
}

// cancelBudgetWork cancels the live runs and pending wakeups of a stopped scope: an
// agent's own, a project's runs on its issues, or the whole company's. Each cancelled
// run is recorded on the transaction so its process is stopped after commit.
func (tx *Tx) cancelBudgetWork(companyID, scopeType, scopeID string) error {
	var runWhere, wakeWhere string
	var args []any
	switch scopeType {
	case BudgetScopeAgent:
		runWhere, wakeWhere, args = `agent_id = ?`, `agent_id = ?`, []any{scopeID}
	case BudgetScopeProject:
		runWhere = `company_id = ? AND issue_id IN (SELECT id FROM issues WHERE project_id = ?)`
		args = []any{companyID, scopeID}
	default:
		runWhere, wakeWhere, args = `company_id = ?`, `company_id = ?`, []any{companyID}
	}
	live := ` AND status IN ('queued', 'running', 'scheduled_retry')`
	runs, err := queryAll(tx.ctx, tx, scanString, `SELECT id FROM heartbeat_runs WHERE `+runWhere+live+` ORDER BY created_at, id`, args...)
	if err != nil {
		return err
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = 'cancelled', error = ?, error_code = 'cancelled',
		finished_at = ?, updated_at = ? WHERE `+runWhere+live, append([]any{cancelBudget, now, now}, args...)...); err != nil {
		return err
	}
	if wakeWhere != "" {
		if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = 'cancelled', error = ?, finished_at = ?, updated_at = ?
			WHERE `+wakeWhere+` AND status IN ('queued', 'deferred_issue_execution') AND run_id IS NULL`,
			append([]any{cancelBudget, now, now}, args...)...); err != nil {
			return err
		}
	}
	for _, id := range runs {
		tx.stopRun(id)
	}
	return nil
}

// reevaluatePolicy applies a policy write to its scope (costs-budgets §4.3): below the
// limit, or switched off, the engine's pause is lifted and the policy's open incidents
// of this window are resolved with their approvals approved; at or over it, the usual
// thresholds apply.
func (tx *Tx) reevaluatePolicy(p BudgetPolicy) error {
	start, end := BudgetWindow(p.WindowKind, tx.now)
	observed, err := observedSpend(tx.ctx, tx, p, start, end)
	if err != nil {
		return err
	}
	if !p.IsActive || p.Amount == 0 || observed < p.Amount {
		if err := tx.releasePolicy(p, start, nil); err != nil {
			return err
		}
	}
	if !p.IsActive || p.Amount == 0 {
		return nil
	}
	return tx.checkThresholds(p)
}

// releasePolicy resumes the scope of a policy the engine had paused and resolves the
// policy's open incidents in the window (all windows when windowStart is ""), approving
// their pending override approvals with note.
func (tx *Tx) releasePolicy(p BudgetPolicy, windowStart string, note *string) error {
	query := `policy_id = ? AND status = 'open'`
	args := []any{p.ID}
	if windowStart != "" {
		query += ` AND window_start = ?`
		args = append(args, windowStart)
	}
	incidents, err := queryIncidents(tx.ctx, tx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return err
	}
	now := tx.Now()
	for _, inc := range incidents {
		if _, err := tx.ExecContext(tx.ctx, `UPDATE budget_incidents SET status = 'resolved', resolved_at = ?, updated_at = ? WHERE id = ?`,
			now, now, inc.ID); err != nil {
			return err
		}
		if inc.ApprovalID != nil {
			if err := tx.decideBudgetOverride(p.CompanyID, *inc.ApprovalID, "approved", note); err != nil {
				return err
			}
		}
	}
	return tx.resumeFromBudget(p.ScopeType, p.ScopeID)
}
