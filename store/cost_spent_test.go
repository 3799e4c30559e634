package store_test

import (
	"context"
	"testing"
	"time"

	"paperclip/store"
)

// TestSpentMonthlyCentsReadsTheRollupsAsTheEventsSum: company and agent
// spentMonthlyCents (read from the month rollups) equal the sum of the cost events in
// the current UTC month, with events in the month before, the month after and at both
// edges of the month, for two agents and through every finder that returns them.
func TestSpentMonthlyCentsReadsTheRollupsAsTheEventsSum(t *testing.T) {
	clock := &fixedClock{t: time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)}
	s := MustOpen(t, store.Options{Now: clock.now})
	c := mustCompany(t, s, "Spend")
	a := insertAgent(t, s, c.ID, "Alpha", "engineer", "idle")
	b := insertAgent(t, s, c.ID, "Beta", "engineer", "idle")
	at := []time.Time{
		time.Date(2026, 2, 28, 23, 59, 59, 999e6, time.UTC), // last moment of February
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),         // first moment of March
		time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 31, 23, 59, 59, 999e6, time.UTC),
		time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), // future-dated, April
	}
	for i, ts := range at {
		mustCost(t, s, c.ID, a, int64(100+i), ts)
		mustCost(t, s, c.ID, b, int64(1000*(i+1)), ts)
	}
	db := rawDB(t, s)
	sum := func(agentID string) int64 {
		var n int64
		q := `SELECT COALESCE(SUM(cost_cents), 0) FROM cost_events WHERE company_id = ? AND occurred_at >= ? AND occurred_at < ?`
		args := []any{c.ID, "2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z"}
		if agentID != "" {
			q += ` AND agent_id = ?`
			args = append(args, agentID)
		}
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	check := func(when string) {
		t.Helper()
		ctx := context.Background()
		co, err := s.FindCompanyByID(ctx, c.ID)
		if err != nil || co.SpentMonthlyCents != sum("") || co.SpentMonthlyCents == 0 {
			t.Errorf("%s: company spentMonthlyCents %d, events sum %d (%v)", when, co.SpentMonthlyCents, sum(""), err)
		}
		all, err := s.FindCompanies(ctx, store.CompanyFilter{})
		if err != nil || len(all) != 1 || all[0].SpentMonthlyCents != sum("") {
			t.Errorf("%s: company list spentMonthlyCents %+v (%v)", when, all, err)
		}
		for _, id := range []string{a, b} {
			ag, err := s.FindAgentByID(ctx, id)
			if err != nil || ag.SpentMonthlyCents != sum(id) {
				t.Errorf("%s: agent spentMonthlyCents %d, events sum %d (%v)", when, ag.SpentMonthlyCents, sum(id), err)
			}
		}
		list, err := s.FindAgents(ctx, store.AgentFilter{CompanyID: c.ID})
		if err != nil || len(list) != 2 {
			t.Fatalf("%s: agents %d (%v)", when, len(list), err)
		}
		for _, ag := range list {
			if ag.SpentMonthlyCents != sum(ag.ID) {
				t.Errorf("%s: listed agent spentMonthlyCents %d, events sum %d", when, ag.SpentMonthlyCents, sum(ag.ID))
			}
		}
	}
	check("March")
	// A late event for March, reported in March, moves both figures.
	mustCost(t, s, c.ID, a, 7, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	check("after a late March event")
}
