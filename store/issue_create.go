package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

const (
	idempotencyWindow = 7 * 24 * time.Hour
	titleDedupeWindow = 48 * time.Hour
)

// CreateIssue creates an issue in a company (issues.md §7.1), or returns the earlier
// issue an idempotency key or a recent open duplicate title points at.
func (s *Store) CreateIssue(ctx context.Context, companyID string, in IssueInput) (IssueCreated, error) {
	in.AcceptanceCriteria, in.BlockParentUntilDone = Optional[[]string]{}, Optional[bool]{}
	if err := in.Validate(); err != nil {
		return IssueCreated{}, err
	}
	var out IssueCreated
	err := s.writeSmall(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		if tx.actor.IsAgent() && tx.actor.CompanyID != companyID {
			return Errorf(EFORBIDDEN, "Agent key cannot access another company")
		}
		var err error
		out, err = tx.createIssue(companyID, in, nil)
		return err
	})
	return out, err
}

// CreateChildIssue creates a sub-issue (issues.md §7.2): project, workspace and goal
// default to the parent's; acceptance criteria become a checklist in the description;
// blockParentUntilDone makes the child block its parent.
func (s *Store) CreateChildIssue(ctx context.Context, parentKey string, in IssueInput) (IssueCreated, error) {
	in.ParentID = Optional[string]{}
	if err := in.Validate(); err != nil {
		return IssueCreated{}, err
	}
	var out IssueCreated
	err := s.writeSmall(ctx, func(tx *Tx) error {
		parent, err := tx.loadIssue(parentKey)
		if err != nil {
			return err
		}
		in.ParentID = Some(parent.ID)
		for _, f := range []struct {
			dst *Optional[string]
			v   *string
		}{{&in.ProjectID, parent.ProjectID}, {&in.ProjectWorkspaceID, parent.ProjectWorkspaceID}, {&in.GoalID, parent.GoalID}} {
			if !f.dst.Set && f.v != nil {
				*f.dst = Some(*f.v)
			}
		}
		if c := in.AcceptanceCriteria.Value; len(c) > 0 {
			var b strings.Builder
			if d := in.Description.Ptr(); d != nil && strings.TrimSpace(*d) != "" {
				b.WriteString(strings.TrimRight(*d, "\n"))
				b.WriteString("\n\n")
			}
			b.WriteString("## Acceptance criteria\n\n")
			for _, item := range c {
				b.WriteString("- [ ] " + strings.TrimSpace(item) + "\n")
			}
			in.Description = Some(b.String())
		}
		out, err = tx.createIssue(parent.CompanyID, in, &parent)
		if err != nil || !out.Created || !in.BlockParentUntilDone.Value {
			return err
		}
		blockers, err := tx.blockerIDs(parent.ID)
		if err != nil {
			return err
		}
		_, err = tx.setBlockers(&parent, append(blockers, out.ID))
		return err
	})
	return out, err
}

