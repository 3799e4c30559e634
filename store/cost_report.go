package store

import (
	"context"
	"database/sql"
	"time"
)

// CostRange bounds a report on occurredAt: From inclusive, To exclusive; an empty side
// is open. Both empty means the current UTC month (the docs' reading, not upstream's
// all-time sum).
type CostRange struct {
	From, To string
}

// resolve fills the month default and returns the bounds for the response (null when
// open).
func (r CostRange) resolve(now time.Time) (CostRange, *string, *string) {
	if r.From == "" && r.To == "" {
		r.From, r.To = MonthWindow(now)
	}
	var from, to *string
	if r.From != "" {
		from = &r.From
	}
	if r.To != "" {
		to = &r.To
	}
	return r, from, to
}

// where renders the range over cost_events aliased e.
func (r CostRange) where(c *conds) {
	if r.From != "" {
		c.add("e.occurred_at >= ?", r.From)
	}
	if r.To != "" {
		c.add("e.occurred_at < ?", r.To)
	}
}

// CostSummary is the company spend in a range against its monthly budget.
type CostSummary struct {
	CompanyID          string  `json:"companyId"`
	From               *string `json:"from"`
	To                 *string `json:"to"`
	SpendCents         int64   `json:"spendCents"`
	BudgetCents        int64   `json:"budgetCents"`
	UtilizationPercent float64 `json:"utilizationPercent"`
}

// CostTokens are the usage sums every report row carries.
type CostTokens struct {
	CostCents         int64 `json:"costCents"`
	InputTokens       int64 `json:"inputTokens"`
	CachedInputTokens int64 `json:"cachedInputTokens"`
	OutputTokens      int64 `json:"outputTokens"`
}

// RunSplit separates metered API runs from subscription runs and tokens.
type RunSplit struct {
	APIRunCount                   int64 `json:"apiRunCount"`
	SubscriptionRunCount          int64 `json:"subscriptionRunCount"`
	SubscriptionInputTokens       int64 `json:"subscriptionInputTokens"`
	SubscriptionCachedInputTokens int64 `json:"subscriptionCachedInputTokens"`
	SubscriptionOutputTokens      int64 `json:"subscriptionOutputTokens"`
}

// AgentCost is one row of the by-agent report.
type AgentCost struct {
	AgentID     string `json:"agentId"`
	AgentName   string `json:"agentName"`
	AgentStatus string `json:"agentStatus"`
	CostTokens
	RunSplit
}

// AgentModelCost is one row of the by-agent-model report.
type AgentModelCost struct {
	AgentID     string `json:"agentId"`
	AgentName   string `json:"agentName"`
	Provider    string `json:"provider"`
	Biller      string `json:"biller"`
	BillingType string `json:"billingType"`
	Model       string `json:"model"`
	CostTokens
}

// ProjectCost is one row of the by-project report; events without a project share a
// row with null id and name.
type ProjectCost struct {
	ProjectID   *string `json:"projectId"`
	ProjectName *string `json:"projectName"`
	CostTokens
}

// ProviderCost is one row of the by-provider report.
type ProviderCost struct {
	Provider    string `json:"provider"`
	Biller      string `json:"biller"`
	BillingType string `json:"billingType"`
	Model       string `json:"model"`
	CostTokens
	RunSplit
}

// DayCost is one (UTC day, agent) cell of the costs chart.
type DayCost struct {
	Date    string `json:"date"`
	AgentID string `json:"agentId"`
	CostTokens
}

// WindowSpend is a provider's spend over a rolling window ending now (5h, 24h, 7d),
// the windows providers meter subscription quotas over.
type WindowSpend struct {
	Provider    string `json:"provider"`
	Window      string `json:"window"`
	WindowStart string `json:"windowStart"`
	WindowEnd   string `json:"windowEnd"`
	CostTokens
}

// IssueCost is the cost rollup of an issue subtree (all time).
type IssueCost struct {
	IssueID            string `json:"issueId"`
	IssueCount         int64  `json:"issueCount"`
	IncludeDescendants bool   `json:"includeDescendants"`
	CostTokens
	RunCount  int64 `json:"runCount"`
	RuntimeMs int64 `json:"runtimeMs"`
}

const (
	tokenSums = `COALESCE(SUM(e.cost_cents), 0), COALESCE(SUM(e.input_tokens), 0),
		COALESCE(SUM(e.cached_input_tokens), 0), COALESCE(SUM(e.output_tokens), 0)`
	subscription = `e.billing_type IN ('subscription_included', 'subscription_overage')`
	runSplitSums = `COUNT(DISTINCT CASE WHEN e.billing_type = 'metered_api' THEN e.heartbeat_run_id END),
		COUNT(DISTINCT CASE WHEN ` + subscription + ` THEN e.heartbeat_run_id END),
		COALESCE(SUM(CASE WHEN ` + subscription + ` THEN e.input_tokens ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + subscription + ` THEN e.cached_input_tokens ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + subscription + ` THEN e.output_tokens ELSE 0 END), 0)`
)

