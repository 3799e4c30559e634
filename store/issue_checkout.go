package store

import (
	"context"
	"database/sql"
	"strings"
)

// CheckoutInput is the checkout body (issues.md §5.1).
type CheckoutInput struct {
	AgentID          Optional[string]   `json:"agentId"`
	ExpectedStatuses Optional[[]string] `json:"expectedStatuses"`
}

// Validate checks the body shape; done/cancelled in expectedStatuses is a later 422.
func (in *CheckoutInput) Validate() error {
	var p Problems
	switch {
	case !in.AgentID.Set:
		p.Required("agentId")
	case in.AgentID.Null:
		p.Add("invalid_type", "Expected string, received null", "agentId")
	case !IsUUID(in.AgentID.Value):
		p.Add("invalid_string", "Invalid uuid", "agentId")
	}
	switch {
	case !in.ExpectedStatuses.Set:
		p.Required("expectedStatuses")
	case in.ExpectedStatuses.Null:
		p.Add("invalid_type", "Expected array, received null", "expectedStatuses")
	case len(in.ExpectedStatuses.Value) == 0:
		p.Add("too_small", "Array must contain at least 1 element(s)", "expectedStatuses")
	}
	for i, st := range in.ExpectedStatuses.Value {
		if !IsIssueStatus(st) {
			p.Add("invalid_enum_value", enumMessage(IssueStatuses, st), "expectedStatuses", i)
		}
	}
	p.Limits(in)
	return p.Err()
}

func checkoutConflict(is *Issue) *Error {
	return &Error{Code: ECONFLICT, Message: "Issue checkout conflict", Details: map[string]any{
		"issueId": is.ID, "status": is.Status, "assigneeAgentId": is.AssigneeAgentID,
		"checkoutRunId": is.CheckoutRunID, "executionRunId": is.ExecutionRunID}}
}

// CheckoutIssue atomically claims an issue for an agent (issues.md §5.1). The claim is
// one conditional UPDATE; its row count decides between success and the fallbacks
// (adopt, idempotent replay, 409). Any failure rolls back the stale-lock cleanup.
func (s *Store) CheckoutIssue(ctx context.Context, key string, in CheckoutInput) (Issue, error) {
	if err := in.Validate(); err != nil {
		return Issue{}, err
	}
	var out Issue
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.checkout(key, strings.ToLower(in.AgentID.Value), in.ExpectedStatuses.Value)
		return err
	})
	return out, err
}

