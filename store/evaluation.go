package store

import (
	"context"
	"database/sql"
)

// The evaluation queries read issue status moves out of the issue.updated activity
// rows, whose details carry the new value under "status" and the old one under
// "_previous.status" (jsonField is the dialect's JSON reader).
var (
	detailStatus         = jsonField("details", "status")
	detailPreviousStatus = jsonField("details", "_previous.status")
)

// ReviewItem is an issue waiting in review, with when it started waiting.
type ReviewItem struct {
	Issue
	WaitingSince string `json:"waitingSince"`
}

// ReviewFilter narrows the review queue.
type ReviewFilter struct {
	CompanyID       string
	AssigneeAgentID string
	ProjectID       string
	Limit, Offset   int
}

// EvaluationSummary is the quality picture of a company over a range.
type EvaluationSummary struct {
	CompanyID          string          `json:"companyId"`
	From               *string         `json:"from"`
	To                 *string         `json:"to"`
	InReviewCount      int64           `json:"inReviewCount"`
	OldestWaitingSince *string         `json:"oldestWaitingSince"`
	PendingApprovals   int64           `json:"pendingApprovals"`
	CompletedIssues    int64           `json:"completedIssues"`
	ReopenedIssues     int64           `json:"reopenedIssues"`
	Feedback           FeedbackSummary `json:"feedback"`
}

// FeedbackSummary counts the votes cast in the range.
type FeedbackSummary struct {
	Up   int64 `json:"up"`
	Down int64 `json:"down"`
}

// waitingSinceSQL is the moment an issue entered in_review: its latest status move into
// in_review, or its update time when no such row exists (issues imported or moved
// before activity was kept).
var waitingSinceSQL = `COALESCE((SELECT MAX(l.created_at) FROM activity_log l WHERE l.entity_type = 'issue'
	AND l.entity_id = i.id AND l.action IN ('issue.updated', 'issue.created') AND ` + jsonField("l.details", "status") + ` = 'in_review'
	AND COALESCE(` + jsonField("l.details", "_previous.status") + `, '') <> 'in_review'), i.updated_at)`

// FindReviewQueue lists visible in_review issues, longest waiting first.
func (s *Store) FindReviewQueue(ctx context.Context, f ReviewFilter) ([]ReviewItem, error) {
	if err := s.requireCompanyRead(ctx, f.CompanyID); err != nil {
		return nil, err
	}
	var c conds
	c.add("i.company_id = ?", f.CompanyID)
	c.add("i.status = 'in_review'")
	c.add("i.hidden_at IS NULL")
	c.eq("i.assignee_agent_id", f.AssigneeAgentID)
	c.eq("i.project_id", f.ProjectID)
	paging, pagingArgs := limitOffset(f.Limit, f.Offset)
	out, err := queryAll(ctx, s.reader, func(sc scanner) (ReviewItem, error) {
		var item ReviewItem
		dest, finish := issueScanTargets(&item.Issue)
		if err := sc.Scan(append(dest, &item.WaitingSince)...); err != nil {
			return item, err
		}
		finish()
		return item, nil
	}, `SELECT `+issueColumns+`, `+waitingSinceSQL+` AS waiting FROM issues i WHERE `+c.sql()+` ORDER BY waiting, i.id`+paging,
		append(c.args, pagingArgs...)...)
	if err != nil {
		return nil, err
	}
	list := make([]*Issue, len(out))
	for i := range out {
		list[i] = &out[i].Issue
	}
	return out, loadIssueLabels(ctx, s.reader, list)
}

// FindEvaluationSummary computes the summary over a range (default: this UTC month).
func (s *Store) FindEvaluationSummary(ctx context.Context, companyID string, rg CostRange) (EvaluationSummary, error) {
	out := EvaluationSummary{CompanyID: companyID}
	if err := s.requireCompanyRead(ctx, companyID); err != nil {
		return out, err
	}
	rg, out.From, out.To = rg.resolve(s.Now())
	var oldest sql.NullString
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*), MIN(`+waitingSinceSQL+`) FROM issues i
		WHERE i.company_id = ? AND i.status = 'in_review' AND i.hidden_at IS NULL`, companyID).Scan(&out.InReviewCount, &oldest); err != nil {
		return out, err
	}
	out.OldestWaitingSince = strPtr(oldest)
	var c conds
	c.add("company_id = ?", companyID)
	c.add("entity_type = 'issue'")
	c.add("action = 'issue.updated'")
	if rg.From != "" {
		c.add("created_at >= ?", rg.From)
	}
	if rg.To != "" {
		c.add("created_at < ?", rg.To)
	}
	if err := s.reader.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN `+detailStatus+` = 'done' AND COALESCE(`+detailPreviousStatus+`, '') NOT IN ('', 'done') THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN `+detailStatus+` = 'todo' AND `+detailPreviousStatus+` IN ('done', 'cancelled') THEN 1 ELSE 0 END), 0)
		FROM activity_log WHERE `+c.sql(), c.args...).Scan(&out.CompletedIssues, &out.ReopenedIssues); err != nil {
		return out, err
	}
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM approvals WHERE company_id = ? AND status = 'pending'`, companyID).
		Scan(&out.PendingApprovals); err != nil {
		return out, err
	}
	var v conds
	v.add("company_id = ?", companyID)
	if rg.From != "" {
		v.add("created_at >= ?", rg.From)
	}
	if rg.To != "" {
		v.add("created_at < ?", rg.To)
	}
	err := s.reader.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END), 0) FROM feedback_votes WHERE `+v.sql(), v.args...).
		Scan(&out.Feedback.Up, &out.Feedback.Down)
	return out, err
}
