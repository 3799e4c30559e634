package store

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"time"
)

// Budget enums (data-model §4).
const (
	BudgetScopeCompany = "company"
	BudgetScopeAgent   = "agent"
	BudgetScopeProject = "project"

	WindowCalendarMonth = "calendar_month_utc"
	WindowLifetime      = "lifetime"

	ThresholdSoft = "soft"
	ThresholdHard = "hard"

	IncidentOpen      = "open"
	IncidentResolved  = "resolved"
	IncidentDismissed = "dismissed"

	// BudgetServiceID is the system actor of every effect the budget engine causes.
	BudgetServiceID = "budget_service"
)

var (
	budgetScopes  = []string{BudgetScopeCompany, BudgetScopeAgent, BudgetScopeProject}
	budgetWindows = []string{WindowCalendarMonth, WindowLifetime}
)

// Lifetime window bounds: wide enough for any timestamp the API accepts.
const (
	lifetimeStart = "1970-01-01T00:00:00.000Z"
	lifetimeEnd   = "9999-12-31T23:59:59.999Z"
)

// MonthWindow is the current UTC calendar month [start, end) as timestamp text
// (data-model §3.8), the window of every monthly budget and spend figure.
func MonthWindow(now time.Time) (string, string) {
	now = now.UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return FormatTime(start), FormatTime(start.AddDate(0, 1, 0))
}

// BudgetWindow is [start, end) of a policy window at now.
func BudgetWindow(kind string, now time.Time) (string, string) {
	if kind == WindowLifetime {
		return lifetimeStart, lifetimeEnd
	}
	return MonthWindow(now)
}

// BudgetPolicy is one stored limit: per scope, metric and window.
type BudgetPolicy struct {
	ID              string
	CompanyID       string
	ScopeType       string
	ScopeID         string
	Metric          string
	WindowKind      string
	Amount          int64
	WarnPercent     int64
	HardStopEnabled bool
	NotifyEnabled   bool
	IsActive        bool
}

// softThreshold is the spend at which the warning fires: ceil(amount×warn/100).
func (p BudgetPolicy) softThreshold() int64 {
	return int64(math.Ceil(float64(p.Amount) * float64(p.WarnPercent) / 100))
}

// PolicySummary is a policy with its observed spend in the current window.
type PolicySummary struct {
	PolicyID           string  `json:"policyId"`
	CompanyID          string  `json:"companyId"`
	ScopeType          string  `json:"scopeType"`
	ScopeID            string  `json:"scopeId"`
	ScopeName          string  `json:"scopeName"`
	Metric             string  `json:"metric"`
	WindowKind         string  `json:"windowKind"`
	Amount             int64   `json:"amount"`
	ObservedAmount     int64   `json:"observedAmount"`
	RemainingAmount    int64   `json:"remainingAmount"`
	UtilizationPercent float64 `json:"utilizationPercent"`
	WarnPercent        int64   `json:"warnPercent"`
	HardStopEnabled    bool    `json:"hardStopEnabled"`
	NotifyEnabled      bool    `json:"notifyEnabled"`
	IsActive           bool    `json:"isActive"`
	Status             string  `json:"status"`
	Paused             bool    `json:"paused"`
	PauseReason        *string `json:"pauseReason"`
	WindowStart        string  `json:"windowStart"`
	WindowEnd          string  `json:"windowEnd"`
}

// BudgetIncident is one threshold crossing of a policy in one window.
type BudgetIncident struct {
	ID             string  `json:"id"`
	CompanyID      string  `json:"companyId"`
	PolicyID       string  `json:"policyId"`
	ScopeType      string  `json:"scopeType"`
	ScopeID        string  `json:"scopeId"`
	ScopeName      string  `json:"scopeName"`
	Metric         string  `json:"metric"`
	WindowKind     string  `json:"windowKind"`
	WindowStart    string  `json:"windowStart"`
	WindowEnd      string  `json:"windowEnd"`
	ThresholdType  string  `json:"thresholdType"`
	AmountLimit    int64   `json:"amountLimit"`
	AmountObserved int64   `json:"amountObserved"`
	Status         string  `json:"status"`
	ApprovalID     *string `json:"approvalId"`
	ResolvedAt     *string `json:"resolvedAt"`
	CreatedAt      string  `json:"createdAt"`
	UpdatedAt      string  `json:"updatedAt"`
}

