package store

import "database/sql"

// IdleCheck counts the actionable work of an agent that a timer wake would serve
// (runtime.md §17). Every count comes from an indexed query; no adapter is involved.
type IdleCheck struct {
	AssignedOpen      int64
	UnreadMentions    int64
	UnreadComments    int64
	ApprovalFollowUps int64
}

// Idle reports whether there is nothing to do.
func (c IdleCheck) Idle() bool {
	return c.AssignedOpen == 0 && c.UnreadMentions == 0 && c.UnreadComments == 0 && c.ApprovalFollowUps == 0
}

// Map is the idleCheck object stored in the context snapshot of a non-idle wake.
func (c IdleCheck) Map() map[string]any {
	return map[string]any{"assignedOpen": c.AssignedOpen, "unreadMentions": c.UnreadMentions,
		"unreadComments": c.UnreadComments, "approvalFollowUps": c.ApprovalFollowUps}
}

// unreadCommentsSQL counts others' comments since a time on an agent's open issues
// (args: company, agent, since, agent). It runs inside a timer wake's write transaction,
// so each issue's comments are searched by the comment index (issue, created_at).
const unreadCommentsSQL = `SELECT COUNT(*) FROM issue_comments cm JOIN issues i ON i.id = cm.issue_id
	WHERE i.company_id = ? AND i.assignee_agent_id = ? AND i.status IN ('todo', 'in_progress', 'in_review', 'blocked')
	AND cm.created_at > ? AND (cm.author_agent_id IS NULL OR cm.author_agent_id <> ?)`

// idleCheck measures an agent's actionable work since its last run started (or since
// it was created, when it never ran): what happened after that the agent has not seen.
func (tx *Tx) idleCheck(a Agent) (IdleCheck, error) {
	var c IdleCheck
	var cursor sql.NullString
	if err := tx.QueryRowContext(tx.ctx, `SELECT MAX(started_at) FROM heartbeat_runs WHERE agent_id = ? AND started_at IS NOT NULL`,
		a.ID).Scan(&cursor); err != nil {
		return c, err
	}
	since := a.CreatedAt
	if cursor.Valid {
		since = cursor.String
	}
	queries := []struct {
		dst   *int64
		query string
		args  []any
	}{
		{&c.AssignedOpen, `SELECT COUNT(*) FROM issues WHERE company_id = ? AND assignee_agent_id = ?
			AND status IN ('todo', 'in_progress') AND hidden_at IS NULL`, []any{a.CompanyID, a.ID}},
		{&c.UnreadMentions, `SELECT COUNT(*) FROM issue_comment_mentions m JOIN issue_comments cm ON cm.id = m.comment_id
			WHERE m.company_id = ? AND m.agent_id = ? AND m.created_at > ?
			AND (cm.author_agent_id IS NULL OR cm.author_agent_id <> ?)`, []any{a.CompanyID, a.ID, since, a.ID}},
		{&c.UnreadComments, unreadCommentsSQL, []any{a.CompanyID, a.ID, since, a.ID}},
		{&c.ApprovalFollowUps, `SELECT COUNT(*) FROM approvals WHERE company_id = ? AND requested_by_agent_id = ?
			AND status IN ('approved', 'rejected', 'revision_requested') AND decided_at > ?`, []any{a.CompanyID, a.ID, since}},
	}
	for _, q := range queries {
		if err := tx.QueryRowContext(tx.ctx, q.query, q.args...).Scan(q.dst); err != nil {
			return c, err
		}
	}
	return c, nil
}

// recordIdleSkip counts a skipped idle timer wake on the agent's runtime state; its
// timestamp moves the timer baseline so the next check waits a full interval.
func (tx *Tx) recordIdleSkip(a Agent) error {
	now := tx.Now()
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO agent_runtime_state (agent_id, company_id, adapter_type, idle_skip_count,
		last_idle_skip_at, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)
		ON CONFLICT (agent_id) DO UPDATE SET idle_skip_count = agent_runtime_state.idle_skip_count + 1,
		last_idle_skip_at = excluded.last_idle_skip_at, updated_at = excluded.updated_at`,
		a.ID, a.CompanyID, a.AdapterType, now, now, now)
	return err
}
