package store

import (
	"context"
	"database/sql"
	"strings"
)

// Billing types and cost statuses of cost events (data-model §4).
var (
	BillingTypes = []string{"metered_api", "subscription_included", "subscription_overage", "credits", "fixed", "unknown"}
	CostStatuses = []string{"reported", "unpriced"}
)

// CostEvent is one usage record: who spent how much on which provider and model, and
// for what work. Money is integer cents.
type CostEvent struct {
	ID                string  `json:"id"`
	CompanyID         string  `json:"companyId"`
	AgentID           string  `json:"agentId"`
	IssueID           *string `json:"issueId"`
	ProjectID         *string `json:"projectId"`
	GoalID            *string `json:"goalId"`
	HeartbeatRunID    *string `json:"heartbeatRunId"`
	BillingCode       *string `json:"billingCode"`
	Provider          string  `json:"provider"`
	Biller            string  `json:"biller"`
	BillingType       string  `json:"billingType"`
	CostStatus        string  `json:"costStatus"`
	Model             string  `json:"model"`
	InputTokens       int64   `json:"inputTokens"`
	CachedInputTokens int64   `json:"cachedInputTokens"`
	OutputTokens      int64   `json:"outputTokens"`
	CostCents         int64   `json:"costCents"`
	OccurredAt        string  `json:"occurredAt"`
	CreatedAt         string  `json:"createdAt"`
}

// CostEventInput is the body of POST /companies/{id}/cost-events, also used by the
// heartbeat runtime after each run so both paths share spend and budget rules.
type CostEventInput struct {
	AgentID           Optional[string] `json:"agentId"`
	Provider          Optional[string] `json:"provider"`
	Model             Optional[string] `json:"model"`
	CostCents         Optional[int64]  `json:"costCents"`
	OccurredAt        Optional[string] `json:"occurredAt"`
	Biller            Optional[string] `json:"biller"`
	BillingType       Optional[string] `json:"billingType"`
	CostStatus        Optional[string] `json:"costStatus"`
	InputTokens       Optional[int64]  `json:"inputTokens"`
	CachedInputTokens Optional[int64]  `json:"cachedInputTokens"`
	OutputTokens      Optional[int64]  `json:"outputTokens"`
	IssueID           Optional[string] `json:"issueId"`
	ProjectID         Optional[string] `json:"projectId"`
	GoalID            Optional[string] `json:"goalId"`
	HeartbeatRunID    Optional[string] `json:"heartbeatRunId"`
	BillingCode       Optional[string] `json:"billingCode"`
}

// Validate checks field shapes; references are checked inside the transaction.
func (in *CostEventInput) Validate() error {
	var p Problems
	if v := in.AgentID; !v.Set || v.Null {
		p.Required("agentId")
	} else if !IsUUID(v.Value) {
		p.Add("invalid_string", "Invalid uuid", "agentId")
	}
	for _, f := range []struct {
		name     string
		v        Optional[string]
		required bool
	}{{"provider", in.Provider, true}, {"model", in.Model, true}, {"biller", in.Biller, false}} {
		switch {
		case !f.v.Set:
			if f.required {
				p.Required(f.name)
			}
		case f.v.Null:
			p.Add("invalid_type", "Expected string, received null", f.name)
		case strings.TrimSpace(f.v.Value) == "":
			p.Add("too_small", "String must contain at least 1 character(s)", f.name)
		}
	}
	if !in.CostCents.Set || in.CostCents.Null {
		p.Required("costCents")
	}
	for _, f := range []struct {
		name string
		v    Optional[int64]
	}{{"costCents", in.CostCents}, {"inputTokens", in.InputTokens}, {"cachedInputTokens", in.CachedInputTokens}, {"outputTokens", in.OutputTokens}} {
		if f.v.Set && f.v.Null && f.name != "costCents" {
			p.Add("invalid_type", "Expected number, received null", f.name)
		}
		if f.v.Value < 0 {
			p.Add("too_small", "Number must be greater than or equal to 0", f.name)
		}
	}
	switch v := in.OccurredAt; {
	case !v.Set || v.Null:
		p.Required("occurredAt")
	default:
		if _, ok := NormalizeTime(v.Value); !ok {
			p.Add("invalid_string", "Invalid datetime", "occurredAt")
		}
	}
	for _, f := range []struct {
		name    string
		v       Optional[string]
		allowed []string
	}{{"billingType", in.BillingType, BillingTypes}, {"costStatus", in.CostStatus, CostStatuses}} {
		if f.v.Set && (f.v.Null || !contains(f.allowed, f.v.Value)) {
			p.Add("invalid_enum_value", enumMessage(f.allowed, f.v.Value), f.name)
		}
	}
	for name, v := range map[string]Optional[string]{"issueId": in.IssueID, "projectId": in.ProjectID, "goalId": in.GoalID, "heartbeatRunId": in.HeartbeatRunID} {
		if id := v.Ptr(); id != nil && !IsUUID(*id) {
			p.Add("invalid_string", "Invalid uuid", name)
		}
	}
	return p.Err()
}