func (tx *Tx) createIssue(companyID string, in IssueInput, parent *Issue) (IssueCreated, error) {
	assignAgent, assignUser := in.AssigneeAgentID.Ptr(), in.AssigneeUserID.Ptr()
	if assignAgent != nil && assignUser != nil {
		return IssueCreated{}, Errorf(EUNPROCESSABLE, "Issue can only have one assignee")
	}
	if assignAgent != nil || assignUser != nil {
		if err := tx.requirePermission(companyID, PermTasksAssign); err != nil {
			return IssueCreated{}, err
		}
	}
	if dup, reason, err := tx.findDuplicate(companyID, in); err != nil || dup != nil {
		if dup == nil {
			return IssueCreated{}, err
		}
		return IssueCreated{Issue: *dup, Deduplicated: true, DeduplicationReason: reason}, err
	}
	now := tx.Now()
	is := Issue{ID: NewID(), CompanyID: companyID, Title: strings.TrimSpace(in.Title.Value), Description: in.Description.Ptr(),
		Priority: "medium", OriginKind: "manual", BillingCode: in.BillingCode.Ptr(), CreatedAt: now, UpdatedAt: now,
		Labels: []Label{}, LabelIDs: []string{}}
	if v := in.Priority.Ptr(); v != nil {
		is.Priority = *v
	}
	if v := in.RequestDepth.Ptr(); v != nil {
		is.RequestDepth = *v
	}
	if v := in.AssigneeAdapterOverrides.Ptr(); v != nil {
		is.AssigneeAdapterOverrides = JSONRaw(*v)
	}
	switch tx.actor.Kind {
	case ActorAgent:
		id := tx.actor.AgentID
		is.CreatedByAgentID = &id
		if tx.actor.RunID != "" {
			run := tx.actor.RunID
			is.OriginRunID = &run
		}
	case ActorBoard:
		id := tx.actor.UserID
		is.CreatedByUserID = &id
	}
	if err := tx.resolveAssignees(&is, in.AssigneeAgentID, in.AssigneeUserID); err != nil {
		return IssueCreated{}, err
	}
	status := IssueBacklog
	if is.AssigneeAgentID != nil || is.AssigneeUserID != nil {
		status = IssueTodo
	}
	if v := in.Status.Ptr(); v != nil {
		status = *v
	}
	if status == IssueInProgress && is.AssigneeAgentID == nil && is.AssigneeUserID == nil {
		return IssueCreated{}, Errorf(EUNPROCESSABLE, "in_progress issues require an assignee")
	}
	if err := tx.resolveProjectAndGoal(&is, in.ProjectID, in.ProjectWorkspaceID, in.GoalID, true); err != nil {
		return IssueCreated{}, err
	}
	if v := in.ParentID.Ptr(); v != nil {
		if err := tx.checkParent(&is, *v); err != nil {
			return IssueCreated{}, err
		}
		p := strings.ToLower(*v)
		is.ParentID = &p
	}
	applyStatus(&is, status, now)
	if err := tx.QueryRowContext(tx.ctx, `UPDATE companies
		SET issue_counter = max(issue_counter, (SELECT coalesce(max(issue_number), 0) FROM issues WHERE company_id = ?)) + 1, updated_at = ?
		WHERE id = ? RETURNING issue_counter, issue_prefix`, companyID, now, companyID).Scan(&is.IssueNumber, &is.Identifier); err != nil {
		return IssueCreated{}, translate(err, "Company")
	}
	is.Identifier = is.Identifier + "-" + strconv.FormatInt(is.IssueNumber, 10)
	var overrides any
	if is.AssigneeAdapterOverrides != nil {
		overrides = string(is.AssigneeAdapterOverrides)
	}
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issues (id, company_id, project_id, project_workspace_id, goal_id, parent_id,
		title, normalized_title, description, status, priority, assignee_agent_id, assignee_user_id, created_by_agent_id,
		created_by_user_id, issue_number, identifier, origin_kind, origin_run_id, request_depth, billing_code,
		assignee_adapter_overrides, started_at, completed_at, cancelled_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		is.ID, companyID, nullStr(is.ProjectID), nullStr(is.ProjectWorkspaceID), nullStr(is.GoalID), nullStr(is.ParentID),
		is.Title, NormalizeTitle(is.Title), nullStr(is.Description), is.Status, is.Priority, nullStr(is.AssigneeAgentID),
		nullStr(is.AssigneeUserID), nullStr(is.CreatedByAgentID), nullStr(is.CreatedByUserID), is.IssueNumber, is.Identifier,
		nullStr(is.OriginRunID), is.RequestDepth, nullStr(is.BillingCode), overrides,
		nullStr(is.StartedAt), nullStr(is.CompletedAt), nullStr(is.CancelledAt), now, now); err != nil {
		return IssueCreated{}, err
	}
	if v := in.LabelIDs.Ptr(); v != nil {
		if err := tx.setIssueLabels(&is, *v); err != nil {
			return IssueCreated{}, err
		}
	}
	if err := tx.logActivity(companyID, "issue.created", "issue", is.ID, map[string]any{
		"title": activityTitle(is.Title), "identifier": is.Identifier, "status": is.Status, "priority": is.Priority,
		"assigneeAgentId": is.AssigneeAgentID, "parentId": is.ParentID}); err != nil {
		return IssueCreated{}, err
	}
	if v := in.BlockedByIssueIDs.Ptr(); v != nil {
		if _, err := tx.setBlockers(&is, *v); err != nil {
			return IssueCreated{}, err
		}
	}
	if is.Status == IssueInProgress {
		if err := tx.requireUnblocked(is.ID); err != nil {
			return IssueCreated{}, err
		}
	}
	if key := in.IdempotencyKey.Ptr(); key != nil {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_create_idempotency_keys (id, company_id, idempotency_key, issue_id, created_at)
			VALUES (?, ?, ?, ?, ?)`, NewID(), companyID, strings.TrimSpace(*key), is.ID, now); err != nil {
			return IssueCreated{}, err
		}
	}
	if is.AssigneeAgentID != nil && is.Status != IssueBacklog {
		tx.wake(Wake{CompanyID: companyID, AgentID: *is.AssigneeAgentID, Source: WakeSourceAssignment, Reason: WakeIssueAssigned,
			IssueID: is.ID, Payload: map[string]any{"mutation": "create"}})
	}
	return IssueCreated{Issue: is, Created: true}, nil
}

// findDuplicate applies the create dedupe rules: a live idempotency key, then (unless
// allowDuplicate) an open, visible issue with the same normalised title and parent
// created in the last 48 hours.
func (tx *Tx) findDuplicate(companyID string, in IssueInput) (*Issue, string, error) {
	if key := in.IdempotencyKey.Ptr(); key != nil {
		k := strings.TrimSpace(*key)
		cutoff := FormatTime(tx.now.Add(-idempotencyWindow))
		var issueID string
		err := tx.QueryRowContext(tx.ctx, `SELECT issue_id FROM issue_create_idempotency_keys
			WHERE company_id = ? AND idempotency_key = ? AND created_at >= ?`, companyID, k, cutoff).Scan(&issueID)
		switch {
		case err == nil:
			is, err := findIssue(tx.ctx, tx, issueID)
			return &is, "idempotency_key", err
		case err != sql.ErrNoRows:
			return nil, "", err
		}
		// An expired key may be reused: prune it so the new row fits the unique index.
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM issue_create_idempotency_keys WHERE company_id = ? AND idempotency_key = ?`, companyID, k); err != nil {
			return nil, "", err
		}
	}
	if in.AllowDuplicate.Value {
		return nil, "", nil
	}
	cutoff := FormatTime(tx.now.Add(-titleDedupeWindow))
	parent := in.ParentID.Ptr()
	query := `SELECT id FROM issues WHERE company_id = ? AND normalized_title = ? AND hidden_at IS NULL
		AND status NOT IN ('done', 'cancelled') AND created_at >= ?`
	args := []any{companyID, NormalizeTitle(in.Title.Value), cutoff}
	if parent == nil {
		query += ` AND parent_id IS NULL`
	} else {
		query += ` AND parent_id = ?`
		args = append(args, strings.ToLower(*parent))
	}
	var id string
	err := tx.QueryRowContext(tx.ctx, query+` ORDER BY created_at, id LIMIT 1`, args...).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	is, err := findIssue(tx.ctx, tx, id)
	return &is, "recent_open_title", err
}