func (tx *Tx) checkout(key, agentID string, expected []string) (Issue, error) {
	a := tx.actor
	is, err := tx.loadIssue(key)
	if err != nil {
		return is, err
	}
	if a.IsAgent() && agentID != a.AgentID {
		return is, Errorf(EFORBIDDEN, "Agent can only checkout as itself")
	}
	if is.AssigneeAgentID == nil || *is.AssigneeAgentID != agentID {
		if err := tx.requirePermission(is.CompanyID, PermTasksAssign); err != nil {
			return is, err
		}
	}
	run := a.RunID
	if a.IsAgent() && run == "" {
		return is, errAgentRunIDRequired()
	}
	agent, err := findAgentRef(tx.ctx, tx, agentID)
	if err == sql.ErrNoRows || err == nil && agent.CompanyID != is.CompanyID {
		return is, Errorf(ENOTFOUND, "Agent not found")
	}
	if err != nil {
		return is, err
	}
	if err := assignableStatus(agent.Status); err != nil {
		return is, err
	}
	for _, st := range expected {
		if IsClosedStatus(st) {
			return is, Errorf(EUNPROCESSABLE, "expectedStatuses cannot include done or cancelled")
		}
	}
	if is.ProjectID != nil {
		var reason sql.NullString
		if err := tx.QueryRowContext(tx.ctx, `SELECT pause_reason FROM projects WHERE id = ?`, *is.ProjectID).Scan(&reason); err != nil && err != sql.ErrNoRows {
			return is, err
		}
		if reason.String == PauseBudget {
			return is, Errorf(ECONFLICT, "Project is paused because its budget hard-stop was reached")
		}
	}
	if err := tx.invocationGate(agentID, is.ID); err != nil {
		return is, err
	}
	orig := is // conflicts report the locks as stored; the cleanup below rolls back with them
	stale, err := tx.clearStaleLocks(&is, run)
	if err != nil {
		return is, err
	}
	if holdsCheckout(&is, agentID, run) {
		return findIssue(tx.ctx, tx, is.ID) // same agent, same run: idempotent, no activity
	}
	if is.Status != IssueInProgress {
		if err := tx.requireUnblocked(is.ID); err != nil {
			return is, err
		}
	}
	previousStatus := is.Status
	now := tx.Now()
	runArg := nullStr(nil)
	checkoutCond, execCond := `checkout_run_id IS NULL`, `execution_run_id IS NULL`
	args := []any{}
	if run != "" {
		runArg = run
		checkoutCond, execCond = `checkout_run_id IS NULL OR checkout_run_id = ?`, `execution_run_id IS NULL OR execution_run_id = ?`
	}
	args = append(args, agentID, runArg, runArg, agent.URLKey, now, now, now, is.ID)
	for _, st := range expected {
		args = append(args, st)
	}
	args = append(args, agentID)
	if run != "" {
		args = append(args, run, run)
	}
	res, err := tx.ExecContext(tx.ctx, `UPDATE issues SET assignee_agent_id = ?, assignee_user_id = NULL,
		checkout_run_id = ?, execution_run_id = ?, execution_agent_name_key = ?, execution_locked_at = ?,
		status = 'in_progress', started_at = coalesce(started_at, ?), updated_at = ?
		WHERE id = ? AND status IN (`+placeholders(len(expected))+`)
		AND (assignee_agent_id IS NULL OR (assignee_agent_id = ? AND (`+checkoutCond+`)))
		AND (`+execCond+`)`, args...)
	if err != nil {
		return is, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return is, err
	}
	if n == 0 {
		switch {
		case is.AssigneeAgentID != nil && *is.AssigneeAgentID == agentID && is.Status == IssueInProgress &&
			run != "" && is.CheckoutRunID == nil && (is.ExecutionRunID == nil || *is.ExecutionRunID == run):
			if err := tx.adoptLock(&is, "", ""); err != nil {
				return is, err
			}
		default:
			return is, checkoutConflict(&orig)
		}
	}
	if err := tx.logActivity(is.CompanyID, "issue.checked_out", "issue", is.ID, map[string]any{
		"agentId": agentID, "previousStatus": previousStatus}); err != nil {
		return is, err
	}
	if stale != "" {
		if err := tx.logActivity(is.CompanyID, "issue.checkout_lock_adopted", "issue", is.ID, map[string]any{
			"previousCheckoutRunId": stale, "checkoutRunId": runArg, "reason": "stale_checkout_run"}); err != nil {
			return is, err
		}
	}
	if !(a.IsAgent() && a.AgentID == agentID && run != "") {
		tx.wake(Wake{CompanyID: is.CompanyID, AgentID: agentID, Source: WakeSourceAssignment, Reason: WakeIssueCheckedOut, IssueID: is.ID})
	}
	return findIssue(tx.ctx, tx, is.ID)
}

// holdsCheckout reports whether agentID already holds the issue with this run (or,
// without a run, holds it with no locks at all).
func holdsCheckout(is *Issue, agentID, run string) bool {
	if is.AssigneeAgentID == nil || *is.AssigneeAgentID != agentID || is.Status != IssueInProgress {
		return false
	}
	if run == "" {
		return is.CheckoutRunID == nil && is.ExecutionRunID == nil
	}
	return is.CheckoutRunID != nil && *is.CheckoutRunID == run
}