func orDefault(o Optional[string], def string) string {
	if v := o.Ptr(); v != nil {
		return *v
	}
	return def
}

// CreateCostEvent records a cost event and, in the same transaction, refreshes the
// month-to-date spend caches of its agent and company and runs the budget engine, so a
// crossing of the hard stop pauses the scope before anyone can start more work.
func (s *Store) CreateCostEvent(ctx context.Context, companyID string, in CostEventInput) (CostEvent, error) {
	if err := in.Validate(); err != nil {
		return CostEvent{}, err
	}
	var out CostEvent
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		ev, err := tx.prepareCostEvent(companyID, in)
		if err != nil {
			return err
		}
		if err := tx.insertCostEvent(&ev); err != nil {
			return err
		}
		out = ev
		return tx.evaluateBudgets(ev)
	})
	return out, err
}

// prepareCostEvent checks the actor and every reference of the event and fills defaults.
func (tx *Tx) prepareCostEvent(companyID string, in CostEventInput) (CostEvent, error) {
	a := tx.actor
	agentID := in.AgentID.Value
	if err := tx.authorize(ActCostReport, Target{CompanyID: companyID, AgentID: agentID}); err != nil {
		return CostEvent{}, err
	}
	agentCompany, err := tx.companyOf("agents", agentID)
	if err == sql.ErrNoRows {
		return CostEvent{}, NotFound("Agent")
	}
	if err != nil {
		return CostEvent{}, err
	}
	if agentCompany != companyID {
		return CostEvent{}, Errorf(EUNPROCESSABLE, "Agent does not belong to company")
	}
	occurred, _ := NormalizeTime(in.OccurredAt.Value)
	ev := CostEvent{
		ID: NewID(), CompanyID: companyID, AgentID: agentID,
		IssueID: in.IssueID.Ptr(), ProjectID: in.ProjectID.Ptr(), GoalID: in.GoalID.Ptr(), HeartbeatRunID: in.HeartbeatRunID.Ptr(),
		BillingCode: in.BillingCode.Ptr(), Provider: in.Provider.Value, Model: in.Model.Value,
		Biller: orDefault(in.Biller, in.Provider.Value), BillingType: orDefault(in.BillingType, "unknown"),
		CostStatus: orDefault(in.CostStatus, "reported"), InputTokens: in.InputTokens.Value,
		CachedInputTokens: in.CachedInputTokens.Value, OutputTokens: in.OutputTokens.Value,
		CostCents: in.CostCents.Value, OccurredAt: occurred, CreatedAt: tx.Now(),
	}
	// An agent reporting during a run is attributed to that run unless it names one.
	if ev.HeartbeatRunID == nil && a.IsAgent() && a.RunID != "" {
		if c, err := tx.companyOf("heartbeat_runs", a.RunID); err == nil && c == companyID {
			run := a.RunID
			ev.HeartbeatRunID = &run
		}
	}
	for _, ref := range []struct {
		table, entity string
		id            *string
	}{{"issues", "Issue", ev.IssueID}, {"projects", "Project", ev.ProjectID}, {"goals", "Goal", ev.GoalID}, {"heartbeat_runs", "Heartbeat run", ev.HeartbeatRunID}} {
		if ref.id == nil {
			continue
		}
		c, err := tx.companyOf(ref.table, *ref.id)
		if err != nil && err != sql.ErrNoRows {
			return ev, err
		}
		if err == sql.ErrNoRows || c != companyID {
			return ev, Errorf(EUNPROCESSABLE, "%s must belong to same company", ref.entity)
		}
	}
	if ev.IssueID != nil && ev.ProjectID == nil {
		var project sql.NullString
		if err := tx.QueryRowContext(tx.ctx, `SELECT project_id FROM issues WHERE id = ?`, *ev.IssueID).Scan(&project); err != nil {
			return ev, err
		}
		ev.ProjectID = strPtr(project)
	}
	return ev, nil
}

