package store

import (
	"context"
	"database/sql"
)

// PolicyInput is the body of POST /companies/{id}/budgets/policies (an upsert).
type PolicyInput struct {
	ScopeType       Optional[string] `json:"scopeType"`
	ScopeID         Optional[string] `json:"scopeId"`
	Amount          Optional[int64]  `json:"amount"`
	Metric          Optional[string] `json:"metric"`
	WindowKind      Optional[string] `json:"windowKind"`
	WarnPercent     Optional[int64]  `json:"warnPercent"`
	HardStopEnabled Optional[bool]   `json:"hardStopEnabled"`
	NotifyEnabled   Optional[bool]   `json:"notifyEnabled"`
	IsActive        Optional[bool]   `json:"isActive"`
}

// Validate checks the policy body's shapes.
func (in *PolicyInput) Validate() error {
	var p Problems
	enum := func(name string, v Optional[string], allowed []string, required bool) {
		switch {
		case !v.Set:
			if required {
				p.Required(name)
			}
		case v.Null || !contains(allowed, v.Value):
			p.Add("invalid_enum_value", enumMessage(allowed, v.Value), name)
		}
	}
	enum("scopeType", in.ScopeType, budgetScopes, true)
	enum("metric", in.Metric, []string{"billed_cents"}, false)
	enum("windowKind", in.WindowKind, budgetWindows, false)
	switch v := in.ScopeID; {
	case !v.Set || v.Null:
		p.Required("scopeId")
	case !IsUUID(v.Value):
		p.Add("invalid_string", "Invalid uuid", "scopeId")
	}
	switch v := in.Amount; {
	case !v.Set || v.Null:
		p.Required("amount")
	case v.Value < 0:
		p.Add("too_small", "Number must be greater than or equal to 0", "amount")
	}
	if v := in.WarnPercent; v.Set && (v.Null || v.Value < 1 || v.Value > 99) {
		p.Add("too_small", "Number must be between 1 and 99", "warnPercent")
	}
	for name, v := range map[string]Optional[bool]{"hardStopEnabled": in.HardStopEnabled, "notifyEnabled": in.NotifyEnabled, "isActive": in.IsActive} {
		if v.Set && v.Null {
			p.Add("invalid_type", "Expected boolean, received null", name)
		}
	}
	return p.Err()
}

// BudgetInput is the body of PATCH /companies/{id}/budgets and /agents/{id}/budgets.
type BudgetInput struct {
	BudgetMonthlyCents Optional[int64] `json:"budgetMonthlyCents"`
}

// Validate requires a non-negative amount.
func (in *BudgetInput) Validate() error {
	var p Problems
	validateBudget(&p, in.BudgetMonthlyCents)
	if !in.BudgetMonthlyCents.Set {
		p.Required("budgetMonthlyCents")
	}
	return p.Err()
}

// UpsertBudgetPolicy writes a policy and re-evaluates it at once: a raise above the
// observed spend resumes a scope the engine paused, a cut below it stops the scope.
func (s *Store) UpsertBudgetPolicy(ctx context.Context, companyID string, in PolicyInput) (PolicySummary, error) {
	if err := in.Validate(); err != nil {
		return PolicySummary{}, err
	}
	var out PolicySummary
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		if err := tx.requireBudgetScope(companyID, in.ScopeType.Value, in.ScopeID.Value); err != nil {
			return err
		}
		p, err := tx.upsertPolicy(companyID, in)
		if err != nil {
			return err
		}
		out, err = summarize(tx.ctx, tx, p, tx.now)
		return err
	})
	return out, err
}

// SetCompanyBudget is PATCH /companies/{id}/budgets: the company's monthly policy amount.
func (s *Store) SetCompanyBudget(ctx context.Context, companyID string, in BudgetInput) (Company, error) {
	if err := in.Validate(); err != nil {
		return Company{}, err
	}
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		amount := in.BudgetMonthlyCents.Value
		if err := tx.logActivity(companyID, "company.budget_updated", "company", companyID, map[string]any{"budgetMonthlyCents": amount}); err != nil {
			return err
		}
		return tx.upsertMonthlyBudget(companyID, BudgetScopeCompany, companyID, amount)
	})
	if err != nil {
		return Company{}, err
	}
	return s.FindCompanyByID(ctx, companyID)
}

// SetAgentBudget is PATCH /agents/{id}/budgets: the agent's monthly policy amount.
func (s *Store) SetAgentBudget(ctx context.Context, agentID string, in BudgetInput) (Agent, error) {
	if err := in.Validate(); err != nil {
		return Agent{}, err
	}
	a, err := s.FindAgentByID(ctx, agentID)
	if err != nil {
		return a, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		amount := in.BudgetMonthlyCents.Value
		if err := tx.logActivity(a.CompanyID, "agent.budget_updated", "agent", a.ID, map[string]any{"budgetMonthlyCents": amount}); err != nil {
			return err
		}
		return tx.upsertMonthlyBudget(a.CompanyID, BudgetScopeAgent, a.ID, amount)
	})
	if err != nil {
		return Agent{}, err
	}
	return s.FindAgentByID(ctx, agentID)
}

