package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// FeedbackVote is a board user's up/down vote on a comment or document revision of an
// issue (issues.md §11).
type FeedbackVote struct {
	ID             string  `json:"id"`
	CompanyID      string  `json:"companyId"`
	IssueID        string  `json:"issueId"`
	TargetType     string  `json:"targetType"`
	TargetID       string  `json:"targetId"`
	AuthorUserID   string  `json:"authorUserId"`
	Vote           string  `json:"vote"`
	Reason         *string `json:"reason"`
	SharedWithLabs bool    `json:"sharedWithLabs"`
	SharedAt       *string `json:"sharedAt"`
	ConsentVersion *string `json:"consentVersion"`
	CreatedAt      string  `json:"createdAt"`
	UpdatedAt      string  `json:"updatedAt"`
}

// FeedbackVoteInput is the POST body.
type FeedbackVoteInput struct {
	TargetType   Optional[string] `json:"targetType"`
	TargetID     Optional[string] `json:"targetId"`
	Vote         Optional[string] `json:"vote"`
	Reason       Optional[string] `json:"reason" limit:"1000"`
	AllowSharing Optional[bool]   `json:"allowSharing"`
}

var feedbackTargets = []string{"issue_comment", "issue_document_revision"}

// Validate checks the vote body.
func (in *FeedbackVoteInput) Validate() error {
	var p Problems
	enum := func(name string, v Optional[string], vals []string) {
		switch {
		case !v.Set:
			p.Required(name)
		case v.Null:
			p.Add("invalid_type", "Expected string, received null", name)
		default:
			for _, ok := range vals {
				if v.Value == ok {
					return
				}
			}
			p.Add("invalid_enum_value", enumMessage(vals, v.Value), name)
		}
	}
	enum("targetType", in.TargetType, feedbackTargets)
	switch {
	case !in.TargetID.Set:
		p.Required("targetId")
	case in.TargetID.Null || !IsUUID(in.TargetID.Value):
		p.Add("invalid_string", "Invalid uuid", "targetId")
	}
	enum("vote", in.Vote, []string{"up", "down"})
	if v := in.Reason.Ptr(); v != nil && utf8.RuneCountInString(*v) > 1000 {
		p.Add("too_big", "String must contain at most 1000 character(s)", "reason")
	}
	p.Limits(in)
	return p.Err()
}

// feedbackTarget loads what a vote points at, refusing anything outside the issue.
func (tx *Tx) feedbackTarget(is *Issue, targetType, targetID string) (summary, payload map[string]any, err error) {
	bad := Errorf(EUNPROCESSABLE, "Feedback target must belong to this issue")
	if targetType == "issue_comment" {
		var body, created string
		var agent, user sql.NullString
		err := tx.QueryRowContext(tx.ctx, `SELECT body, author_agent_id, author_user_id, created_at FROM issue_comments
			WHERE id = ? AND issue_id = ?`, targetID, is.ID).Scan(&body, &agent, &user, &created)
		if err == sql.ErrNoRows {
			return nil, nil, bad
		}
		if err != nil {
			return nil, nil, err
		}
		summary = map[string]any{"label": "Comment", "excerpt": truncateRunes(body, 280), "authorAgentId": strPtr(agent),
			"authorUserId": strPtr(user), "createdAt": created, "documentKey": nil, "documentTitle": nil, "revisionNumber": nil}
		payload = map[string]any{"type": targetType, "id": targetID, "body": body, "authorAgentId": strPtr(agent),
			"authorUserId": strPtr(user), "createdAt": created}
		return summary, payload, nil
	}
	r, err := scanDocumentRevision(tx.QueryRowContext(tx.ctx, revisionSelect+` WHERE r.id = ? AND x.issue_id = ?`, targetID, is.ID))
	if err == sql.ErrNoRows {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, err
	}
	summary = map[string]any{"label": "Document " + r.Key + " revision " + itoa(r.RevisionNumber), "excerpt": truncateRunes(r.Body, 280),
		"authorAgentId": r.CreatedByAgentID, "authorUserId": r.CreatedByUserID, "createdAt": r.CreatedAt,
		"documentKey": r.Key, "documentTitle": r.Title, "revisionNumber": r.RevisionNumber}
	payload = map[string]any{"type": targetType, "id": targetID, "documentKey": r.Key, "title": r.Title, "body": r.Body,
		"revisionNumber": r.RevisionNumber, "authorAgentId": r.CreatedByAgentID, "authorUserId": r.CreatedByUserID, "createdAt": r.CreatedAt}
	return summary, payload, nil
}

