package store

import (
	"context"
	"database/sql"
	"encoding/json"
)

// FeedbackTrace is the review view of one feedback vote (companies.md §2.12). V1 never
// transmits anything off the instance, so export fields are fixed.
type FeedbackTrace struct {
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	FeedbackVoteID   string  `json:"feedbackVoteId"`
	IssueID          string  `json:"issueId"`
	ProjectID        *string `json:"projectId"`
	IssueIdentifier  *string `json:"issueIdentifier"`
	IssueTitle       *string `json:"issueTitle"`
	AuthorUserID     string  `json:"authorUserId"`
	TargetType       string  `json:"targetType"`
	TargetID         string  `json:"targetId"`
	Vote             string  `json:"vote"`
	Status           string  `json:"status"`
	Destination      *string `json:"destination"`
	ExportID         *string `json:"exportId"`
	ConsentVersion   *string `json:"consentVersion"`
	SchemaVersion    string  `json:"schemaVersion"`
	BundleVersion    string  `json:"bundleVersion"`
	PayloadVersion   string  `json:"payloadVersion"`
	PayloadDigest    *string `json:"payloadDigest"`
	PayloadSnapshot  JSONRaw `json:"payloadSnapshot"`
	TargetSummary    JSONRaw `json:"targetSummary"`
	RedactionSummary JSONRaw `json:"redactionSummary"`
	AttemptCount     int     `json:"attemptCount"`
	LastAttemptedAt  *string `json:"lastAttemptedAt"`
	ExportedAt       *string `json:"exportedAt"`
	FailureReason    *string `json:"failureReason"`
	CreatedAt        string  `json:"createdAt"`
	UpdatedAt        string  `json:"updatedAt"`
}

// FeedbackTraceFilter selects traces; empty fields do not filter.
type FeedbackTraceFilter struct {
	CompanyID      string
	TargetType     string
	Vote           string
	Status         string
	IssueID        string
	ProjectID      string
	From, To       string
	SharedOnly     bool
	IncludePayload bool
}

// FindFeedbackTraces lists a company's feedback traces newest first.
func (s *Store) FindFeedbackTraces(ctx context.Context, f FeedbackTraceFilter) ([]FeedbackTrace, error) {
	var c conds
	c.add("v.company_id = ?", f.CompanyID)
	c.eq("v.target_type", f.TargetType)
	c.eq("v.vote", f.Vote)
	c.eq("v.trace_status", f.Status)
	c.eq("v.issue_id", f.IssueID)
	c.eq("v.project_id", f.ProjectID)
	c.since("v.created_at", f.From)
	c.until("v.created_at", f.To)
	if f.SharedOnly {
		c.add("v.shared_with_labs = 1")
	}
	return queryAll(ctx, s.reader, func(sc scanner) (FeedbackTrace, error) {
		return scanFeedbackTrace(sc, f.IncludePayload)
	}, `SELECT v.id, v.company_id, v.issue_id, v.project_id, i.identifier, i.title,
		v.author_user_id, v.target_type, v.target_id, v.vote, v.trace_status, c.feedback_data_sharing_terms_version,
		v.payload_snapshot, v.target_summary, v.created_at, v.updated_at
		FROM feedback_votes v
		JOIN companies c ON c.id = v.company_id
		LEFT JOIN issues i ON i.id = v.issue_id
		WHERE `+c.sql()+` ORDER BY v.created_at DESC, v.id DESC`, c.args...)
}

// scanFeedbackTrace reads one trace; the payload snapshot is shown only when asked for.
func scanFeedbackTrace(sc scanner, includePayload bool) (FeedbackTrace, error) {
	var t FeedbackTrace
	var project, ident, title, consent, payload sql.NullString
	var summary string
	if err := sc.Scan(&t.ID, &t.CompanyID, &t.IssueID, &project, &ident, &title, &t.AuthorUserID, &t.TargetType,
		&t.TargetID, &t.Vote, &t.Status, &consent, &payload, &summary, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return FeedbackTrace{}, err
	}
	t.FeedbackVoteID = t.ID
	t.ProjectID, t.IssueIdentifier, t.IssueTitle, t.ConsentVersion = strPtr(project), strPtr(ident), strPtr(title), strPtr(consent)
	t.SchemaVersion = "paperclip-feedback-envelope-v2"
	t.BundleVersion = "paperclip-feedback-bundle-v2"
	t.PayloadVersion = "paperclip-feedback-v1"
	t.TargetSummary = JSONRaw(summary)
	t.PayloadSnapshot = JSONRaw("null")
	if includePayload && payload.Valid && json.Valid([]byte(payload.String)) {
		t.PayloadSnapshot = JSONRaw(payload.String)
	}
	t.RedactionSummary = JSONRaw("null")
	return t, nil
}
