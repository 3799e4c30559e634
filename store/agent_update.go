package store

import (
	"context"
)

// AgentUpdateOptions carries rights the server decided for the caller.
type AgentUpdateOptions struct {
	// AllowInstructionsPath: the caller may change instructions-path keys (board manager,
	// the agent itself, or an ancestor manager; agents.md §5.3).
	AllowInstructionsPath bool
}

// agentChange describes what a patch changed.
type agentChange struct {
	before, after   map[string]any // unredacted snapshots
	keys            []string       // changed snapshot fields
	adapterKeys     []string
	runtimeKeys     []string
	budgetChanged   bool
	instructionsSet bool
}

// UpdateAgent applies PATCH /agents/{id} (agents.md §5.1). Runs a status change
// cancels are stopped after commit.
func (s *Store) UpdateAgent(ctx context.Context, id string, p AgentPatch, opts AgentUpdateOptions) (Agent, error) {
	if err := p.Validate(); err != nil {
		return Agent{}, err
	}
	err := s.write(ctx, func(tx *Tx) error {
		cur, err := s.findAgent(ctx, tx, id)
		if err != nil {
			return err
		}
		next, ch, err := tx.applyAgentPatch(cur, p, opts)
		if err != nil {
			return err
		}
		if len(ch.keys) > 0 {
			if err := tx.insertRevision(next, "patch", nil, ch); err != nil {
				return err
			}
			details := map[string]any{"changedTopLevelKeys": ch.keys}
			if ch.adapterKeys != nil {
				details["changedAdapterConfigKeys"] = ch.adapterKeys
			}
			if ch.runtimeKeys != nil {
				details["changedRuntimeConfigKeys"] = ch.runtimeKeys
			}
			if err := tx.logActivity(next.CompanyID, "agent.updated", "agent", id, details); err != nil {
				return err
			}
		}
		if ch.budgetChanged {
			if err := tx.agentBudgetUpdated(next); err != nil {
				return err
			}
		}
		if p.Status.Set {
			return tx.applyAgentStatus(next, p.Status.Value)
		}
		return nil
	})
	if err != nil {
		return Agent{}, err
	}
	return s.findAgent(ctx, s.reader, id)
}

func (tx *Tx) agentBudgetUpdated(a Agent) error {
	if err := tx.upsertMonthlyBudget(a.CompanyID, "agent", a.ID, a.BudgetMonthlyCents); err != nil {
		return err
	}
	return tx.logActivity(a.CompanyID, "agent.budget_updated", "agent", a.ID, map[string]any{"budgetMonthlyCents": a.BudgetMonthlyCents})
}

// applyAgentStatus maps a PATCH status onto the lifecycle actions.
func (tx *Tx) applyAgentStatus(a Agent, status string) error {
	switch status {
	case AgentPaused:
		return tx.pauseAgent(a)
	case AgentTerminated:
		return tx.terminateAgent(a)
	case AgentIdle, AgentActive:
		if a.Status == AgentPaused || a.Status == AgentError {
			return tx.resumeAgent(a)
		}
	}
	return nil
}

