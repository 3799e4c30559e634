package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
)

const issueColumns = `i.id, i.company_id, i.identifier, i.issue_number, i.title, i.description, i.status, i.priority,
	i.project_id, i.project_workspace_id, i.goal_id, i.parent_id, i.assignee_agent_id, i.assignee_user_id,
	i.checkout_run_id, i.execution_run_id, i.execution_agent_name_key, i.execution_locked_at,
	i.created_by_agent_id, i.created_by_user_id, i.origin_kind, i.origin_id, i.origin_run_id, i.request_depth,
	i.billing_code, i.assignee_adapter_overrides, i.started_at, i.completed_at, i.cancelled_at, i.hidden_at,
	i.created_at, i.updated_at`

// issueScanTargets returns the Scan destinations of issueColumns for is, and a finish
// function that copies the nullable columns into it after a successful Scan.
func issueScanTargets(is *Issue) ([]any, func()) {
	var n [22]sql.NullString
	dest := []any{&is.ID, &is.CompanyID, &is.Identifier, &is.IssueNumber, &is.Title, &n[0], &is.Status, &is.Priority,
		&n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9], &n[10], &n[11], &n[12], &is.OriginKind, &n[13], &n[14],
		&is.RequestDepth, &n[15], &n[16], &n[17], &n[18], &n[19], &n[20], &is.CreatedAt, &is.UpdatedAt}
	return dest, func() {
		is.Description = strPtr(n[0])
		is.ProjectID, is.ProjectWorkspaceID, is.GoalID, is.ParentID = strPtr(n[1]), strPtr(n[2]), strPtr(n[3]), strPtr(n[4])
		is.AssigneeAgentID, is.AssigneeUserID = strPtr(n[5]), strPtr(n[6])
		is.CheckoutRunID, is.ExecutionRunID, is.ExecutionAgentNameKey, is.ExecutionLockedAt = strPtr(n[7]), strPtr(n[8]), strPtr(n[9]), strPtr(n[10])
		is.CreatedByAgentID, is.CreatedByUserID = strPtr(n[11]), strPtr(n[12])
		is.OriginID, is.OriginRunID = strPtr(n[13]), strPtr(n[14])
		is.BillingCode = strPtr(n[15])
		if n[16].Valid && n[16].String != "" {
			is.AssigneeAdapterOverrides = JSONRaw(n[16].String)
		}
		is.StartedAt, is.CompletedAt, is.CancelledAt, is.HiddenAt = strPtr(n[17]), strPtr(n[18]), strPtr(n[19]), strPtr(n[20])
		is.Labels, is.LabelIDs = []Label{}, []string{}
	}
}

func scanIssue(sc scanner) (Issue, error) {
	var is Issue
	dest, finish := issueScanTargets(&is)
	if err := sc.Scan(dest...); err != nil {
		return is, err
	}
	finish()
	return is, nil
}

// issueKeyWhere turns an issue path parameter (UUID or identifier, any case) into a
// WHERE clause; ok=false means it can name no issue.
func issueKeyWhere(key string) (string, string, bool) {
	switch {
	case IsUUID(key):
		return "i.id = ?", strings.ToLower(key), true
	case IsIssueIdentifier(key):
		return "i.identifier = ?", strings.ToUpper(key), true
	}
	return "", "", false
}

// findIssue loads one issue with its labels by UUID or identifier.
func findIssue(ctx context.Context, q querier, key string) (Issue, error) {
	where, arg, ok := issueKeyWhere(key)
	if !ok {
		return Issue{}, NotFound("Issue")
	}
	is, err := scanIssue(q.QueryRowContext(ctx, `SELECT `+issueColumns+` FROM issues i WHERE `+where, arg))
	if err != nil {
		return is, translate(err, "Issue")
	}
	list := []*Issue{&is}
	return is, loadIssueLabels(ctx, q, list)
}

// FindIssueByID returns an issue by UUID or by identifier (PAP-12), or "Issue not found".
func (s *Store) FindIssueByID(ctx context.Context, key string) (Issue, error) {
	return findIssue(ctx, s.reader, key)
}

