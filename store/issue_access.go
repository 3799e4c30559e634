package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
)

// agentRef is the slice of an agent row the issue rules need.
type agentRef struct {
	ID, CompanyID, Name, URLKey, Status, Role, AdapterType string
	Permissions                                            string
}

func scanAgentRef(sc scanner) (agentRef, error) {
	var a agentRef
	err := sc.Scan(&a.ID, &a.CompanyID, &a.Name, &a.URLKey, &a.Status, &a.Role, &a.AdapterType, &a.Permissions)
	return a, err
}

const agentRefColumns = `id, company_id, name, url_key, status, role, adapter_type, permissions`

func findAgentRef(ctx context.Context, q querier, id string) (agentRef, error) {
	if !IsUUID(id) {
		return agentRef{}, sql.ErrNoRows
	}
	return scanAgentRef(q.QueryRowContext(ctx, `SELECT `+agentRefColumns+` FROM agents WHERE id = ?`, strings.ToLower(id)))
}

// findAgentByKey resolves an agent UUID, or a shortname within the company among
// non-terminated agents.
func findAgentByKey(ctx context.Context, q querier, companyID, key string) (agentRef, error) {
	if IsUUID(key) {
		return findAgentRef(ctx, q, key)
	}
	return scanAgentRef(q.QueryRowContext(ctx, `SELECT `+agentRefColumns+` FROM agents
		WHERE company_id = ? AND url_key = ? AND status <> 'terminated' ORDER BY created_at, id LIMIT 1`, companyID, URLKey(key)))
}

func (a agentRef) canCreateAgents() bool {
	var p struct {
		CanCreateAgents *bool `json:"canCreateAgents"`
	}
	json.Unmarshal([]byte(a.Permissions), &p)
	if p.CanCreateAgents != nil {
		return *p.CanCreateAgents
	}
	return a.Role == "ceo"
}

// requirePermission refuses the transaction's actor unless it holds key in the
// company (authorize.go decides).
func (tx *Tx) requirePermission(companyID, key string) error {
	return tx.authorize(key, Target{CompanyID: companyID})
}

// runIsLive reports whether a run id names a queued or running heartbeat run; a
// missing run counts as terminal (data-model §0: run references have no FK).
func runIsLive(ctx context.Context, q querier, runID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM heartbeat_runs WHERE id = ? AND status IN ('queued', 'running', 'scheduled_retry')`, runID).Scan(&n)
	return n > 0, err
}

// errAgentRunIDRequired is the 401 of an agent mutation that needs a run id.
func errAgentRunIDRequired() *Error { return Errorf(EUNAUTHORIZED, "Agent run id required") }

// writeVerdict is what the agent write rules (issues.md §6) decided for one request.
type writeVerdict struct {
	adopt      bool   // take over the checkout lock with the actor's run
	staleRunID string // the replaced lock named a terminal or missing run
}

// agentWriteVerdict applies the agent write rules to an issue without changing it.
func agentWriteVerdict(ctx context.Context, q querier, a Actor, is *Issue, deleting bool) (writeVerdict, error) {
	var v writeVerdict
	if !a.IsAgent() {
		return v, nil
	}
	if is.Status == IssueInProgress && is.AssigneeAgentID != nil {
		if *is.AssigneeAgentID == a.AgentID {
			if a.RunID == "" {
				return v, errAgentRunIDRequired()
			}
			switch {
			case is.CheckoutRunID != nil && *is.CheckoutRunID == a.RunID:
			case is.CheckoutRunID == nil:
				v.adopt = true
			default:
				live, err := runIsLive(ctx, q, *is.CheckoutRunID)
				if err != nil {
					return v, err
				}
				if live {
					return v, &Error{Code: ECONFLICT, Message: "Issue run ownership conflict", Details: map[string]any{
						"issueId": is.ID, "status": is.Status, "assigneeAgentId": is.AssigneeAgentID,
						"checkoutRunId": is.CheckoutRunID, "actorAgentId": a.AgentID, "actorRunId": a.RunID}}
				}
				v.adopt, v.staleRunID = true, *is.CheckoutRunID
			}
		} else {
			ok, err := actorCan(ctx, q, a, is.CompanyID, PermTasksManageActiveCheckouts)
			if err != nil {
				return v, err
			}
			if !ok {
				return v, &Error{Code: ECONFLICT, Message: "Issue is checked out by another agent", Tag: "issue_write_assignee_run_lock"}
			}
		}
	}
	if deleting {
		mine := is.AssigneeAgentID != nil && *is.AssigneeAgentID == a.AgentID
		unassigned := is.AssigneeAgentID == nil && is.AssigneeUserID == nil
		if !mine && !unassigned {
			return v, Errorf(EFORBIDDEN, "Agent cannot mutate another agent's issue")
		}
	}
	return v, nil
}

// enforceAgentWrite applies the agent write rules inside a write, adopting the
// checkout lock when the rules say so.
func (tx *Tx) enforceAgentWrite(is *Issue, deleting bool) error {
	v, err := agentWriteVerdict(tx.ctx, tx, tx.actor, is, deleting)
	if err != nil || !v.adopt {
		return err
	}
	return tx.adoptLock(is, v.staleRunID, "stale_checkout_run")
}

// adoptLock points both run locks at the actor's run; a replaced stale lock is audited.
func (tx *Tx) adoptLock(is *Issue, staleRunID, reason string) error {
	run := tx.actor.RunID
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE issues SET checkout_run_id = ?, execution_run_id = ?, execution_locked_at = ? WHERE id = ?`,
		run, run, now, is.ID); err != nil {
		return err
	}
	is.CheckoutRunID, is.ExecutionRunID, is.ExecutionLockedAt = &run, &run, &now
	if staleRunID == "" {
		return nil
	}
	return tx.logActivity(is.CompanyID, "issue.checkout_lock_adopted", "issue", is.ID, map[string]any{
		"previousCheckoutRunId": staleRunID, "checkoutRunId": run, "reason": reason})
}

// CheckIssueWrite answers whether the context's actor may write to an issue under the
// agent write rules, without changing anything. Handlers that must refuse before
// reading a large body (attachments) call it first; the write itself checks again.
func (s *Store) CheckIssueWrite(ctx context.Context, key string) error {
	is, err := s.FindIssueByID(ctx, key)
	if err != nil {
		return err
	}
	_, err = agentWriteVerdict(ctx, s.reader, ActorFromContext(ctx), &is, false)
	return err
}
