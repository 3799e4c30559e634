package store

import (
	"context"
	"database/sql"
	"encoding/json"
)

// Reasons written on runs and wakeups a lifecycle action cancels (runtime.md §8.2).
const (
	cancelPause     = "Cancelled due to agent pause"
	cancelTerminate = "Cancelled due to agent termination"
)

// lifecycle runs one agent lifecycle action and returns the agent detail. Runs the
// action cancels are recorded on the transaction (stopRun) and stopped after commit.
func (s *Store) lifecycle(ctx context.Context, id string, fn func(tx *Tx, a Agent) error) (AgentDetail, error) {
	err := s.write(ctx, func(tx *Tx) error {
		a, err := s.findAgent(ctx, tx, id)
		if err != nil {
			return err
		}
		return fn(tx, a)
	})
	if err != nil {
		return AgentDetail{}, err
	}
	return s.FindAgentDetail(ctx, id)
}

// PauseAgent pauses an agent and cancels its live work (agents.md §6).
func (s *Store) PauseAgent(ctx context.Context, id string) (AgentDetail, error) {
	return s.lifecycle(ctx, id, func(tx *Tx, a Agent) error { return tx.pauseAgent(a) })
}

// ResumeAgent returns a paused (or errored) agent to idle.
func (s *Store) ResumeAgent(ctx context.Context, id string) (AgentDetail, error) {
	return s.lifecycle(ctx, id, func(tx *Tx, a Agent) error { return tx.resumeAgent(a) })
}