func (t *CostTokens) dest() []any {
	return []any{&t.CostCents, &t.InputTokens, &t.CachedInputTokens, &t.OutputTokens}
}

func (r *RunSplit) dest() []any {
	return []any{&r.APIRunCount, &r.SubscriptionRunCount, &r.SubscriptionInputTokens, &r.SubscriptionCachedInputTokens, &r.SubscriptionOutputTokens}
}

// costRows runs one grouped report over a company's events in range, scanning each
// row with scan.
func costRows[T any](ctx context.Context, s *Store, companyID string, rg CostRange, selectSQL, joins, groupOrder string, scan func(scanner) (T, error)) ([]T, error) {
	if err := s.requireCompanyRead(ctx, companyID); err != nil {
		return nil, err
	}
	rg, _, _ = rg.resolve(s.Now())
	var c conds
	c.add("e.company_id = ?", companyID)
	rg.where(&c)
	return queryAll(ctx, s.reader, scan, `SELECT `+selectSQL+` FROM cost_events e `+joins+` WHERE `+c.sql()+` `+groupOrder, c.args...)
}

func (s *Store) requireCompanyRead(ctx context.Context, companyID string) error {
	ok, err := s.CompanyExists(ctx, companyID)
	if err == nil && !ok {
		err = NotFound("Company")
	}
	return err
}

// FindCostSummary is the company's spend in range against its budget.
func (s *Store) FindCostSummary(ctx context.Context, companyID string, rg CostRange) (CostSummary, error) {
	out := CostSummary{CompanyID: companyID}
	if err := s.reader.QueryRowContext(ctx, `SELECT budget_monthly_cents FROM companies WHERE id = ?`, companyID).Scan(&out.BudgetCents); err != nil {
		return out, translate(err, "Company")
	}
	rg, out.From, out.To = rg.resolve(s.Now())
	spend, err := sumCosts(ctx, s.reader, companyID, "", "", rg.From, rg.To)
	out.SpendCents = spend
	out.UtilizationPercent = UtilizationPercent(spend, out.BudgetCents)
	return out, err
}

// FindCostsByAgent groups spend by agent, most expensive first.
func (s *Store) FindCostsByAgent(ctx context.Context, companyID string, rg CostRange) ([]AgentCost, error) {
	return costRows(ctx, s, companyID, rg, `e.agent_id, a.name, a.status, `+tokenSums+`, `+runSplitSums,
		`JOIN agents a ON a.id = e.agent_id`, `GROUP BY e.agent_id, a.name, a.status ORDER BY 4 DESC, e.agent_id`,
		func(sc scanner) (AgentCost, error) {
			var r AgentCost
			if err := sc.Scan(append(append([]any{&r.AgentID, &r.AgentName, &r.AgentStatus}, r.CostTokens.dest()...), r.RunSplit.dest()...)...); err != nil {
				return r, err
			}
			return r, nil
		})
}

// FindCostsByAgentModel groups spend by agent and (provider, biller, billing type, model).
func (s *Store) FindCostsByAgentModel(ctx context.Context, companyID string, rg CostRange) ([]AgentModelCost, error) {
	return costRows(ctx, s, companyID, rg, `e.agent_id, a.name, e.provider, e.biller, e.billing_type, e.model, `+tokenSums,
		`JOIN agents a ON a.id = e.agent_id`,
		`GROUP BY e.agent_id, a.name, e.provider, e.biller, e.billing_type, e.model ORDER BY 7 DESC, e.agent_id, e.provider, e.biller, e.billing_type, e.model`,
		func(sc scanner) (AgentModelCost, error) {
			var r AgentModelCost
			if err := sc.Scan(append([]any{&r.AgentID, &r.AgentName, &r.Provider, &r.Biller, &r.BillingType, &r.Model}, r.CostTokens.dest()...)...); err != nil {
				return r, err
			}
			return r, nil
		})
}

// FindCostsByProject groups spend by project; the no-project row comes last.
func (s *Store) FindCostsByProject(ctx context.Context, companyID string, rg CostRange) ([]ProjectCost, error) {
	return costRows(ctx, s, companyID, rg, `e.project_id, p.name, `+tokenSums, `LEFT JOIN projects p ON p.id = e.project_id`,
		`GROUP BY e.project_id, p.name ORDER BY CASE WHEN e.project_id IS NULL THEN 1 ELSE 0 END, 3 DESC, e.project_id`,
		func(sc scanner) (ProjectCost, error) {
			var r ProjectCost
			var id, name sql.NullString
			if err := sc.Scan(append([]any{&id, &name}, r.CostTokens.dest()...)...); err != nil {
				return r, err
			}
			r.ProjectID, r.ProjectName = strPtr(id), strPtr(name)
			return r, nil
		})
}