// resolveAssignees validates and applies assignee fields that are present.
func (tx *Tx) resolveAssignees(is *Issue, agent, user Optional[string]) error {
	if agent.Set {
		is.AssigneeAgentID = nil
		if v := agent.Ptr(); v != nil {
			a, err := findAgentByKey(tx.ctx, tx, is.CompanyID, *v)
			if err == sql.ErrNoRows {
				return Errorf(ENOTFOUND, "Assignee agent not found")
			}
			if err != nil {
				return err
			}
			if a.CompanyID != is.CompanyID {
				return Errorf(EUNPROCESSABLE, "Assignee must belong to same company")
			}
			if err := assignableStatus(a.Status); err != nil {
				return err
			}
			is.AssigneeAgentID = &a.ID
		}
	}
	if user.Set {
		is.AssigneeUserID = nil
		if v := user.Ptr(); v != nil {
			var n int
			if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM company_memberships WHERE company_id = ? AND principal_type = 'user'
				AND principal_id = ? AND status = 'active'`, is.CompanyID, *v).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return Errorf(ENOTFOUND, "Assignee user not found")
			}
			u := *v
			is.AssigneeUserID = &u
		}
	}
	return nil
}

func assignableStatus(status string) error {
	switch status {
	case "pending_approval":
		return Errorf(ECONFLICT, "Cannot assign work to pending approval agents")
	case "terminated":
		return Errorf(ECONFLICT, "Cannot assign work to terminated agents")
	}
	return nil
}

// resolveProjectAndGoal validates project, workspace and goal references that are
// present; on create an absent workspace and goal get their defaults (issues.md §7.1,
// data-model §3.4).
func (tx *Tx) resolveProjectAndGoal(is *Issue, project, workspace, goal Optional[string], creating bool) error {
	if project.Set {
		is.ProjectID = nil
		if v := project.Ptr(); v != nil {
			var company string
			err := tx.QueryRowContext(tx.ctx, `SELECT company_id FROM projects WHERE id = ?`, strings.ToLower(*v)).Scan(&company)
			if err == sql.ErrNoRows {
				return Errorf(ENOTFOUND, "Project not found")
			}
			if err != nil {
				return err
			}
			if company != is.CompanyID {
				return Errorf(EUNPROCESSABLE, "Project must belong to same company")
			}
			id := strings.ToLower(*v)
			is.ProjectID = &id
		}
		if !workspace.Set && !creating {
			is.ProjectWorkspaceID = nil
		}
	}
	if workspace.Set {
		is.ProjectWorkspaceID = nil
		if v := workspace.Ptr(); v != nil {
			var n int
			if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM project_workspaces WHERE id = ? AND project_id = ? AND company_id = ?`,
				strings.ToLower(*v), nullStr(is.ProjectID), is.CompanyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return Errorf(EUNPROCESSABLE, "Project workspace must belong to the selected project")
			}
			id := strings.ToLower(*v)
			is.ProjectWorkspaceID = &id
		}
	} else if creating && is.ProjectID != nil {
		var id string
		err := tx.QueryRowContext(tx.ctx, `SELECT id FROM project_workspaces WHERE project_id = ? AND is_primary = 1 ORDER BY created_at, id LIMIT 1`,
			*is.ProjectID).Scan(&id)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if err == nil {
			is.ProjectWorkspaceID = &id
		}
	}
	if goal.Set {
		is.GoalID = nil
		if v := goal.Ptr(); v != nil {
			var company string
			err := tx.QueryRowContext(tx.ctx, `SELECT company_id FROM goals WHERE id = ?`, strings.ToLower(*v)).Scan(&company)
			if err == sql.ErrNoRows {
				return Errorf(ENOTFOUND, "Goal not found")
			}
			if err != nil {
				return err
			}
			if company != is.CompanyID {
				return Errorf(EUNPROCESSABLE, "Goal must belong to same company")
			}
			id := strings.ToLower(*v)
			is.GoalID = &id
		}
	} else if creating {
		id, err := defaultGoal(tx.ctx, tx, is.CompanyID, is.ProjectID)
		if err != nil {
			return err
		}
		is.GoalID = id
	}
	return nil
}

// defaultGoal is the goal an issue without one falls back to: its project's goal,
// else the company's default goal (oldest root company-level goal, active first).
func defaultGoal(ctx context.Context, q querier, companyID string, projectID *string) (*string, error) {
	var id sql.NullString
	if projectID != nil {
		err := q.QueryRowContext(ctx, `SELECT goal_id FROM projects WHERE id = ?`, *projectID).Scan(&id)
		if err != nil && err != sql.ErrNoRows {
			return nil, err
		}
		return strPtr(id), nil
	}
	err := q.QueryRowContext(ctx, `SELECT id FROM goals WHERE company_id = ? AND parent_id IS NULL AND level = 'company'
		ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, created_at, id LIMIT 1`, companyID).Scan(&id)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	return strPtr(id), nil
}