// ClearAgentError returns an errored agent to idle.
func (s *Store) ClearAgentError(ctx context.Context, id string) (AgentDetail, error) {
	return s.lifecycle(ctx, id, func(tx *Tx, a Agent) error {
		if a.Status != AgentError {
			return Errorf(ECONFLICT, "Only agents in error status can have their error cleared")
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'idle', error_reason = NULL, updated_at = ? WHERE id = ?`, tx.Now(), a.ID); err != nil {
			return err
		}
		return tx.logActivity(a.CompanyID, "agent.error_cleared", "agent", a.ID, nil)
	})
}

// TerminateAgent terminates an agent for good; terminating a terminated agent is a no-op.
func (s *Store) TerminateAgent(ctx context.Context, id string) (AgentDetail, error) {
	return s.lifecycle(ctx, id, func(tx *Tx, a Agent) error { return tx.terminateAgent(a) })
}

// ApproveAgent approves a pending agent from its detail page (agents.md §6, route 16a).
func (s *Store) ApproveAgent(ctx context.Context, id string) (AgentDetail, error) {
	return s.lifecycle(ctx, id, func(tx *Tx, a Agent) error { return tx.approveAgent(a) })
}

func (tx *Tx) pauseAgent(a Agent) error {
	switch a.Status {
	case AgentTerminated:
		return Errorf(ECONFLICT, "Cannot pause terminated agent")
	case AgentPendingApproval:
		return Errorf(ECONFLICT, "Pending approval agents cannot be paused")
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'paused', pause_reason = 'manual', paused_at = ?, error_reason = NULL,
		updated_at = ? WHERE id = ?`, now, now, a.ID); err != nil {
		return err
	}
	runs, err := tx.cancelAgentWork(a.ID, cancelPause)
	if err != nil {
		return err
	}
	return tx.logActivity(a.CompanyID, "agent.paused", "agent", a.ID, map[string]any{"runsCancelled": runs})
}

func (tx *Tx) resumeAgent(a Agent) error {
	switch a.Status {
	case AgentTerminated:
		return Errorf(ECONFLICT, "Cannot resume terminated agent")
	case AgentPendingApproval:
		return Errorf(ECONFLICT, "Pending approval agents cannot be resumed")
	}
	status := AgentIdle
	if a.Status == AgentRunning {
		status = AgentRunning // a run in flight keeps its agent running; the runtime settles it
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = ?, pause_reason = NULL, paused_at = NULL, error_reason = NULL,
		updated_at = ? WHERE id = ?`, status, tx.Now(), a.ID); err != nil {
		return err
	}
	return tx.logActivity(a.CompanyID, "agent.resumed", "agent", a.ID, nil)
}

// terminateAgent makes an agent terminated: keys revoked, live work cancelled, a pending
// hire rejected and its open issues handed back (agents.md §6).
func (tx *Tx) terminateAgent(a Agent) error {
	if a.Status == AgentTerminated {
		return nil
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'terminated', updated_at = ? WHERE id = ?`, now, a.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_api_keys SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL`, now, a.ID); err != nil {
		return err
	}
	runs, err := tx.cancelAgentWork(a.ID, cancelTerminate)
	if err != nil {
		return err
	}
	if a.Status == AgentPendingApproval {
		if err := tx.settleHireApprovals(a, "rejected"); err != nil {
			return err
		}
	}
	if err := tx.releaseAgentIssues(a, true); err != nil {
		return err
	}
	return tx.logActivity(a.CompanyID, "agent.terminated", "agent", a.ID, map[string]any{"runsCancelled": runs})
}

func (tx *Tx) approveAgent(a Agent) error {
	if a.Status != AgentPendingApproval {
		return Errorf(ECONFLICT, "Only pending approval agents can be approved")
	}
	approvals, err := tx.openHireApprovals(a)
	if err != nil {
		return err
	}
	var approvalID any
	var payload map[string]any
	if len(approvals) > 0 {
		ap := approvals[0]
		approvalID, payload = ap.id, ap.payload
		if err := tx.decideHireApproval(a.CompanyID, ap, "approved"); err != nil {
			return err
		}
	}
	return tx.activateHiredAgent(a, approvalID, payload, map[string]any{"source": "agent_detail"})
}

type openApproval struct {
	id        string
	payload   map[string]any
	requester *string
}

// openHireApprovals finds the undecided hire_agent approvals naming the agent. Payloads
// are JSON text, so a LIKE narrows the scan and Go confirms the agentId.
func (tx *Tx) openHireApprovals(a Agent) ([]openApproval, error) {
	type candidate struct {
		openApproval
		raw string
	}
	candidates, err := queryAll(tx.ctx, tx, func(sc scanner) (candidate, error) {
		var c candidate
		var requester sql.NullString
		err := sc.Scan(&c.id, &c.raw, &requester)
		c.requester = strPtr(requester)
		return c, err
	}, `SELECT id, payload, requested_by_agent_id FROM approvals WHERE company_id = ? AND type = 'hire_agent'
		AND status IN ('pending', 'revision_requested') AND payload LIKE ? ORDER BY created_at, id`, a.CompanyID, "%"+a.ID+"%")
	if err != nil {
		return nil, err
	}
	var out []openApproval
	for _, c := range candidates {
		if json.Unmarshal([]byte(c.raw), &c.payload) != nil || c.payload["agentId"] != a.ID {
			continue
		}
		out = append(out, c.openApproval)
	}
	return out, nil
}

// decideHireApproval records a decision on an open hire approval with its activity row.
func (tx *Tx) decideHireApproval(companyID string, ap openApproval, status string) error {
	var user any
	if tx.actor.IsBoard() {
		user = tx.actor.UserID
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE approvals SET status = ?, decided_by_user_id = ?, decided_at = ?, updated_at = ?
		WHERE id = ? AND status IN ('pending', 'revision_requested')`, status, user, now, now, ap.id); err != nil {
		return err
	}
	linked, err := tx.approvalIssueIDs(ap.id)
	if err != nil {
		return err
	}
	details := map[string]any{"type": "hire_agent"}
	if status == "approved" {
		details["requestedByAgentId"] = ap.requester
		details["linkedIssueIds"] = linked
	}
	if err := tx.logActivity(companyID, "approval."+status, "approval", ap.id, details); err != nil {
		return err
	}
	// A hire decided from the agent's page is still a decision on the requester's
	// approval, so the requester hears about it as from the approvals route.
	return tx.wakeRequester(Approval{ID: ap.id, CompanyID: companyID, Type: ApprovalHireAgent, RequestedByAgentID: ap.requester},
		decisionRules[status], linked)
}

func (tx *Tx) approvalIssueIDs(approvalID string) ([]string, error) {
	return queryAll(tx.ctx, tx, scanString, `SELECT issue_id FROM issue_approvals WHERE approval_id = ? ORDER BY created_at, issue_id`, approvalID)
}

// settleHireApprovals decides (rejected) or, without activity, cancels the open hire
// approvals of an agent.
func (tx *Tx) settleHireApprovals(a Agent, status string) error {
	approvals, err := tx.openHireApprovals(a)
	if err != nil {
		return err
	}
	for _, ap := range approvals {
		if status == "cancelled" {
			if _, err := tx.ExecContext(tx.ctx, `UPDATE approvals SET status = 'cancelled', updated_at = ? WHERE id = ?`, tx.Now(), ap.id); err != nil {
				return err
			}
			continue
		}
		if err := tx.decideHireApproval(a.CompanyID, ap, status); err != nil {
			return err
		}
	}
	return nil
}

// cancelAgentWork cancels an agent's live runs and pending wakeups, records each run
// for stopping after commit, and returns how many runs it cancelled.
func (tx *Tx) cancelAgentWork(agentID, reason string) (int, error) {
	runs, err := tx.strings(`SELECT id FROM heartbeat_runs WHERE agent_id = ? AND status IN ('queued', 'running', 'scheduled_retry')
		ORDER BY created_at, id`, agentID)
	if err != nil {
		return 0, err
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = 'cancelled', error = ?, error_code = 'cancelled',
		finished_at = ?, updated_at = ? WHERE agent_id = ? AND status IN ('queued', 'running', 'scheduled_retry')`, reason, now, now, agentID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = 'cancelled', error = ?, finished_at = ?, updated_at = ?
		WHERE agent_id = ? AND (status IN ('queued', 'deferred_issue_execution') OR (status = 'claimed' AND run_id IS NULL))`,
		reason, now, now, agentID); err != nil {
		return 0, err
	}
	if err := tx.releaseLocksOf(runs); err != nil {
		return 0, err
	}
	for _, id := range runs {
		tx.stopRun(id)
	}
	return len(runs), nil
}

// releaseAgentIssues hands an agent's open issues back: no assignee, in_progress → todo,
// locks cleared. With audit, each issue gets a system issue.updated row.
func (tx *Tx) releaseAgentIssues(a Agent, audit bool) error {
	type issue struct{ id, status string }
	issues, err := queryAll(tx.ctx, tx, func(sc scanner) (issue, error) {
		var i issue
		err := sc.Scan(&i.id, &i.status)
		return i, err
	}, `SELECT id, status FROM issues WHERE company_id = ? AND assignee_agent_id = ?
		AND status NOT IN ('done', 'cancelled')`, a.CompanyID, a.ID)
	if err != nil {
		return err
	}
	now := tx.Now()
	for _, i := range issues {
		status := i.status
		if status == "in_progress" {
			status = "todo"
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE issues SET assignee_agent_id = NULL, status = ?, checkout_run_id = NULL,
			execution_run_id = NULL, execution_agent_name_key = NULL, execution_locked_at = NULL, updated_at = ? WHERE id = ?`,
			status, now, i.id); err != nil {
			return err
		}
		if !audit {
			continue
		}
		details := map[string]any{"assigneeAgentId": nil, "previousAssigneeAgentId": a.ID, "reason": "agent_terminated"}
		if status != i.status {
			details["status"] = status
			details["previousStatus"] = i.status
		}
		if err := tx.insertActivity(Activity{CompanyID: a.CompanyID, ActorType: "system", ActorID: "system", Action: "issue.updated",
			EntityType: "issue", EntityID: i.id}, details); err != nil {
			return err
		}
	}
	return nil
}

// DeleteAgent hard-deletes an agent (agents.md §6): refused when it has cost history.
// Its live runs are cancelled and stopped after commit, then deleted with it.
func (s *Store) DeleteAgent(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *Tx) error {
		a, err := s.findAgent(ctx, tx, id)
		if err != nil {
			return err
		}
		var costs int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cost_events WHERE agent_id = ?`, id).Scan(&costs); err != nil {
			return err
		}
		if costs > 0 {
			return &Error{Code: ECONFLICT, Message: "Agent has cost history; terminate it instead", Tag: "agent_has_cost_history"}
		}
		if _, err := tx.cancelAgentWork(id, cancelTerminate); err != nil {
			return err
		}
		if err := tx.releaseAgentIssues(a, false); err != nil {
			return err
		}
		if err := tx.settleHireApprovals(a, "cancelled"); err != nil {
			return err
		}
		// Rows without a foreign key to agents go by hand; the rest cascade or set null.
		for _, q := range []string{
			`DELETE FROM company_memberships WHERE company_id = ? AND principal_type = 'agent' AND principal_id = ?`,
			`DELETE FROM principal_permission_grants WHERE company_id = ? AND principal_type = 'agent' AND principal_id = ?`,
			`DELETE FROM budget_policies WHERE company_id = ? AND scope_type = 'agent' AND scope_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, a.CompanyID, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agents WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.logActivity(a.CompanyID, "agent.deleted", "agent", id, map[string]any{"name": a.Name})
	})
}

// AgentPermissionsPatch is the body of PATCH /agents/{id}/permissions.
type AgentPermissionsPatch struct {
	CanCreateAgents Optional[bool] `json:"canCreateAgents"`
	CanAssignTasks  Optional[bool] `json:"canAssignTasks"`
}

// Validate requires both flags.
func (in *AgentPermissionsPatch) Validate() error {
	var p Problems
	for _, f := range []struct {
		name string
		v    Optional[bool]
	}{{"canCreateAgents", in.CanCreateAgents}, {"canAssignTasks", in.CanAssignTasks}} {
		switch {
		case !f.v.Set:
			p.Required(f.name)
		case f.v.Null:
			p.Add("invalid_type", "Expected boolean, received null", f.name)
		}
	}
	p.Limits(in)
	return p.Err()
}

// UpdateAgentPermissions stores canCreateAgents and toggles the tasks:assign grant
// (agents.md §5.2).
func (s *Store) UpdateAgentPermissions(ctx context.Context, id string, in AgentPermissionsPatch) (AgentDetail, error) {
	if err := in.Validate(); err != nil {
		return AgentDetail{}, err
	}
	return s.lifecycle(ctx, id, func(tx *Tx, a Agent) error {
		switch a.Status {
		case AgentPendingApproval:
			return Errorf(ECONFLICT, "Pending approval agent permissions cannot be changed before board approval")
		case AgentTerminated:
			return Errorf(ECONFLICT, "Cannot change permissions of terminated agents")
		}
		a.Permissions.CanCreateAgents = in.CanCreateAgents.Value
		perms, _ := jsonText(a.Permissions)
		if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET permissions = ?, updated_at = ? WHERE id = ?`, perms, tx.Now(), a.ID); err != nil {
			return err
		}
		if err := tx.setAgentGrant(a.CompanyID, a.ID, PermTasksAssign, in.CanAssignTasks.Value); err != nil {
			return err
		}
		return tx.logActivity(a.CompanyID, "agent.permissions_updated", "agent", a.ID,
			map[string]any{"canCreateAgents": in.CanCreateAgents.Value, "canAssignTasks": in.CanAssignTasks.Value})
	})
}