// FindCostsByProvider groups spend by (provider, biller, billing type, model).
func (s *Store) FindCostsByProvider(ctx context.Context, companyID string, rg CostRange) ([]ProviderCost, error) {
	return costRows(ctx, s, companyID, rg, `e.provider, e.biller, e.billing_type, e.model, `+tokenSums+`, `+runSplitSums, ``,
		`GROUP BY e.provider, e.biller, e.billing_type, e.model ORDER BY 5 DESC, e.provider, e.biller, e.billing_type, e.model`,
		func(sc scanner) (ProviderCost, error) {
			var r ProviderCost
			if err := sc.Scan(append(append([]any{&r.Provider, &r.Biller, &r.BillingType, &r.Model}, r.CostTokens.dest()...), r.RunSplit.dest()...)...); err != nil {
				return r, err
			}
			return r, nil
		})
}

// FindCostsByDay groups spend by UTC day of occurredAt and agent, oldest day first.
// Timestamps are stored as UTC ISO text, so the day is the first ten characters.
func (s *Store) FindCostsByDay(ctx context.Context, companyID string, rg CostRange) ([]DayCost, error) {
	return costRows(ctx, s, companyID, rg, `substr(e.occurred_at, 1, 10), e.agent_id, `+tokenSums, ``,
		`GROUP BY substr(e.occurred_at, 1, 10), e.agent_id ORDER BY 1, 3 DESC, e.agent_id`,
		func(sc scanner) (DayCost, error) {
			var r DayCost
			if err := sc.Scan(append([]any{&r.Date, &r.AgentID}, r.CostTokens.dest()...)...); err != nil {
				return r, err
			}
			return r, nil
		})
}

// rollingWindows are the windows of FindWindowSpend, shortest first.
var rollingWindows = []struct {
	name string
	span time.Duration
}{{"5h", 5 * time.Hour}, {"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}}

// FindWindowSpend is each provider's spend over the rolling windows ending now.
func (s *Store) FindWindowSpend(ctx context.Context, companyID string) ([]WindowSpend, error) {
	now := s.Now()
	out := []WindowSpend{}
	for _, w := range rollingWindows {
		start, end := FormatTime(now.Add(-w.span)), FormatTime(now)
		rows, err := costRows(ctx, s, companyID, CostRange{From: start, To: end}, `e.provider, `+tokenSums, ``,
			`GROUP BY e.provider ORDER BY 2 DESC, e.provider`,
			func(sc scanner) (WindowSpend, error) {
				r := WindowSpend{Window: w.name, WindowStart: start, WindowEnd: end}
				err := sc.Scan(append([]any{&r.Provider}, r.CostTokens.dest()...)...)
				return r, err
			})
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// The subtree of an issue (args: its id, 1 to leave it out, its id again). Each step of
// the walk names the issue's company, which leads the parent index: without it every
// step scanned all companies' issues. The cost events are read by their issue index and
// the runs by their company's issue index. At 100 000 issues and cost events the summary
// took 133 ms before, 45 µs after (migration 0012, BENCHMARKS.md).
const issueSubtreeSQL = `WITH RECURSIVE root(id, company_id) AS (SELECT id, company_id FROM issues WHERE id = ?),
	tree(id) AS (
		SELECT id FROM root
		UNION
		SELECT i.id FROM tree t CROSS JOIN issues i ON i.company_id = (SELECT company_id FROM root) AND i.parent_id = t.id
	), scope(id) AS (SELECT id FROM tree WHERE ? = 0 OR id <> ?) `

const (
	issueCostSQL = issueSubtreeSQL + `SELECT (SELECT COUNT(*) FROM scope), ` + tokenSums + `
		FROM cost_events e WHERE e.issue_id IN (SELECT id FROM scope)`
	issueRunsSQL = issueSubtreeSQL + `SELECT started_at, finished_at FROM heartbeat_runs
		WHERE company_id = (SELECT company_id FROM root) AND issue_id IN (SELECT id FROM scope)`
)

// FindIssueCostSummary sums the cost events and runs of an issue and its descendants
// (or the descendants only), over all time.
func (s *Store) FindIssueCostSummary(ctx context.Context, issueID string, excludeRoot bool) (IssueCost, error) {
	out := IssueCost{IssueID: issueID, IncludeDescendants: true}
	args := []any{issueID, boolInt(excludeRoot), issueID}
	err := s.reader.QueryRowContext(ctx, issueCostSQL, args...).
		Scan(append([]any{&out.IssueCount}, out.CostTokens.dest()...)...)
	if err != nil {
		return out, err
	}
	// Run durations are summed here rather than in SQL: date arithmetic differs between
	// SQLite and PostgreSQL, and an issue tree has few runs.
	runs, err := queryAll(ctx, s.reader, func(sc scanner) ([2]sql.NullString, error) {
		var r [2]sql.NullString
		err := sc.Scan(&r[0], &r[1])
		return r, err
	}, issueRunsSQL, args...)
	if err != nil {
		return out, err
	}
	for _, r := range runs {
		out.RunCount++
		if !r[0].Valid || !r[1].Valid {
			continue
		}
		a, err1 := ParseTime(r[0].String)
		b, err2 := ParseTime(r[1].String)
		if err1 == nil && err2 == nil && b.After(a) {
			out.RuntimeMs += b.Sub(a).Milliseconds()
		}
	}
	return out, nil
}