// BudgetOverview is the budgets page: every policy, the open incidents and the counts
// of what the engine is holding.
type BudgetOverview struct {
	CompanyID            string           `json:"companyId"`
	Policies             []PolicySummary  `json:"policies"`
	ActiveIncidents      []BudgetIncident `json:"activeIncidents"`
	PausedAgentCount     int64            `json:"pausedAgentCount"`
	PausedProjectCount   int64            `json:"pausedProjectCount"`
	PendingApprovalCount int64            `json:"pendingApprovalCount"`
}

const policyColumns = `id, company_id, scope_type, scope_id, metric, window_kind, amount, warn_percent,
	hard_stop_enabled, notify_enabled, is_active`

func scanPolicy(sc scanner) (BudgetPolicy, error) {
	var p BudgetPolicy
	var hard, notify, active int
	err := sc.Scan(&p.ID, &p.CompanyID, &p.ScopeType, &p.ScopeID, &p.Metric, &p.WindowKind, &p.Amount, &p.WarnPercent,
		&hard, &notify, &active)
	p.HardStopEnabled, p.NotifyEnabled, p.IsActive = hard != 0, notify != 0, active != 0
	return p, err
}

func queryPolicies(ctx context.Context, q querier, query string, args ...any) ([]BudgetPolicy, error) {
	return queryAll(ctx, q, scanPolicy, `SELECT `+policyColumns+` FROM budget_policies WHERE `+query, args...)
}

const incidentColumns = `id, company_id, policy_id, scope_type, scope_id, metric, window_kind, window_start, window_end,
	threshold_type, amount_limit, amount_observed, status, approval_id, resolved_at, created_at, updated_at`

func scanIncident(sc scanner) (BudgetIncident, error) {
	var i BudgetIncident
	var approval, resolved sql.NullString
	err := sc.Scan(&i.ID, &i.CompanyID, &i.PolicyID, &i.ScopeType, &i.ScopeID, &i.Metric, &i.WindowKind, &i.WindowStart,
		&i.WindowEnd, &i.ThresholdType, &i.AmountLimit, &i.AmountObserved, &i.Status, &approval, &resolved, &i.CreatedAt, &i.UpdatedAt)
	i.ApprovalID, i.ResolvedAt = strPtr(approval), strPtr(resolved)
	return i, err
}

func queryIncidents(ctx context.Context, q querier, query string, args ...any) ([]BudgetIncident, error) {
	out, err := queryAll(ctx, q, scanIncident, `SELECT `+incidentColumns+` FROM budget_incidents WHERE `+query, args...)
	if err != nil {
		return nil, err
	}
	for k := range out {
		st, err := findScopeState(ctx, q, out[k].ScopeType, out[k].ScopeID)
		if err != nil {
			return nil, err
		}
		out[k].ScopeName = st.name
	}
	return out, nil
}

// scopeState is what the engine reads of a policy's scope row.
type scopeState struct {
	name, status string
	pauseReason  sql.NullString
}

func (st scopeState) pausedForBudget() bool { return st.pauseReason.String == PauseBudget }

// paused reports whether the scope row is paused (projects have no status of that name:
// their pause fields alone say it).
func (st scopeState) paused(scopeType string) bool {
	if scopeType == BudgetScopeProject {
		return st.pauseReason.Valid
	}
	return st.status == "paused"
}

func findScopeState(ctx context.Context, q querier, scopeType, scopeID string) (scopeState, error) {
	var st scopeState
	var query string
	switch scopeType {
	case BudgetScopeCompany:
		query = `SELECT name, status, pause_reason FROM companies WHERE id = ?`
	case BudgetScopeAgent:
		query = `SELECT name, status, pause_reason FROM agents WHERE id = ?`
	default:
		query = `SELECT name, status, pause_reason FROM projects WHERE id = ?`
	}
	err := q.QueryRowContext(ctx, query, scopeID).Scan(&st.name, &st.status, &st.pauseReason)
	if err == sql.ErrNoRows {
		return st, nil // a scope deleted under its policy reads as nameless and unpaused
	}
	return st, err
}