// RecordFeedbackVote upserts the board user's vote on a target of the issue; created
// reports whether it is new.
func (s *Store) RecordFeedbackVote(ctx context.Context, key string, in FeedbackVoteInput) (FeedbackVote, bool, error) {
	if err := in.Validate(); err != nil {
		return FeedbackVote{}, false, err
	}
	var v FeedbackVote
	created := false
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if !tx.actor.IsBoard() {
			return errBoardAuthRequired()
		}
		targetID := strings.ToLower(in.TargetID.Value)
		summary, target, err := tx.feedbackTarget(&is, in.TargetType.Value, targetID)
		if err != nil {
			return err
		}
		summaryJSON, _ := json.Marshal(summary)
		payloadJSON, _ := json.Marshal(map[string]any{"issue": map[string]any{"id": is.ID, "identifier": is.Identifier, "title": is.Title}, "target": target})
		var existing string
		err = tx.QueryRowContext(tx.ctx, `SELECT id FROM feedback_votes WHERE company_id = ? AND target_type = ? AND target_id = ? AND author_user_id = ?`,
			is.CompanyID, in.TargetType.Value, targetID, tx.actor.UserID).Scan(&existing)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		now := tx.Now()
		if err == sql.ErrNoRows {
			created = true
			existing = NewID()
			_, err = tx.ExecContext(tx.ctx, `INSERT INTO feedback_votes (id, company_id, issue_id, project_id, target_type, target_id,
				author_user_id, vote, reason, shared_with_labs, trace_status, target_summary, payload_snapshot, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'local_only', ?, ?, ?, ?)`, existing, is.CompanyID, is.ID, nullStr(is.ProjectID),
				in.TargetType.Value, targetID, tx.actor.UserID, in.Vote.Value, nullStr(in.Reason.Ptr()), string(summaryJSON),
				string(payloadJSON), now, now)
		} else {
			_, err = tx.ExecContext(tx.ctx, `UPDATE feedback_votes SET vote = ?, reason = ?, project_id = ?, target_summary = ?,
				payload_snapshot = ?, updated_at = ? WHERE id = ?`, in.Vote.Value, nullStr(in.Reason.Ptr()), nullStr(is.ProjectID),
				string(summaryJSON), string(payloadJSON), now, existing)
		}
		if err != nil {
			return err
		}
		if v, err = scanFeedbackVote(tx.QueryRowContext(tx.ctx, feedbackVoteSelect+` WHERE id = ?`, existing)); err != nil {
			return err
		}
		return tx.logActivity(is.CompanyID, "issue.feedback_vote_recorded", "issue", is.ID, map[string]any{
			"targetType": v.TargetType, "targetId": v.TargetID, "vote": v.Vote})
	})
	return v, created, err
}

const feedbackVoteSelect = `SELECT id, company_id, issue_id, target_type, target_id, author_user_id, vote, reason, shared_with_labs,
	created_at, updated_at FROM feedback_votes`

func scanFeedbackVote(sc scanner) (FeedbackVote, error) {
	var v FeedbackVote
	var reason sql.NullString
	var shared int
	err := sc.Scan(&v.ID, &v.CompanyID, &v.IssueID, &v.TargetType, &v.TargetID, &v.AuthorUserID, &v.Vote, &reason, &shared,
		&v.CreatedAt, &v.UpdatedAt)
	v.Reason, v.SharedWithLabs = strPtr(reason), shared != 0
	return v, err
}

// issueFeedbackVotesSQL reads an issue's votes (args: the issue twice). It names the
// issue's company, which leads the votes' issue index; by issue alone it scanned them all.
const issueFeedbackVotesSQL = feedbackVoteSelect + ` WHERE company_id = (SELECT company_id FROM issues WHERE id = ?) AND issue_id = ?
	ORDER BY created_at DESC, id DESC`

// FindIssueFeedbackVotes lists every vote on an issue, newest first.
func (s *Store) FindIssueFeedbackVotes(ctx context.Context, issueID string) ([]FeedbackVote, error) {
	return queryAll(ctx, s.reader, scanFeedbackVote, issueFeedbackVotesSQL, issueID, issueID)
}
