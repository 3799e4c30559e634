package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
)

// DecideApproval applies a board decision: target approved (a hire activates or
// creates its agent), rejected (a pending hire's agent is terminated) or
// revision_requested. It is one conditional UPDATE. When no row
// moves (the approval was not in a status the decision starts from, or a concurrent
// decision got there first) the row is read again and DecisionOutcome says whether
// that is a quiet repeat or a 422; effects and wakes happen only when a row moved.
func (s *Store) DecideApproval(ctx context.Context, id, target string, in DecisionInput) (Approval, error) {
	if err := in.Validate(); err != nil {
		return Approval{}, err
	}
	rule, ok := decisionRules[target]
	if !ok {
		return Approval{}, Errorf(EINVALID, "Unknown decision: %s", target)
	}
	var approvalID string
	err := s.write(ctx, func(tx *Tx) error {
		ap, err := findApproval(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.authorize(ActApprovalDecide, ApprovalTarget(ap)); err != nil {
			return err
		}
		approvalID = ap.ID
		var user any
		if tx.actor.IsBoard() {
			user = tx.actor.UserID
		}
		args := []any{target, user, nullStr(in.DecisionNote.Ptr()), tx.Now(), tx.Now(), ap.ID}
		for _, st := range rule.from {
			args = append(args, st)
		}
		res, err := tx.ExecContext(ctx, `UPDATE approvals SET status = ?, decided_by_user_id = ?, decision_note = ?, decided_at = ?,
			updated_at = ? WHERE id = ? AND status IN (`+placeholders(len(rule.from))+`)`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur, err := findApproval(ctx, tx, ap.ID)
			if err != nil {
				return err
			}
			_, _, err = DecisionOutcome(target, cur.Status)
			return err
		}
		return s.applyDecision(tx, ap, rule)
	})
	if err != nil {
		return Approval{}, err
	}
	return s.FindApprovalByID(ctx, approvalID)
}

// applyDecision writes the decision's activity, runs the hire side effects and wakes
// the requesting agent, all inside the deciding transaction.
func (s *Store) applyDecision(tx *Tx, ap Approval, rule decisionRule) error {
	linked, err := tx.approvalIssueIDs(ap.ID)
	if err != nil {
		return err
	}
	details := map[string]any{"type": ap.Type}
	if rule.target == ApprovalApproved {
		details["requestedByAgentId"] = ap.RequestedByAgentID
		details["linkedIssueIds"] = linked
	}
	if err := tx.logActivity(ap.CompanyID, rule.activity, "approval", ap.ID, details); err != nil {
		return err
	}
	if ap.Type == ApprovalHireAgent {
		payload, err := tx.rawApprovalPayload(ap.ID)
		if err != nil {
			return err
		}
		switch rule.target {
		case ApprovalApproved:
			err = s.hireApproved(tx, ap, payload)
		case ApprovalRejected:
			err = s.hireRejected(tx, ap, payload)
		}
		if err != nil {
			return err
		}
	}
	return tx.wakeRequester(ap, rule, linked)
}

func (tx *Tx) rawApprovalPayload(id string) (map[string]any, error) {
	var text string
	if err := tx.QueryRowContext(tx.ctx, `SELECT payload FROM approvals WHERE id = ?`, id).Scan(&text); err != nil {
		return nil, err
	}
	return decodeObject(text), nil
}

// hireAgentOf returns the agent a hire payload names, if it is an agent of the
// approval's company.
func (s *Store) hireAgentOf(tx *Tx, ap Approval, payload map[string]any) (*Agent, error) {
	id, _ := payload["agentId"].(string)
	if id == "" || !IsUUID(id) {
		return nil, nil
	}
	a, err := s.findAgent(tx.ctx, tx, strings.ToLower(id))
	if ErrorCode(err) == ENOTFOUND || (err == nil && a.CompanyID != ap.CompanyID) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// hireApproved activates the pending agent the payload names, or, for a hire filed
// without an agent row, creates the agent from the payload.
func (s *Store) hireApproved(tx *Tx, ap Approval, payload map[string]any) error {
	if _, named := payload["agentId"].(string); named {
		a, err := s.hireAgentOf(tx, ap, payload)
		if err != nil || a == nil || a.Status != AgentPendingApproval {
			return err
		}
		return tx.activateHiredAgent(*a, ap.ID, payload, nil)
	}
	in, err := agentInputFromPayload(payload)
	if err != nil {
		return err
	}
	a, err := tx.insertAgent(ap.CompanyID, in, AgentIdle)
	if err != nil {
		return err
	}
	if err := tx.logActivity(ap.CompanyID, "agent.created", "agent", a.ID, map[string]any{"name": a.Name, "role": a.Role, "approvalId": ap.ID}); err != nil {
		return err
	}
	return tx.applyCreateBudget(a, in)
}

// hireRejected terminates the pending agent a rejected hire names.
func (s *Store) hireRejected(tx *Tx, ap Approval, payload map[string]any) error {
	a, err := s.hireAgentOf(tx, ap, payload)
	if err != nil || a == nil {
		return err
	}
	// terminateAgent records the agent's cancelled runs with tx.stopRun itself.
	return tx.terminateAgent(*a)
}

// agentInputFromPayload reads a hire payload as the agent create body; a payload that
// does not describe an agent makes the approval undecidable (422), not a 500.
func agentInputFromPayload(payload map[string]any) (AgentInput, error) {
	var in AgentInput
	raw, err := json.Marshal(payload)
	if err == nil {
		err = json.Unmarshal(raw, &in)
	}
	if err != nil {
		return in, Errorf(EUNPROCESSABLE, "Invalid hire_agent payload")
	}
	if !in.Name.Set || in.Name.Null || strings.TrimSpace(in.Name.Value) == "" {
		in.Name = Some("New Agent")
	}
	in.SourceIssueID, in.SourceIssueIDs = Optional[string]{}, Optional[[]string]{}
	if err := in.Validate(); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return in, &Error{Code: EUNPROCESSABLE, Message: "Invalid hire_agent payload", Details: e.Details}
		}
		return in, err
	}
	return in, nil
}