// requireBudgetScope checks that the policy's scope is the company or one of its agents
// or projects.
func (tx *Tx) requireBudgetScope(companyID, scopeType, scopeID string) error {
	deny := Errorf(EUNPROCESSABLE, "Budget scope does not belong to company")
	if scopeType == BudgetScopeCompany {
		if scopeID != companyID {
			return deny
		}
		return nil
	}
	table := "agents"
	if scopeType == BudgetScopeProject {
		table = "projects"
	}
	c, err := tx.companyOf(table, scopeID)
	if err == sql.ErrNoRows || (err == nil && c != companyID) {
		return deny
	}
	return err
}

// upsertMonthlyBudget writes the calendar-month policy of a scope (company, agent) with
// the given amount, keeping its other fields; every budget write path of the API goes
// through upsertPolicy so the budget column mirror and the re-evaluation never diverge.
func (tx *Tx) upsertMonthlyBudget(companyID, scopeType, scopeID string, amount int64) error {
	_, err := tx.upsertPolicy(companyID, PolicyInput{ScopeType: Some(scopeType), ScopeID: Some(scopeID), Amount: Some(amount)})
	return err
}

// upsertPolicy inserts or updates one policy (absent fields: defaults on insert, kept on
// update; amount 0 forces inactive), mirrors a monthly amount into the scope's budget
// column, logs budget.policy_upserted and re-evaluates the policy.
func (tx *Tx) upsertPolicy(companyID string, in PolicyInput) (BudgetPolicy, error) {
	windowKind := orDefault(in.WindowKind, WindowCalendarMonth)
	found, err := queryPolicies(tx.ctx, tx, `company_id = ? AND scope_type = ? AND scope_id = ? AND metric = 'billed_cents' AND window_kind = ?`,
		companyID, in.ScopeType.Value, in.ScopeID.Value, windowKind)
	if err != nil {
		return BudgetPolicy{}, err
	}
	p := BudgetPolicy{ID: NewID(), CompanyID: companyID, ScopeType: in.ScopeType.Value, ScopeID: in.ScopeID.Value,
		Metric: "billed_cents", WindowKind: windowKind, WarnPercent: 80, HardStopEnabled: true, NotifyEnabled: true, IsActive: true}
	exists := len(found) > 0
	if exists {
		p = found[0]
	}
	p.Amount = in.Amount.Value
	if v := in.WarnPercent.Ptr(); v != nil {
		p.WarnPercent = *v
	}
	if v := in.HardStopEnabled.Ptr(); v != nil {
		p.HardStopEnabled = *v
	}
	if v := in.NotifyEnabled.Ptr(); v != nil {
		p.NotifyEnabled = *v
	}
	if v := in.IsActive.Ptr(); v != nil {
		p.IsActive = *v
	} else if exists && p.Amount > 0 {
		p.IsActive = true // a zero amount switched the policy off; a real amount switches it back on
	}
	if p.Amount == 0 {
		p.IsActive = false
	}
	now := tx.Now()
	var userID any
	if tx.actor.IsBoard() {
		userID = tx.actor.UserID
	}
	if exists {
		_, err = tx.ExecContext(tx.ctx, `UPDATE budget_policies SET amount = ?, warn_percent = ?, hard_stop_enabled = ?, notify_enabled = ?,
			is_active = ?, updated_by_user_id = ?, updated_at = ? WHERE id = ?`,
			p.Amount, p.WarnPercent, boolInt(p.HardStopEnabled), boolInt(p.NotifyEnabled), boolInt(p.IsActive), userID, now, p.ID)
	} else {
		_, err = tx.ExecContext(tx.ctx, `INSERT INTO budget_policies (id, company_id, scope_type, scope_id, metric, window_kind, amount,
			warn_percent, hard_stop_enabled, notify_enabled, is_active, created_by_user_id, updated_by_user_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'billed_cents', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, companyID, p.ScopeType, p.ScopeID, p.WindowKind, p.Amount, p.WarnPercent, boolInt(p.HardStopEnabled),
			boolInt(p.NotifyEnabled), boolInt(p.IsActive), userID, userID, now, now)
	}
	if err != nil {
		return p, err
	}
	if err := tx.mirrorBudget(p); err != nil {
		return p, err
	}
	if err := tx.logActivity(companyID, "budget.policy_upserted", "budget_policy", p.ID, map[string]any{
		"scopeType": p.ScopeType, "scopeId": p.ScopeID, "amount": p.Amount, "windowKind": p.WindowKind,
		"warnPercent": p.WarnPercent, "hardStopEnabled": p.HardStopEnabled,
	}); err != nil {
		return p, err
	}
	return p, tx.reevaluatePolicy(p)
}

// mirrorBudget copies a monthly company or agent amount into budget_monthly_cents, which
// data-model §3.8 keeps equal to the policy.
func (tx *Tx) mirrorBudget(p BudgetPolicy) error {
	if p.WindowKind != WindowCalendarMonth {
		return nil
	}
	table := map[string]string{BudgetScopeCompany: "companies", BudgetScopeAgent: "agents"}[p.ScopeType]
	if table == "" {
		return nil
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE `+table+` SET budget_monthly_cents = ?, updated_at = ? WHERE id = ?`, p.Amount, tx.Now(), p.ScopeID)
	return err
}
