package store_test

import (
	"fmt"
	"testing"
	"time"

	"paperclip/store"
)

// seedOversight fills a company with 10 000 issues, 20 agents, 2 000 runs and 100 000
// cost events spread over the current and previous month, written in one raw
// transaction (the store's own path would take minutes and measure nothing new).
func seedOversight(b *testing.B, s *store.Store, now time.Time) (companyID string, agents []string) {
	b.Helper()
	c := mustCompany(b, s, "Bench")
	for i := 0; i < 20; i++ {
		agents = append(agents, insertAgent(b, s, c.ID, fmt.Sprint("Agent ", i), "engineer", "idle"))
	}
	db := rawDB(b, s)
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	statuses := []string{"backlog", "todo", "in_progress", "in_review", "blocked", "done", "cancelled"}
	issues := make([]string, 10000)
	for i := range issues {
		issues[i] = store.NewID()
		ts := store.FormatTime(now.Add(-time.Duration(i) * time.Minute))
		if _, err := tx.Exec(`INSERT INTO issues (id, company_id, title, normalized_title, status, priority, issue_number, identifier,
			assignee_agent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'medium', ?, ?, ?, ?, ?)`,
			issues[i], c.ID, fmt.Sprint("Issue ", i), fmt.Sprint("issue ", i), statuses[i%len(statuses)], i+1,
			fmt.Sprint(c.IssuePrefix, "-", i+1), agents[i%len(agents)], ts, ts); err != nil {
			b.Fatal(err)
		}
	}
	runs := make([]string, 2000)
	runStatuses := []string{"succeeded", "succeeded", "failed", "timed_out", "cancelled"}
	for i := range runs {
		runs[i] = store.NewID()
		ts := store.FormatTime(now.Add(-time.Duration(i) * 10 * time.Minute))
		if _, err := tx.Exec(`INSERT INTO heartbeat_runs (id, company_id, agent_id, status, issue_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, runs[i], c.ID, agents[i%len(agents)], runStatuses[i%len(runStatuses)], issues[i], ts, ts); err != nil {
			b.Fatal(err)
		}
	}
	billing := []string{"metered_api", "subscription_included", "unknown"}
	for i := 0; i < 100000; i++ {
		ts := store.FormatTime(now.Add(-time.Duration(i) * 30 * time.Second)) // ~35 days back
		if _, err := tx.Exec(`INSERT INTO cost_events (id, company_id, agent_id, issue_id, heartbeat_run_id, provider, biller, billing_type,
			model, input_tokens, cached_input_tokens, output_tokens, cost_cents, occurred_at, created_at)
			VALUES (?, ?, ?, ?, ?, 'anthropic', 'anthropic', ?, 'claude', 1000, 100, 200, ?, ?, ?)`,
			store.NewID(), c.ID, agents[i%len(agents)], issues[i%len(issues)], runs[i%len(runs)], billing[i%3], i%50, ts, ts); err != nil {
			b.Fatal(err)
		}
	}
	// The events bypassed the store, so their rollups are built the way migration 0005
	// builds them for existing data.
	for _, scope := range [][2]string{{"'company'", "company_id"}, {"'agent'", "agent_id"}} {
		for _, period := range []string{"substr(occurred_at, 1, 7)", "'lifetime'"} {
			if _, err := tx.Exec(`INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
				SELECT company_id, ` + scope[0] + `, ` + scope[1] + `, ` + period + `, SUM(cost_cents), COUNT(*) FROM cost_events
				GROUP BY company_id, ` + scope[1] + `, ` + period); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return c.ID, agents
}

func BenchmarkDashboard10kIssues100kCosts(b *testing.B) {
	s := MustOpen(b)
	companyID, _ := seedOversight(b, s, time.Now())
	ctx := boardCtx()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.FindDashboard(ctx, companyID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCostSummary100kCosts(b *testing.B) {
	s := MustOpen(b)
	companyID, _ := seedOversight(b, s, time.Now())
	ctx := boardCtx()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.FindCostSummary(ctx, companyID, store.CostRange{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueCostSummary100kCosts times GET /api/issues/{id}/cost-summary's store
// read over 50 issues in turn: each one's subtree walk, cost events and runs.
func BenchmarkIssueCostSummary100kCosts(b *testing.B) {
	s := MustOpen(b)
	companyID, _ := seedOversight(b, s, time.Now())
	ctx := boardCtx()
	list, err := s.FindIssues(ctx, store.IssueFilter{CompanyID: companyID, Limit: 50})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := s.FindIssueCostSummary(ctx, list[i%len(list)].ID, false); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkCostsByAgent100kCosts(b *testing.B) {
	s := MustOpen(b)
	companyID, _ := seedOversight(b, s, time.Now())
	ctx := boardCtx()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.FindCostsByAgent(ctx, companyID, store.CostRange{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCostEventInsertWithBudgetCheck reports one cost event into the seeded
// company with an active company and agent policy (both far from their limit), so each
// insert refreshes both spend caches and evaluates two policies.
func BenchmarkCostEventInsertWithBudgetCheck(b *testing.B) {
	s := MustOpen(b)
	companyID, agents := seedOversight(b, s, time.Now())
	ctx := boardCtx()
	if _, err := s.SetCompanyBudget(ctx, companyID, store.BudgetInput{BudgetMonthlyCents: store.Some[int64](1 << 40)}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.SetAgentBudget(ctx, agents[0], store.BudgetInput{BudgetMonthlyCents: store.Some[int64](1 << 40)}); err != nil {
		b.Fatal(err)
	}
	in := store.CostEventInput{AgentID: store.Some(agents[0]), Provider: store.Some("anthropic"), Model: store.Some("claude"),
		CostCents: store.Some[int64](3), OccurredAt: store.Some(store.FormatTime(time.Now()))}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.CreateCostEvent(ctx, companyID, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompanyAndAgentGet100kCosts reads the company and one agent, whose
// spentMonthlyCents cover the month's ~86 000 cost events of the oversight seed.
func BenchmarkCompanyAndAgentGet100kCosts(b *testing.B) {
	s := MustOpen(b)
	companyID, agents := seedOversight(b, s, time.Now())
	ctx := boardCtx()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.FindCompanyByID(ctx, companyID); err != nil {
			b.Fatal(err)
		}
		if _, err := s.FindAgentByID(ctx, agents[0]); err != nil {
			b.Fatal(err)
		}
	}
}