// applyAgentPatch checks a patch against the rules of agents.md §5.1 in order and writes
// the new configuration columns. Revisions and activity are the caller's.
func (tx *Tx) applyAgentPatch(cur Agent, p AgentPatch, opts AgentUpdateOptions) (Agent, agentChange, error) {
	var ch agentChange
	if p.Permissions.Set {
		return cur, ch, Errorf(EUNPROCESSABLE, "Use /api/agents/:id/permissions for permission changes")
	}
	if p.Status.Set {
		switch p.Status.Value {
		case AgentRunning, AgentError, AgentPendingApproval:
			return cur, ch, Errorf(EUNPROCESSABLE, "Agent status '%s' is managed by the server", p.Status.Value)
		}
	}
	if cur.Status == AgentTerminated && p.Status.Set && p.Status.Value != AgentTerminated {
		return cur, ch, Errorf(ECONFLICT, "Terminated agents cannot be resumed")
	}
	if cur.Status == AgentPendingApproval {
		if p.Status.Set && p.Status.Value != AgentTerminated {
			return cur, ch, Errorf(ECONFLICT, "Pending approval agents cannot be activated directly")
		}
		if p.HasConfigChange() {
			return cur, ch, &Error{Code: ECONFLICT, Message: "Pending approval agent configuration cannot be changed before board approval",
				Tag: "pending_approval_agent_config_frozen"}
		}
	}
	next := cur
	if v := p.ReportsTo; v.Set {
		if v.Null {
			next.ReportsTo = nil
		} else {
			if err := tx.checkManager(cur.CompanyID, cur.ID, v.Value); err != nil {
				return cur, ch, err
			}
			next.ReportsTo = v.Ptr()
		}
	}
	if p.Name.Set {
		next.Name = agentName(p.Name.Value)
		next.URLKey = agentURLKey(next.Name, cur.ID)
		if next.URLKey != cur.URLKey && cur.Status != AgentTerminated {
			taken, err := tx.urlKeyTaken(cur.CompanyID, cur.ID, next.URLKey)
			if err != nil {
				return cur, ch, err
			}
			if taken {
				return cur, ch, Errorf(ECONFLICT, "Agent shortname '%s' is already in use in this company", next.URLKey)
			}
		}
	}
	if p.Role.Set {
		next.Role = p.Role.Value
	}
	if p.Title.Set {
		next.Title = p.Title.Ptr()
	}
	if p.Icon.Set {
		next.Icon = p.Icon.Ptr()
	}
	if p.Capabilities.Set {
		next.Capabilities = p.Capabilities.Ptr()
	}
	if p.AdapterType.Set {
		next.AdapterType = trimmed(p.AdapterType.Value)
		if !IsAdapterType(next.AdapterType) {
			return cur, ch, Errorf(EUNPROCESSABLE, "Unknown adapter type: %s", next.AdapterType)
		}
	}
	if p.AdapterConfig.Set || next.AdapterType != cur.AdapterType {
		cfg, err := tx.mergeAdapterConfig(cur, next.AdapterType, p)
		if err != nil {
			return cur, ch, err
		}
		next.AdapterConfig = cfg
	}
	for _, k := range InstructionsPathKeys {
		if !sameJSON(cur.AdapterConfig[k], next.AdapterConfig[k]) {
			ch.instructionsSet = true
		}
	}
	if ch.instructionsSet && !opts.AllowInstructionsPath {
		return cur, ch, Errorf(EFORBIDDEN, "Only the target agent or an ancestor manager can update instructions path")
	}
	if p.RuntimeConfig.Set {
		cfg, err := restoreObject("runtimeConfig", p.RuntimeConfig.Value, cur.RuntimeConfig)
		if err != nil {
			return cur, ch, err
		}
		next.RuntimeConfig = normalizeRuntimeConfig(cfg)
	}
	if p.BudgetMonthlyCents.Set {
		next.BudgetMonthlyCents = p.BudgetMonthlyCents.Value
		if next.BudgetMonthlyCents != cur.BudgetMonthlyCents {
			if tx.actor.IsAgent() {
				return cur, ch, Errorf(EFORBIDDEN, "Only the board can change agent budgets")
			}
			ch.budgetChanged = true
		}
	}
	if p.Metadata.Set {
		m, err := restoreObject("metadata", p.Metadata.Value, cur.Metadata)
		if err != nil {
			return cur, ch, err
		}
		next.Metadata = m
	}
	ch.before, ch.after = cur.snapshot(), next.snapshot()
	ch.keys = changedKeys(ch.before, ch.after)
	if len(ch.keys) == 0 {
		return next, ch, nil
	}
	if p.AdapterConfig.Set || next.AdapterType != cur.AdapterType {
		ch.adapterKeys = changedMapKeys(cur.AdapterConfig, next.AdapterConfig)
	}
	if p.RuntimeConfig.Set {
		ch.runtimeKeys = changedMapKeys(cur.RuntimeConfig, next.RuntimeConfig)
	}
	next.UpdatedAt = tx.Now()
	return next, ch, tx.writeAgentConfig(next)
}

// mergeAdapterConfig builds the stored adapterConfig of a patch: on an adapter change
// only the adapter-agnostic keys survive; the body is merged shallowly (null removes a
// key) unless replaceAdapterConfig.
func (tx *Tx) mergeAdapterConfig(cur Agent, adapterType string, p AgentPatch) (map[string]any, error) {
	base := map[string]any{}
	for k, v := range cur.AdapterConfig {
		if adapterType == cur.AdapterType || contains(AdapterAgnosticKeys, k) {
			base[k] = v
		}
	}
	if p.AdapterConfig.Set {
		if p.ReplaceAdapterConfig.Value {
			base = map[string]any{}
			if adapterType != cur.AdapterType {
				for k, v := range cur.AdapterConfig {
					if contains(AdapterAgnosticKeys, k) {
						base[k] = v
					}
				}
			}
		}
		for k, v := range p.AdapterConfig.Value {
			if v == nil {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
	}
	return tx.prepareAdapterConfig(cur.CompanyID, adapterType, base, cur.AdapterConfig)
}

// writeAgentConfig stores the configuration columns of an agent.
func (tx *Tx) writeAgentConfig(a Agent) error {
	adapterCfg, err := jsonText(a.AdapterConfig)
	if err != nil {
		return err
	}
	runtimeCfg, err := jsonText(a.RuntimeConfig)
	if err != nil {
		return err
	}
	var metadata any
	if a.Metadata != nil {
		if metadata, err = jsonText(a.Metadata); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(tx.ctx, `UPDATE agents SET name = ?, url_key = ?, role = ?, title = ?, icon = ?, reports_to = ?,
		capabilities = ?, adapter_type = ?, adapter_config = ?, runtime_config = ?, budget_monthly_cents = ?, metadata = ?,
		updated_at = ? WHERE id = ?`,
		a.Name, a.URLKey, a.Role, nullStr(a.Title), nullStr(a.Icon), nullStr(a.ReportsTo), nullStr(a.Capabilities),
		a.AdapterType, adapterCfg, runtimeCfg, a.BudgetMonthlyCents, metadata, tx.Now(), a.ID)
	if isUniqueViolation(err, "url_key") {
		return Errorf(ECONFLICT, "Agent shortname '%s' is already in use in this company", a.URLKey)
	}
	return err
}

func sameJSON(a, b any) bool {
	x, _ := jsonText(a)
	y, _ := jsonText(b)
	return x == y
}

func trimmed(s string) string { return agentName(s) }
