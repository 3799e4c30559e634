package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"paperclip/store"
)

// fixedClock is a clock a test moves by hand.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func mustCost(tb testing.TB, s *store.Store, companyID, agentID string, cents int64, at time.Time) store.CostEvent {
	tb.Helper()
	ev, err := s.CreateCostEvent(boardCtx(), companyID, store.CostEventInput{AgentID: store.Some(agentID),
		Provider: store.Some("anthropic"), Model: store.Some("claude"), CostCents: store.Some(cents),
		OccurredAt: store.Some(store.FormatTime(at))})
	if err != nil {
		tb.Fatal(err)
	}
	return ev
}

// TestMonthBoundaryRollups puts events a millisecond either side of midnight on the
// first of February and reads every monthly figure with the clock in January, then in
// February: each month sees only its own events, and spentMonthlyCents always equals
// the sum of the current month's events.
func TestMonthBoundaryRollups(t *testing.T) {
	clock := &fixedClock{t: time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC)}
	s := MustOpen(t, store.Options{Now: clock.now})
	c := mustCompany(t, s, "Boundary")
	a := insertAgent(t, s, c.ID, "Clocky", "engineer", "idle")
	midnight := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	mustCost(t, s, c.ID, a, 300, midnight.Add(-time.Millisecond))
	mustCost(t, s, c.ID, a, 50, midnight)
	mustCost(t, s, c.ID, a, 20, midnight.AddDate(0, -2, 0)) // December: never in a default range
	ctx := context.Background()

	check := func(month string, want int64) {
		t.Helper()
		company, err := s.FindCompanyByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		agent, err := s.FindAgentByID(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := s.FindCostSummary(ctx, c.ID, store.CostRange{})
		if err != nil {
			t.Fatal(err)
		}
		dash, err := s.FindDashboard(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		byAgent, err := s.FindCostsByAgent(ctx, c.ID, store.CostRange{})
		if err != nil {
			t.Fatal(err)
		}
		if company.SpentMonthlyCents != want || agent.SpentMonthlyCents != want || sum.SpendCents != want ||
			dash.Costs.MonthSpendCents != want || len(byAgent) != 1 || byAgent[0].CostCents != want {
			t.Errorf("%s: company %d agent %d summary %d dashboard %d by-agent %v, want %d", month,
				company.SpentMonthlyCents, agent.SpentMonthlyCents, sum.SpendCents, dash.Costs.MonthSpendCents, byAgent, want)
		}
		if sum.From == nil || (*sum.From)[:7] != month {
			t.Errorf("%s: summary range %v", month, sum.From)
		}
	}
	check("2026-01", 300)
	clock.set(midnight)
	check("2026-02", 50)

	days, err := s.FindCostsByDay(ctx, c.ID, store.CostRange{From: "2026-01-01T00:00:00.000Z", To: "2026-03-01T00:00:00.000Z"})
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 2 || days[0].Date != "2026-01-31" || days[0].CostCents != 300 || days[1].Date != "2026-02-01" || days[1].CostCents != 50 {
		t.Fatalf("by-day %v", days)
	}
	open, err := s.FindCostSummary(ctx, c.ID, store.CostRange{To: "2026-02-01T00:00:00.000Z"})
	if err != nil {
		t.Fatal(err)
	}
	if open.SpendCents != 320 || open.From != nil {
		t.Fatalf("open-from range %+v", open)
	}
}

// TestBudgetWindowRollsOverButPauseStays stops an agent in January; in February its
// spend starts from zero, yet it stays paused (and unwakeable) until the board acts.
func TestBudgetWindowRollsOverButPauseStays(t *testing.T) {
	clock := &fixedClock{t: time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)}
	s := MustOpen(t, store.Options{Now: clock.now})
	c := mustCompany(t, s, "Rollover")
	a := insertAgent(t, s, c.ID, "Heavy", "engineer", "idle")
	if _, err := s.SetAgentBudget(boardCtx(), a, store.BudgetInput{BudgetMonthlyCents: store.Some[int64](100)}); err != nil {
		t.Fatal(err)
	}
	mustCost(t, s, c.ID, a, 100, clock.now())
	ctx := context.Background()
	gate := s.CheckInvocationGate(ctx, a, "")
	if store.ErrorCode(gate) != store.ECONFLICT {
		t.Fatalf("gate in January: %v", gate)
	}

	clock.set(time.Date(2026, 2, 1, 0, 0, 1, 0, time.UTC))
	agent, _ := s.FindAgentByID(ctx, a)
	if agent.Status != "paused" || agent.SpentMonthlyCents != 0 {
		t.Fatalf("February: %+v", agent)
	}
	if err := s.CheckInvocationGate(ctx, a, ""); err == nil || err.Error() != "conflict: Agent is paused because its budget hard-stop was reached." {
		t.Fatalf("gate in February: %v", err)
	}
	// The runtime's wake path runs the same gate and records the refusal.
	out, err := s.EnqueueWake(boardCtx(), store.WakeRequest{AgentID: a, Source: "on_demand"})
	if err != nil || out.Skip == nil || out.Skip.Reason != store.SkipBudgetBlocked || out.Skip.Block == nil ||
		out.Skip.Block.Message != "Agent is paused because its budget hard-stop was reached." {
		t.Fatalf("wake of a budget-stopped agent: %+v %v", out.Skip, err)
	}
	mustCost(t, s, c.ID, a, 10, clock.now())
	ov, err := s.FindBudgetOverview(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.ActiveIncidents) != 1 || ov.ActiveIncidents[0].WindowStart != "2026-01-01T00:00:00.000Z" || ov.Policies[0].ObservedAmount != 10 {
		t.Fatalf("overview in February: %+v", ov)
	}
}