// loadIssue is the transaction form of FindIssueByID that also hides other companies'
// issues from agent actors (they must look missing).
func (tx *Tx) loadIssue(key string) (Issue, error) {
	is, err := findIssue(tx.ctx, tx, key)
	if err != nil {
		return is, err
	}
	if tx.actor.IsAgent() && tx.actor.CompanyID != is.CompanyID {
		return Issue{}, NotFound("Issue")
	}
	return is, nil
}

// issueLabelsSQL and issueLabelsOrder frame the labels query of loadIssueLabels.
const (
	issueLabelsSQL = `SELECT il.issue_id, l.id, l.company_id, l.name, l.color, l.created_at, l.updated_at
		FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE `
	issueLabelsOrder = ` ORDER BY l.name, l.id`
)

// loadIssueLabels fills Labels and LabelIDs of the given issues in one query. One
// issue is asked by its id; more pass their ids as one JSON array, so the statement
// text does not change with the page length and stays in the statement cache (an IN
// list of 500 placeholders was parsed anew on every list call).
func loadIssueLabels(ctx context.Context, q querier, issues []*Issue) error {
	if len(issues) == 0 {
		return nil
	}
	byID := make(map[string]*Issue, len(issues))
	ids := make([]string, 0, len(issues))
	for _, is := range issues {
		byID[is.ID] = is
		ids = append(ids, is.ID)
	}
	query, arg := issueLabelsSQL+`il.issue_id = ?`+issueLabelsOrder, ids[0]
	if len(ids) > 1 {
		query, arg = issueLabelsSQL+`il.issue_id IN (SELECT value FROM json_each(?))`+issueLabelsOrder, jsonStrings(ids)
	}
	type issueLabel struct {
		issueID string
		label   Label
	}
	labels, err := queryAll(ctx, q, func(sc scanner) (issueLabel, error) {
		var il issueLabel
		l := &il.label
		err := sc.Scan(&il.issueID, &l.ID, &l.CompanyID, &l.Name, &l.Color, &l.CreatedAt, &l.UpdatedAt)
		return il, err
	}, query, arg)
	if err != nil {
		return err
	}
	for _, il := range labels {
		is := byID[il.issueID]
		is.Labels = append(is.Labels, il.label)
		is.LabelIDs = append(is.LabelIDs, il.label.ID)
	}
	return nil
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// writeIssue persists every mutable column of is (the row must exist).
func (tx *Tx) writeIssue(is *Issue) error {
	var overrides any
	if len(is.AssigneeAdapterOverrides) > 0 && string(is.AssigneeAdapterOverrides) != "null" {
		overrides = string(is.AssigneeAdapterOverrides)
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE issues SET title = ?, normalized_title = ?, description = ?, status = ?, priority = ?,
		project_id = ?, project_workspace_id = ?, goal_id = ?, parent_id = ?, assignee_agent_id = ?, assignee_user_id = ?,
		checkout_run_id = ?, execution_run_id = ?, execution_agent_name_key = ?, execution_locked_at = ?,
		request_depth = ?, billing_code = ?, assignee_adapter_overrides = ?, started_at = ?, completed_at = ?,
		cancelled_at = ?, hidden_at = ?, updated_at = ? WHERE id = ?`,
		is.Title, NormalizeTitle(is.Title), nullStr(is.Description), is.Status, is.Priority,
		nullStr(is.ProjectID), nullStr(is.ProjectWorkspaceID), nullStr(is.GoalID), nullStr(is.ParentID),
		nullStr(is.AssigneeAgentID), nullStr(is.AssigneeUserID),
		nullStr(is.CheckoutRunID), nullStr(is.ExecutionRunID), nullStr(is.ExecutionAgentNameKey), nullStr(is.ExecutionLockedAt),
		is.RequestDepth, nullStr(is.BillingCode), overrides, nullStr(is.StartedAt), nullStr(is.CompletedAt),
		nullStr(is.CancelledAt), nullStr(is.HiddenAt), is.UpdatedAt, is.ID)
	return err
}

// touchIssue bumps updated_at (new comments, attachments, documents).
func (tx *Tx) touchIssue(id string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE issues SET updated_at = ? WHERE id = ?`, tx.Now(), id)
	return err
}

type nullString = sql.NullString

func jsonUnmarshalString(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func itoa(n int) string { return strconv.Itoa(n) }