// clearStaleLocks nulls run locks that name a terminal or missing run (never the
// caller's own run) and returns the replaced checkout run id, if any.
func (tx *Tx) clearStaleLocks(is *Issue, run string) (string, error) {
	stale := ""
	for _, lock := range []**string{&is.CheckoutRunID, &is.ExecutionRunID} {
		id := *lock
		if id == nil || *id == run {
			continue
		}
		live, err := runIsLive(tx.ctx, tx, *id)
		if err != nil {
			return "", err
		}
		if live {
			continue
		}
		if lock == &is.CheckoutRunID {
			stale = *id
		} else if stale == "" {
			stale = *id
		}
		*lock = nil
	}
	if stale == "" {
		return "", nil
	}
	if is.ExecutionRunID == nil {
		is.ExecutionAgentNameKey, is.ExecutionLockedAt = nil, nil
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE issues SET checkout_run_id = ?, execution_run_id = ?, execution_agent_name_key = ?,
		execution_locked_at = ? WHERE id = ?`, nullStr(is.CheckoutRunID), nullStr(is.ExecutionRunID),
		nullStr(is.ExecutionAgentNameKey), nullStr(is.ExecutionLockedAt), is.ID)
	return stale, err
}

// ReleaseIssue gives an issue back (issues.md §5.2): no assignee agent, no locks,
// in_progress back to todo.
func (s *Store) ReleaseIssue(ctx context.Context, key string) (Issue, error) {
	var out Issue
	err := s.write(ctx, func(tx *Tx) error {
		a := tx.actor
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if a.IsAgent() {
			if a.RunID == "" {
				return errAgentRunIDRequired()
			}
			if is.AssigneeAgentID == nil || *is.AssigneeAgentID != a.AgentID {
				return Errorf(ECONFLICT, "Only assignee can release issue")
			}
			if is.CheckoutRunID != nil && *is.CheckoutRunID != a.RunID {
				live, err := runIsLive(tx.ctx, tx, *is.CheckoutRunID)
				if err != nil {
					return err
				}
				if live {
					return &Error{Code: ECONFLICT, Message: "Only checkout run can release issue", Details: map[string]any{
						"issueId": is.ID, "assigneeAgentId": is.AssigneeAgentID, "checkoutRunId": is.CheckoutRunID, "actorRunId": a.RunID}}
				}
			}
		}
		prevAgent, prevStatus := is.AssigneeAgentID, is.Status
		is.AssigneeAgentID = nil
		is.clearLocks()
		if is.Status == IssueInProgress {
			applyStatus(&is, IssueTodo, tx.Now())
		}
		is.UpdatedAt = tx.Now()
		if err := tx.writeIssue(&is); err != nil {
			return err
		}
		out = is
		return tx.logActivity(is.CompanyID, "issue.released", "issue", is.ID, map[string]any{
			"previousAssigneeAgentId": prevAgent, "previousStatus": prevStatus})
	})
	return out, err
}

// ForceReleaseResult is the force-release response.
type ForceReleaseResult struct {
	Issue    Issue           `json:"issue"`
	Previous PreviousRunLock `json:"previous"`
}

// PreviousRunLock names the locks a force-release removed.
type PreviousRunLock struct {
	CheckoutRunID  *string `json:"checkoutRunId"`
	ExecutionRunID *string `json:"executionRunId"`
}

// ForceReleaseIssue clears an issue's run locks for the board (issues.md §5.3); with
// clearAssignee it also drops the agent assignee and moves in_progress back to todo.
func (s *Store) ForceReleaseIssue(ctx context.Context, key string, clearAssignee bool) (ForceReleaseResult, error) {
	var out ForceReleaseResult
	err := s.write(ctx, func(tx *Tx) error {
		if !tx.actor.IsBoard() && tx.actor.Kind != ActorSystem {
			return Errorf(EFORBIDDEN, "Board access required")
		}
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		out.Previous = PreviousRunLock{CheckoutRunID: is.CheckoutRunID, ExecutionRunID: is.ExecutionRunID}
		is.clearLocks()
		if clearAssignee {
			is.AssigneeAgentID = nil
			if is.Status == IssueInProgress {
				applyStatus(&is, IssueTodo, tx.Now())
			}
		}
		is.UpdatedAt = tx.Now()
		if err := tx.writeIssue(&is); err != nil {
			return err
		}
		out.Issue = is
		return tx.logActivity(is.CompanyID, "issue.admin_force_release", "issue", is.ID, map[string]any{
			"previousCheckoutRunId": out.Previous.CheckoutRunID, "previousExecutionRunId": out.Previous.ExecutionRunID,
			"clearAssignee": clearAssignee})
	})
	return out, err
}