// observedSpend is the policy's metric inside its window.
func observedSpend(ctx context.Context, q querier, p BudgetPolicy, start, end string) (int64, error) {
	switch p.ScopeType {
	case BudgetScopeAgent:
		return sumCosts(ctx, q, p.CompanyID, "agent_id", p.ScopeID, start, end)
	case BudgetScopeProject:
		return sumCosts(ctx, q, p.CompanyID, "project_id", p.ScopeID, start, end)
	}
	return sumCosts(ctx, q, p.CompanyID, "", "", start, end)
}

// summarize builds the PolicySummary of p at now.
func summarize(ctx context.Context, q querier, p BudgetPolicy, now time.Time) (PolicySummary, error) {
	start, end := BudgetWindow(p.WindowKind, now)
	observed, err := observedSpend(ctx, q, p, start, end)
	if err != nil {
		return PolicySummary{}, err
	}
	st, err := findScopeState(ctx, q, p.ScopeType, p.ScopeID)
	if err != nil {
		return PolicySummary{}, err
	}
	status := "ok"
	switch {
	case p.IsActive && p.HardStopEnabled && p.Amount > 0 && observed >= p.Amount:
		status = "hard_stop"
	case p.Amount > 0 && observed >= p.softThreshold():
		status = "warning"
	}
	return PolicySummary{
		PolicyID: p.ID, CompanyID: p.CompanyID, ScopeType: p.ScopeType, ScopeID: p.ScopeID, ScopeName: st.name,
		Metric: p.Metric, WindowKind: p.WindowKind, Amount: p.Amount, ObservedAmount: observed,
		RemainingAmount: max(0, p.Amount-observed), UtilizationPercent: UtilizationPercent(observed, p.Amount),
		WarnPercent: p.WarnPercent, HardStopEnabled: p.HardStopEnabled, NotifyEnabled: p.NotifyEnabled, IsActive: p.IsActive,
		Status: status, Paused: st.paused(p.ScopeType), PauseReason: strPtr(st.pauseReason), WindowStart: start, WindowEnd: end,
	}, nil
}

// FindBudgetOverview answers the budgets page of a company.
func (s *Store) FindBudgetOverview(ctx context.Context, companyID string) (BudgetOverview, error) {
	q := s.reader
	now := s.Now()
	out := BudgetOverview{CompanyID: companyID, Policies: []PolicySummary{}}
	if ok, err := s.CompanyExists(ctx, companyID); err != nil || !ok {
		if err == nil {
			err = NotFound("Company")
		}
		return out, err
	}
	policies, err := queryPolicies(ctx, q, `company_id = ?`, companyID)
	if err != nil {
		return out, err
	}
	for _, p := range policies {
		sum, err := summarize(ctx, q, p, now)
		if err != nil {
			return out, err
		}
		out.Policies = append(out.Policies, sum)
	}
	rank := map[string]int{BudgetScopeCompany: 0, BudgetScopeAgent: 1, BudgetScopeProject: 2}
	sortPolicies(out.Policies, rank)
	if out.ActiveIncidents, err = queryIncidents(ctx, q, `company_id = ? AND status = 'open' ORDER BY created_at DESC, id DESC`, companyID); err != nil {
		return out, err
	}
	err = q.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM agents WHERE company_id = ? AND status = 'paused' AND pause_reason = 'budget'),
			(SELECT COUNT(*) FROM projects WHERE company_id = ? AND pause_reason = 'budget'),
			(SELECT COUNT(*) FROM approvals WHERE company_id = ? AND status = 'pending' AND type = 'budget_override_required')`,
		companyID, companyID, companyID).Scan(&out.PausedAgentCount, &out.PausedProjectCount, &out.PendingApprovalCount)
	return out, err
}

func sortPolicies(ps []PolicySummary, rank map[string]int) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if rank[a.ScopeType] != rank[b.ScopeType] {
			return rank[a.ScopeType] < rank[b.ScopeType]
		}
		if a.ScopeName != b.ScopeName {
			return a.ScopeName < b.ScopeName
		}
		return a.WindowKind < b.WindowKind
	})
}
