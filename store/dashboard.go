package store

import (
	"context"
	"database/sql"
	"math"
	"time"
)

// Dashboard is the company overview of the board's home page: a handful of aggregate
// queries, never a loop over rows.
type Dashboard struct {
	CompanyID        string           `json:"companyId"`
	Agents           DashboardAgents  `json:"agents"`
	Tasks            DashboardTasks   `json:"tasks"`
	Costs            DashboardCosts   `json:"costs"`
	PendingApprovals int64            `json:"pendingApprovals"`
	Budgets          DashboardBudgets `json:"budgets"`
	RunActivity      []RunActivityDay `json:"runActivity"`
}

// DashboardAgents counts agents by status; active covers idle and active.
type DashboardAgents struct {
	Active  int64 `json:"active"`
	Running int64 `json:"running"`
	Paused  int64 `json:"paused"`
	Error   int64 `json:"error"`
}

// DashboardTasks counts visible issues; open is everything not done or cancelled.
type DashboardTasks struct {
	Open       int64 `json:"open"`
	InProgress int64 `json:"inProgress"`
	Blocked    int64 `json:"blocked"`
	Done       int64 `json:"done"`
}

// DashboardCosts is the month-to-date spend against the company budget.
type DashboardCosts struct {
	MonthSpendCents         int64   `json:"monthSpendCents"`
	MonthBudgetCents        int64   `json:"monthBudgetCents"`
	MonthUtilizationPercent float64 `json:"monthUtilizationPercent"`
}

// DashboardBudgets summarises the budget engine's open business.
type DashboardBudgets struct {
	ActiveIncidents  int64 `json:"activeIncidents"`
	PendingApprovals int64 `json:"pendingApprovals"`
	PausedAgents     int64 `json:"pausedAgents"`
	PausedProjects   int64 `json:"pausedProjects"`
}

// RunActivityDay is one UTC day of heartbeat runs by outcome.
type RunActivityDay struct {
	Date              string           `json:"date"`
	Succeeded         int64            `json:"succeeded"`
	Failed            int64            `json:"failed"`
	Recovered         int64            `json:"recovered"`
	Other             int64            `json:"other"`
	Total             int64            `json:"total"`
	FailedByErrorCode map[string]int64 `json:"failedByErrorCode"`
}

// SidebarBadges are the counts shown beside the board's navigation.
type SidebarBadges struct {
	Inbox        int64 `json:"inbox"`
	Approvals    int64 `json:"approvals"`
	FailedRuns   int64 `json:"failedRuns"`
	JoinRequests int64 `json:"joinRequests"`
}

// UtilizationPercent is spend/budget×100 rounded to two decimals, 0 without a budget.
func UtilizationPercent(spend, budget int64) float64 {
	if budget <= 0 {
		return 0
	}
	return math.Round(float64(spend)*10000/float64(budget)) / 100
}

// runActivityDays is how many UTC days the dashboard's run chart covers, today included.
const runActivityDays = 14

// FindDashboard computes the dashboard of a company.
func (s *Store) FindDashboard(ctx context.Context, companyID string) (Dashboard, error) {
	q := s.reader
	now := s.Now()
	d := Dashboard{CompanyID: companyID}
	var budget int64
	err := q.QueryRowContext(ctx, `SELECT budget_monthly_cents FROM companies WHERE id = ?`, companyID).Scan(&budget)
	if err != nil {
		return d, translate(err, "Company")
	}
	if err := q.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN status IN ('idle', 'active') THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'paused' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'paused' AND pause_reason = 'budget' THEN 1 ELSE 0 END), 0)
		FROM agents WHERE company_id = ?`, companyID).
		Scan(&d.Agents.Active, &d.Agents.Running, &d.Agents.Paused, &d.Agents.Error, &d.Budgets.PausedAgents); err != nil {
		return d, err
	}
	// The visible issues by status, from the counts the triggers of 0010 keep.
	if err := q.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN status NOT IN ('done', 'cancelled') THEN visible ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'in_progress' THEN visible ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'blocked' THEN visible ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'done' THEN visible ELSE 0 END), 0)
		FROM issue_status_counts WHERE company_id = ?`, companyID).
		Scan(&d.Tasks.Open, &d.Tasks.InProgress, &d.Tasks.Blocked, &d.Tasks.Done); err != nil {
		return d, err
	}
	start, end := MonthWindow(now)
	spend, err := sumCosts(ctx, q, companyID, "", "", start, end)
	if err != nil {
		return d, err
	}
	d.Costs = DashboardCosts{MonthSpendCents: spend, MonthBudgetCents: budget, MonthUtilizationPercent: UtilizationPercent(spend, budget)}
	if err := q.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'pending' AND type = 'budget_override_required' THEN 1 ELSE 0 END), 0)
		FROM approvals WHERE company_id = ?`, companyID).Scan(&d.PendingApprovals, &d.Budgets.PendingApprovals); err != nil {
		return d, err
	}
	if err := q.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM budget_incidents WHERE company_id = ? AND status = 'open'),
			(SELECT COUNT(*) FROM projects WHERE company_id = ? AND pause_reason = 'budget')`, companyID, companyID).
		Scan(&d.Budgets.ActiveIncidents, &d.Budgets.PausedProjects); err != nil {
		return d, err
	}
	d.RunActivity, err = runActivity(ctx, q, companyID, now)
	return d, err
}

