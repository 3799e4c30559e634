package store

import (
	"context"
	"database/sql"
	"strings"
)

// HireResult is the agent-hires response.
type HireResult struct {
	Agent    Agent     `json:"agent"`
	Approval *Approval `json:"approval"`
}

// CreateAgent is the direct create (agents.md §4.2): refused with 409 when the company
// requires board approval for new agents.
func (s *Store) CreateAgent(ctx context.Context, companyID string, in AgentInput) (Agent, error) {
	if err := in.Validate(); err != nil {
		return Agent{}, err
	}
	var id string
	err := s.write(ctx, func(tx *Tx) error {
		requireApproval, err := tx.companyRequiresHireApproval(companyID)
		if err != nil {
			return err
		}
		if requireApproval {
			return Errorf(ECONFLICT, "Direct agent creation requires board approval. Use POST /api/companies/:companyId/agent-hires to create a pending hire approval.")
		}
		a, err := tx.insertAgent(companyID, in, AgentIdle)
		if err != nil {
			return err
		}
		id = a.ID
		if err := tx.logActivity(companyID, "agent.created", "agent", a.ID, map[string]any{"name": a.Name, "role": a.Role}); err != nil {
			return err
		}
		return tx.applyCreateBudget(a, in)
	})
	if err != nil {
		return Agent{}, err
	}
	return s.findAgent(ctx, s.reader, id)
}

// HireAgent is the hire route (agents.md §4.3): with board approval required, the agent
// waits in pending_approval behind a hire_agent approval; otherwise a direct create.
func (s *Store) HireAgent(ctx context.Context, companyID string, in AgentInput) (HireResult, error) {
	if err := in.Validate(); err != nil {
		return HireResult{}, err
	}
	var id string
	var approval *Approval
	err := s.write(ctx, func(tx *Tx) error {
		requireApproval, err := tx.companyRequiresHireApproval(companyID)
		if err != nil {
			return err
		}
		status := AgentIdle
		if requireApproval {
			status = AgentPendingApproval
		}
		a, err := tx.insertAgent(companyID, in, status)
		if err != nil {
			return err
		}
		id = a.ID
		issueIDs := []string{}
		if requireApproval {
			issueIDs = hireIssueIDs(in)
			if approval, err = tx.insertHireApproval(a, in, issueIDs); err != nil {
				return err
			}
		}
		var approvalID any
		if approval != nil {
			approvalID = approval.ID
		}
		if err := tx.logActivity(companyID, "agent.hire_created", "agent", a.ID, map[string]any{"name": a.Name, "role": a.Role,
			"requiresApproval": requireApproval, "approvalId": approvalID, "issueIds": issueIDs}); err != nil {
			return err
		}
		if approval != nil {
			return tx.logActivity(companyID, "approval.created", "approval", approval.ID, map[string]any{"type": "hire_agent", "linkedAgentId": a.ID})
		}
		return tx.applyCreateBudget(a, in)
	})
	if err != nil {
		return HireResult{}, err
	}
	a, err := s.findAgent(ctx, s.reader, id)
	return HireResult{Agent: a, Approval: approval}, err
}

func (tx *Tx) companyRequiresHireApproval(companyID string) (bool, error) {
	var require int
	err := tx.QueryRowContext(tx.ctx, `SELECT require_board_approval_for_new_agents FROM companies WHERE id = ?`, companyID).Scan(&require)
	if err == sql.ErrNoRows {
		return false, NotFound("Company")
	}
	return require != 0, err
}

func (tx *Tx) applyCreateBudget(a Agent, in AgentInput) error {
	if v := in.BudgetMonthlyCents.Value; v > 0 {
		return tx.upsertMonthlyBudget(a.CompanyID, "agent", a.ID, v)
	}
	return nil
}