// companyOf reads the company of a row of one of the company-owned tables.
func (tx *Tx) companyOf(table, id string) (string, error) {
	var c string
	err := tx.QueryRowContext(tx.ctx, `SELECT company_id FROM `+table+` WHERE id = ?`, id).Scan(&c)
	return c, err
}

func (tx *Tx) insertCostEvent(ev *CostEvent) error {
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO cost_events (id, company_id, agent_id, issue_id, project_id, goal_id,
		heartbeat_run_id, billing_code, provider, biller, billing_type, cost_status, model, input_tokens, cached_input_tokens,
		output_tokens, cost_cents, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.ID, ev.CompanyID, ev.AgentID, nullStr(ev.IssueID), nullStr(ev.ProjectID), nullStr(ev.GoalID),
		nullStr(ev.HeartbeatRunID), nullStr(ev.BillingCode), ev.Provider, ev.Biller, ev.BillingType, ev.CostStatus, ev.Model,
		ev.InputTokens, ev.CachedInputTokens, ev.OutputTokens, ev.CostCents, ev.OccurredAt, ev.CreatedAt); err != nil {
		return err
	}
	if err := tx.addToRollups(*ev); err != nil {
		return err
	}
	if err := tx.refreshSpendCaches(ev.CompanyID, ev.AgentID); err != nil {
		return err
	}
	return tx.logActivity(ev.CompanyID, "cost.reported", "cost_event", ev.ID, map[string]any{
		"costCents": ev.CostCents, "provider": ev.Provider, "model": ev.Model})
}

// refreshSpendCaches rewrites the spent_monthly_cents columns of the agent and company
// from the live month sums. Reads compute the same sums themselves, so the cache is for
// other readers of the database (exports, ad-hoc queries), never a second truth.
func (tx *Tx) refreshSpendCaches(companyID, agentID string) error {
	start, end := MonthWindow(tx.now)
	agentSpend, err := sumCosts(tx.ctx, tx, companyID, "agent_id", agentID, start, end)
	if err != nil {
		return err
	}
	companySpend, err := sumCosts(tx.ctx, tx, companyID, "", "", start, end)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET spent_monthly_cents = ? WHERE id = ?`, agentSpend, agentID); err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `UPDATE companies SET spent_monthly_cents = ? WHERE id = ?`, companySpend, companyID)
	return err
}

// sumCosts is the spend of a company, or of one agent or project of it (scopeCol
// agent_id / project_id), with occurredAt in [from, to); empty bounds are open. A whole
// month or the lifetime window is read from the rollups, anything else is summed.
func sumCosts(ctx context.Context, q querier, companyID, scopeCol, scopeID, from, to string) (int64, error) {
	if period, ok := rollupPeriod(from, to); ok {
		switch scopeCol {
		case "":
			return rollupSpend(ctx, q, companyID, BudgetScopeCompany, companyID, period)
		case "agent_id":
			return rollupSpend(ctx, q, companyID, BudgetScopeAgent, scopeID, period)
		case "project_id":
			return rollupSpend(ctx, q, companyID, BudgetScopeProject, scopeID, period)
		}
	}
	var c conds
	c.add("company_id = ?", companyID)
	if scopeCol != "" {
		c.add(scopeCol+" = ?", scopeID)
	}
	if from != "" {
		c.add("occurred_at >= ?", from)
	}
	if to != "" {
		c.add("occurred_at < ?", to)
	}
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(cost_cents), 0) FROM cost_events WHERE `+c.sql(), c.args...).Scan(&n)
	return n, err
}