// activateHiredAgent turns a pending hire into a working agent: idle with its stored
// config, member of the company with tasks:assign, its monthly budget in force.
// extra is merged into the agent.approved activity details.
func (tx *Tx) activateHiredAgent(a Agent, approvalID any, payload map[string]any, extra map[string]any) error {
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'idle', updated_at = ? WHERE id = ?`, tx.Now(), a.ID); err != nil {
		return err
	}
	if err := tx.ensureAgentMembership(a.CompanyID, a.ID); err != nil {
		return err
	}
	if n, ok := numberOf(payload["budgetMonthlyCents"]); ok && n > 0 {
		if err := tx.upsertMonthlyBudget(a.CompanyID, "agent", a.ID, int64(n)); err != nil {
			return err
		}
	}
	details := map[string]any{"approvalId": approvalID}
	for k, v := range extra {
		details[k] = v
	}
	return tx.logActivity(a.CompanyID, "agent.approved", "agent", a.ID, details)
}

// wakeRequester wakes the agent that asked for the approval so it can act on the
// decision. The wake is delivered after commit; an agent that cannot run now (paused,
// terminated, pending) gets a failure row instead, so the board sees why nothing ran.
func (tx *Tx) wakeRequester(ap Approval, rule decisionRule, linked []string) error {
	if ap.RequestedByAgentID == nil {
		return nil
	}
	ag, err := findAgentRef(tx.ctx, tx, *ap.RequestedByAgentID)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	switch ag.Status {
	case AgentPaused, AgentTerminated, AgentPendingApproval:
		return tx.logActivity(ap.CompanyID, approvalRequesterWakeFailed, "approval", ap.ID,
			map[string]any{"agentId": ag.ID, "error": "Agent is not invokable in its current state"})
	}
	var first any
	issueID := ""
	if len(linked) > 0 {
		first, issueID = linked[0], linked[0]
	}
	tx.wake(Wake{CompanyID: ap.CompanyID, AgentID: ag.ID, Source: WakeSourceAutomation, Reason: rule.wake, IssueID: issueID,
		Payload: map[string]any{"approvalId": ap.ID, "approvalStatus": rule.target, "issueId": first, "issueIds": linked}})
	return tx.logActivity(ap.CompanyID, approvalRequesterWakeQueued, "approval", ap.ID, map[string]any{"agentId": ag.ID, "runId": nil})
}

// ResubmitApproval puts a revision-requested approval back to pending, replacing its
// payload when one is given and clearing the previous decision.
func (s *Store) ResubmitApproval(ctx context.Context, id string, in ResubmitInput) (Approval, error) {
	if err := in.Validate(); err != nil {
		return Approval{}, err
	}
	var approvalID string
	err := s.write(ctx, func(tx *Tx) error {
		ap, err := findApproval(ctx, tx, id)
		if err != nil {
			return err
		}
		approvalID = ap.ID
		if err := tx.authorize(ActApprovalResubmit, ApprovalTarget(ap)); err != nil {
			return err
		}
		var payload any
		if in.Payload.Set {
			p := map[string]any(in.Payload.Value)
			if ap.Type == ApprovalHireAgent {
				p = Redact(p).(map[string]any)
			}
			if payload, err = jsonText(p); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE approvals SET status = 'pending', payload = COALESCE(?, payload), decision_note = NULL,
			decided_by_user_id = NULL, decided_at = NULL, updated_at = ? WHERE id = ? AND status = 'revision_requested'`,
			payload, tx.Now(), ap.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(EUNPROCESSABLE, "Only revision requested approvals can be resubmitted")
		}
		return tx.logActivity(ap.CompanyID, "approval.resubmitted", "approval", ap.ID, map[string]any{"type": ap.Type})
	})
	if err != nil {
		return Approval{}, err
	}
	return s.FindApprovalByID(ctx, approvalID)
}
