package heartbeat

import (
	"context"
	"math"
	"time"

	"paperclip/store"
)

// runUsage turns an adapter's usage into the run's usageJson and cost event (§10).
// charged is what the run is billed: the raw usage, or for a session-cumulative
// adapter the growth since the previous run of the same session.
type runUsage struct {
	res           Result
	charged       Usage
	source        string
	sessionReused bool
	freshReason   string
}

// sessionDelta charges the difference to the previous run of the session when the
// reported totals have not shrunk (a shrink means the counter restarted: raw is
// charged then, as it is for a session's first run).
func (u *runUsage) sessionDelta(ctx context.Context, st *store.Store, agentID, sessionID, runID string) error {
	prev, ok, err := st.FindPreviousSessionUsage(ctx, agentID, sessionID, runID)
	if err != nil || !ok {
		return err
	}
	raw := u.res.Usage
	if raw.InputTokens < prev.InputTokens || raw.CachedInputTokens < prev.CachedInputTokens || raw.OutputTokens < prev.OutputTokens {
		return nil
	}
	u.charged = Usage{InputTokens: raw.InputTokens - prev.InputTokens, CachedInputTokens: raw.CachedInputTokens - prev.CachedInputTokens,
		OutputTokens: raw.OutputTokens - prev.OutputTokens}
	u.source = "session_delta"
	return nil
}

func (u *runUsage) record(f *store.RunFinish, agent store.Agent, run store.HeartbeatRun) (map[string]any, *store.CostEventInput) {
	res, c := u.res, u.charged
	billing := "unknown"
	switch res.BillingType {
	case "api":
		billing = "metered_api"
	case "subscription":
		billing = "subscription_included"
	}
	var costUSD any
	if res.CostUSD != nil {
		costUSD = *res.CostUSD
	}
	usage := map[string]any{"inputTokens": c.InputTokens, "cachedInputTokens": c.CachedInputTokens,
		"outputTokens": c.OutputTokens, "costUsd": costUSD, "provider": nullable(res.Provider),
		"biller": nullable(res.Biller), "model": nullable(res.Model), "billingType": billing,
		"sessionReused": u.sessionReused, "freshSession": !u.sessionReused, "freshSessionReason": nullable(u.freshReason),
		"usageSource": u.source, "rawInputTokens": res.Usage.InputTokens, "rawCachedInputTokens": res.Usage.CachedInputTokens,
		"rawOutputTokens": res.Usage.OutputTokens}
	cents := int64(0)
	if res.CostUSD != nil && billing != "subscription_included" {
		cents = max(int64(math.Round(*res.CostUSD*100)), 0)
	}
	f.InputTokens, f.CachedInputTokens, f.OutputTokens, f.CostCents = c.InputTokens, c.CachedInputTokens, c.OutputTokens, cents
	tokens := c.InputTokens + c.CachedInputTokens + c.OutputTokens
	if tokens <= 0 && (res.CostUSD == nil || *res.CostUSD <= 0) {
		return usage, nil
	}
	provider, model := orDefault(res.Provider, "unknown"), orDefault(res.Model, "unknown")
	in := &store.CostEventInput{AgentID: store.Some(agent.ID), Provider: store.Some(provider),
		Biller: store.Some(orDefault(res.Biller, provider)), BillingType: store.Some(billing), Model: store.Some(model),
		InputTokens: store.Some(c.InputTokens), CachedInputTokens: store.Some(c.CachedInputTokens),
		OutputTokens: store.Some(c.OutputTokens), CostCents: store.Some(cents),
		OccurredAt: store.Some(store.FormatTime(time.Now())), HeartbeatRunID: store.Some(run.ID)}
	if run.IssueID != nil {
		in.IssueID = store.Some(*run.IssueID)
	}
	return usage, in
}