// insertAgent writes a new agent with its membership and tasks:assign grant.
func (tx *Tx) insertAgent(companyID string, in AgentInput, status string) (Agent, error) {
	a := Agent{ID: NewID(), CompanyID: companyID, Role: "general", AdapterType: AdapterProcess, Status: status}
	if v := in.Role.Ptr(); v != nil {
		a.Role = *v
	}
	if v := in.AdapterType.Ptr(); v != nil {
		a.AdapterType = strings.TrimSpace(*v)
	}
	if !IsAdapterType(a.AdapterType) {
		return a, Errorf(EUNPROCESSABLE, "Unknown adapter type: %s", a.AdapterType)
	}
	if v := in.ReportsTo.Ptr(); v != nil {
		if err := tx.checkManager(companyID, "", *v); err != nil {
			return a, err
		}
		a.ReportsTo = v
	}
	var err error
	if a.AdapterConfig, err = tx.prepareAdapterConfig(companyID, a.AdapterType, in.AdapterConfig.Value, nil); err != nil {
		return a, err
	}
	requested, err := restoreObject("runtimeConfig", in.RuntimeConfig.Value, nil)
	if err != nil {
		return a, err
	}
	a.RuntimeConfig = normalizeRuntimeConfig(requested)
	a.Permissions.CanCreateAgents = a.Role == RoleCEO
	// Only the board may grant agent creation at hire time; an agent cannot mint
	// creators by hiring them (agents.md §4.1).
	if v := in.Permissions.Value.CanCreateAgents.Ptr(); v != nil && tx.actor.IsBoard() {
		a.Permissions.CanCreateAgents = *v
	}
	a.Title, a.Icon, a.Capabilities = in.Title.Ptr(), in.Icon.Ptr(), in.Capabilities.Ptr()
	if a.Metadata, err = restoreObject("metadata", in.Metadata.Value, nil); err != nil {
		return a, err
	}
	if a.Name, a.URLKey, err = tx.uniqueAgentName(companyID, a.ID, agentName(in.Name.Value)); err != nil {
		return a, err
	}
	adapterCfg, err := jsonText(a.AdapterConfig)
	if err != nil {
		return a, err
	}
	runtimeCfg, err := jsonText(a.RuntimeConfig)
	if err != nil {
		return a, err
	}
	perms, _ := jsonText(a.Permissions)
	var metadata any
	if a.Metadata != nil {
		if metadata, err = jsonText(a.Metadata); err != nil {
			return a, err
		}
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO agents (id, company_id, name, url_key, role, title, icon, status, reports_to,
		capabilities, adapter_type, adapter_config, runtime_config, budget_monthly_cents, spent_monthly_cents, permissions,
		metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)`,
		a.ID, companyID, a.Name, a.URLKey, a.Role, nullStr(a.Title), nullStr(a.Icon), a.Status, nullStr(a.ReportsTo),
		nullStr(a.Capabilities), a.AdapterType, adapterCfg, runtimeCfg, perms, metadata, now, now); err != nil {
		return a, translate(err, "Agent")
	}
	a.CreatedAt, a.UpdatedAt = now, now
	return a, tx.ensureAgentMembership(companyID, a.ID)
}

// ensureAgentMembership gives an agent its active member row and the tasks:assign grant
// (data-model §3.5).
func (tx *Tx) ensureAgentMembership(companyID, agentID string) error {
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status,
		membership_role, created_at, updated_at) VALUES (?, ?, 'agent', ?, 'active', 'member', ?, ?)
		ON CONFLICT (company_id, principal_type, principal_id) DO UPDATE SET status = 'active', updated_at = excluded.updated_at`,
		NewID(), companyID, agentID, now, now); err != nil {
		return err
	}
	return tx.setAgentGrant(companyID, agentID, PermTasksAssign, true)
}

// setAgentGrant inserts (on) or deletes (off) an explicit grant of an agent.
func (tx *Tx) setAgentGrant(companyID, agentID, key string, on bool) error {
	if !on {
		_, err := tx.ExecContext(tx.ctx, `DELETE FROM principal_permission_grants WHERE company_id = ? AND principal_type = 'agent'
			AND principal_id = ? AND permission_key = ?`, companyID, agentID, key)
		return err
	}
	var grantedBy any
	if tx.actor.IsBoard() {
		grantedBy = tx.actor.UserID
	}
	now := tx.Now()
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id,
		permission_key, granted_by_user_id, created_at, updated_at) VALUES (?, ?, 'agent', ?, ?, ?, ?, ?)
		ON CONFLICT (company_id, principal_type, principal_id, permission_key) DO NOTHING`,
		NewID(), companyID, agentID, key, grantedBy, now, now)
	return err
}

func hireIssueIDs(in AgentInput) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(id string) {
		id = strings.ToLower(id)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range in.SourceIssueIDs.Value {
		add(id)
	}
	if v := in.SourceIssueID.Ptr(); v != nil {
		add(*v)
	}
	return out
}

// insertHireApproval writes the pending hire_agent approval of a pending agent, linked
// to the source issues. Its payload is redacted when stored (secrets.md §5): the agent
// row keeps the real configuration.
func (tx *Tx) insertHireApproval(a Agent, in AgentInput, issueIDs []string) (*Approval, error) {
	var requester, agentID, userID *string
	if tx.actor.IsAgent() {
		agentID, requester = &tx.actor.AgentID, &tx.actor.AgentID
	} else if tx.actor.IsBoard() {
		userID = &tx.actor.UserID
	}
	adapterCfg := RedactAdapterConfig(a.AdapterConfig)
	runtimeCfg := redactMap(a.RuntimeConfig)
	var metadata any
	if a.Metadata != nil {
		metadata = redactMap(a.Metadata)
	}
	payload := map[string]any{
		"name": a.Name, "role": a.Role, "title": a.Title, "icon": a.Icon, "reportsTo": a.ReportsTo,
		"capabilities": a.Capabilities, "adapterType": a.AdapterType, "adapterConfig": adapterCfg,
		"runtimeConfig": runtimeCfg, "budgetMonthlyCents": in.BudgetMonthlyCents.Value, "metadata": metadata,
		"agentId": a.ID, "requestedByAgentId": requester,
		"requestedConfigurationSnapshot": map[string]any{"adapterType": a.AdapterType, "adapterConfig": adapterCfg, "runtimeConfig": runtimeCfg},
	}
	id, err := tx.insertApproval(a.CompanyID, ApprovalHireAgent, agentID, userID, normalizeJSON(payload).(map[string]any), issueIDs)
	if err != nil {
		return nil, err
	}
	ap, err := findApproval(tx.ctx, tx, id)
	return &ap, err
}