// runActivity buckets the runs created in the last 14 UTC days. A failed or timed-out
// run counts as recovered when a run of its retry chain later succeeded; the chain is
// walked upwards from each succeeded retry, which follows primary keys only.
func runActivity(ctx context.Context, q querier, companyID string, now time.Time) ([]RunActivityDay, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	first := today.AddDate(0, 0, -(runActivityDays - 1))
	days := make([]RunActivityDay, runActivityDays)
	index := map[string]int{}
	for i := range days {
		date := first.AddDate(0, 0, i).Format("2006-01-02")
		days[i] = RunActivityDay{Date: date, FailedByErrorCode: map[string]int64{}}
		index[date] = i
	}
	type cell struct {
		date, status string
		code         sql.NullString
		recovered, n int64
	}
	cells, err := queryAll(ctx, q, func(sc scanner) (cell, error) {
		var c cell
		err := sc.Scan(&c.date, &c.status, &c.code, &c.recovered, &c.n)
		return c, err
	}, `WITH RECURSIVE ancestors(id, parent) AS (
			SELECT id, retry_of_run_id FROM heartbeat_runs
			WHERE company_id = ? AND status = 'succeeded' AND retry_of_run_id IS NOT NULL
			UNION
			SELECT r.id, r.retry_of_run_id FROM heartbeat_runs r JOIN ancestors a ON r.id = a.parent
		)
		SELECT substr(r.created_at, 1, 10), r.status, r.error_code,
			CASE WHEN r.id IN (SELECT parent FROM ancestors WHERE parent IS NOT NULL) THEN 1 ELSE 0 END, COUNT(*)
		FROM heartbeat_runs r
		WHERE r.company_id = ? AND r.created_at >= ? AND r.created_at < ?
		GROUP BY 1, 2, 3, 4`, companyID, companyID, FormatTime(first), FormatTime(today.AddDate(0, 0, 1)))
	if err != nil {
		return nil, err
	}
	for _, c := range cells {
		date, status, code, recovered, n := c.date, c.status, c.code, c.recovered, c.n
		i, ok := index[date]
		if !ok {
			continue
		}
		d := &days[i]
		d.Total += n
		switch {
		case status == "succeeded":
			d.Succeeded += n
		case status == "failed" || status == "timed_out":
			if recovered == 1 {
				d.Recovered += n
				continue
			}
			d.Failed += n
			key := code.String
			if !code.Valid || key == "" {
				key = "unknown"
			}
			d.FailedByErrorCode[key] += n
		default:
			d.Other += n
		}
	}
	return days, nil
}

// FindSidebarBadges computes the navigation badges. Join requests count only for an
// actor who may approve them.
func (s *Store) FindSidebarBadges(ctx context.Context, companyID string) (SidebarBadges, error) {
	q := s.reader
	var b SidebarBadges
	var budget int64
	if err := q.QueryRowContext(ctx, `SELECT budget_monthly_cents FROM companies WHERE id = ?`, companyID).Scan(&budget); err != nil {
		return b, translate(err, "Company")
	}
	var agentsInError int64
	if err := q.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM approvals WHERE company_id = ? AND status IN ('pending', 'revision_requested')),
			(SELECT COUNT(*) FROM agents a WHERE a.company_id = ? AND a.status <> 'terminated' AND (
				SELECT r.status FROM heartbeat_runs r WHERE r.agent_id = a.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1
			) IN ('failed', 'timed_out')),
			(SELECT COUNT(*) FROM agents WHERE company_id = ? AND status = 'error')`, companyID, companyID, companyID).
		Scan(&b.Approvals, &b.FailedRuns, &agentsInError); err != nil {
		return b, err
	}
	may, err := s.Can(ctx, PermJoinsApprove, Target{CompanyID: companyID})
	if err != nil {
		return b, err
	}
	if may {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM join_requests WHERE company_id = ? AND status = 'pending_approval'`,
			companyID).Scan(&b.JoinRequests); err != nil {
			return b, err
		}
	}
	var alerts int64
	if agentsInError > 0 && b.FailedRuns == 0 {
		alerts++
	}
	if budget > 0 {
		start, end := MonthWindow(s.Now())
		spend, err := sumCosts(ctx, q, companyID, "", "", start, end)
		if err != nil {
			return b, err
		}
		if UtilizationPercent(spend, budget) >= 80 {
			alerts++
		}
	}
	b.Inbox = b.FailedRuns + alerts + b.JoinRequests + b.Approvals
	return b, nil
}
