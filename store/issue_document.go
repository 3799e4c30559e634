package store

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"unicode/utf8"
)

// DocumentSummary is a document without its body: what lists show.
type DocumentSummary struct {
	ID                   string  `json:"id"`
	CompanyID            string  `json:"companyId"`
	IssueID              string  `json:"issueId"`
	Key                  string  `json:"key"`
	Title                *string `json:"title"`
	Format               string  `json:"format"`
	LatestRevisionID     *string `json:"latestRevisionId"`
	LatestRevisionNumber int     `json:"latestRevisionNumber"`
	CreatedByAgentID     *string `json:"createdByAgentId"`
	CreatedByUserID      *string `json:"createdByUserId"`
	UpdatedByAgentID     *string `json:"updatedByAgentId"`
	UpdatedByUserID      *string `json:"updatedByUserId"`
	CreatedAt            string  `json:"createdAt"`
	UpdatedAt            string  `json:"updatedAt"`
}

// Document is a keyed, revisioned markdown document of an issue (issues.md §10).
type Document struct {
	DocumentSummary
	Body string `json:"body"`
}

// DocumentRevision is one saved version of a document.
type DocumentRevision struct {
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	DocumentID       string  `json:"documentId"`
	IssueID          string  `json:"issueId"`
	Key              string  `json:"key"`
	RevisionNumber   int     `json:"revisionNumber"`
	Title            *string `json:"title"`
	Format           string  `json:"format"`
	Body             string  `json:"body"`
	ChangeSummary    *string `json:"changeSummary"`
	CreatedByAgentID *string `json:"createdByAgentId"`
	CreatedByUserID  *string `json:"createdByUserId"`
	CreatedByRunID   *string `json:"createdByRunId"`
	CreatedAt        string  `json:"createdAt"`
}

// DocumentInput is the PUT body.
type DocumentInput struct {
	Title          Optional[string] `json:"title" limit:"200"`
	Format         Optional[string] `json:"format"`
	Body           Optional[string] `json:"body" limit:"524288"`
	ChangeSummary  Optional[string] `json:"changeSummary"`
	BaseRevisionID Optional[string] `json:"baseRevisionId"`
}

const maxDocumentBody = 524288

// Validate checks the PUT body.
func (in *DocumentInput) Validate() error {
	var p Problems
	if v := in.Title.Ptr(); v != nil && utf8.RuneCountInString(strings.TrimSpace(*v)) > 200 {
		p.Add("too_big", "String must contain at most 200 character(s)", "title")
	}
	switch {
	case !in.Format.Set:
		p.Required("format")
	case in.Format.Null || in.Format.Value != "markdown":
		p.Add("invalid_enum_value", enumMessage([]string{"markdown"}, in.Format.Value), "format")
	}
	switch {
	case !in.Body.Set:
		p.Required("body")
	case in.Body.Null:
		p.Add("invalid_type", "Expected string, received null", "body")
	case utf8.RuneCountInString(in.Body.Value) > maxDocumentBody:
		p.Add("too_big", "String must contain at most 524288 character(s)", "body")
	}
	if v := in.ChangeSummary.Ptr(); v != nil && utf8.RuneCountInString(*v) > 500 {
		p.Add("too_big", "String must contain at most 500 character(s)", "changeSummary")
	}
	if v := in.BaseRevisionID.Ptr(); v != nil && !IsUUID(*v) {
		p.Add("invalid_string", "Invalid uuid", "baseRevisionId")
	}
	p.Limits(in)
	return p.Err()
}

var documentKeyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// NormalizeDocumentKey lower-cases a key path segment and checks its shape.
func NormalizeDocumentKey(key string) (string, error) {
	k := strings.ToLower(key)
	if len(k) == 0 || len(k) > 64 || !documentKeyRe.MatchString(k) {
		return "", &Error{Code: EINVALID, Message: "Invalid document key", Details: []FieldError{{Path: []any{"key"},
			Code: "invalid_string", Message: "Key must match ^[a-z0-9][a-z0-9_-]*$ and be 1-64 characters"}}}
	}
	return k, nil
}

// documentSummarySelect reads everything but the body, which may be 512 KB per
// document and which lists do not show.
const documentSummarySelect = `SELECT d.id, d.company_id, x.issue_id, x.key, d.title, d.format, d.latest_revision_id,
	d.latest_revision_number, d.created_by_agent_id, d.created_by_user_id, d.updated_by_agent_id, d.updated_by_user_id,
	d.created_at, d.updated_at`

const documentFrom = ` FROM issue_documents x JOIN documents d ON d.id = x.document_id`

// An issue's documents and one by key, by the (issue_id, key) index.
const (
	issueDocumentsSQL     = documentSummarySelect + documentFrom + ` WHERE x.issue_id = ? ORDER BY d.updated_at DESC, d.id DESC`
	issueDocumentByKeySQL = documentSummarySelect + `, d.latest_body` + documentFrom + ` WHERE x.issue_id = ? AND x.key = ?`
)

func scanDocumentSummary(sc scanner, extra ...any) (DocumentSummary, error) {
	var d DocumentSummary
	var title, rev, ca, cu, ua, uu sql.NullString
	dest := []any{&d.ID, &d.CompanyID, &d.IssueID, &d.Key, &title, &d.Format, &rev, &d.LatestRevisionNumber,
		&ca, &cu, &ua, &uu, &d.CreatedAt, &d.UpdatedAt}
	err := sc.Scan(append(dest, extra...)...)
	d.Title, d.LatestRevisionID = strPtr(title), strPtr(rev)
	d.CreatedByAgentID, d.CreatedByUserID, d.UpdatedByAgentID, d.UpdatedByUserID = strPtr(ca), strPtr(cu), strPtr(ua), strPtr(uu)
	return d, err
}

func findDocument(ctx context.Context, q querier, issueID, key string) (Document, error) {
	var d Document
	sum, err := scanDocumentSummary(q.QueryRowContext(ctx, issueDocumentByKeySQL, issueID, key), &d.Body)
	d.DocumentSummary = sum
	return d, translate(err, "Document")
}

// FindIssueDocumentByKey returns the document with a key, or "Document not found".
func (s *Store) FindIssueDocumentByKey(ctx context.Context, issueID, key string) (Document, error) {
	k, err := NormalizeDocumentKey(key)
	if err != nil {
		return Document{}, err
	}
	return findDocument(ctx, s.reader, issueID, k)
}

// FindIssueDocuments lists an issue's documents without bodies, newest update first.
func (s *Store) FindIssueDocuments(ctx context.Context, issueID string) ([]DocumentSummary, error) {
	scan := func(sc scanner) (DocumentSummary, error) { return scanDocumentSummary(sc) }
	return queryAll(ctx, s.reader, scan, issueDocumentsSQL, issueID)
}

// actorColumns are the (agent id, user id) author columns of the context's actor.
func (tx *Tx) actorColumns() (*string, *string) {
	switch {
	case tx.actor.IsAgent():
		id := tx.actor.AgentID
		return &id, nil
	case tx.actor.IsBoard():
		id := tx.actor.UserID
		return nil, &id
	}
	return nil, nil
}

// appendRevision writes revision n+1 of a document and makes it the head.
func (tx *Tx) appendRevision(d *Document, title *string, body string, summary *string) error {
	agentID, userID := tx.actorColumns()
	var run *string
	if tx.actor.RunID != "" {
		r := tx.actor.RunID
		run = &r
	}
	now := tx.Now()
	revID := NewID()
	number := d.LatestRevisionNumber + 1
	if d.LatestRevisionID == nil {
		number = 1
	}
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO document_revisions (id, company_id, document_id, revision_number, title, format,
		body, change_summary, created_by_agent_id, created_by_user_id, created_by_run_id, created_at)
		VALUES (?, ?, ?, ?, ?, 'markdown', ?, ?, ?, ?, ?, ?)`, revID, d.CompanyID, d.ID, number, nullStr(title), body,
		nullStr(summary), nullStr(agentID), nullStr(userID), nullStr(run), now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE documents SET title = ?, latest_body = ?, latest_revision_id = ?, latest_revision_number = ?,
		updated_by_agent_id = ?, updated_by_user_id = ?, updated_at = ? WHERE id = ?`,
		nullStr(title), body, revID, number, nullStr(agentID), nullStr(userID), now, d.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE issue_documents SET updated_at = ? WHERE document_id = ?`, now, d.ID); err != nil {
		return err
	}
	d.Title, d.Body, d.LatestRevisionID, d.LatestRevisionNumber = title, body, &revID, number
	d.UpdatedByAgentID, d.UpdatedByUserID, d.UpdatedAt = agentID, userID, now
	return tx.touchIssue(d.IssueID)
}

// PutIssueDocument creates a document (revision 1) or appends a revision under
// optimistic concurrency: updates must name the current head as baseRevisionId.
func (s *Store) PutIssueDocument(ctx context.Context, issueKey, key string, in DocumentInput) (Document, bool, error) {
	k, err := NormalizeDocumentKey(key)
	if err != nil {
		return Document{}, false, err
	}
	if err := in.Validate(); err != nil {
		return Document{}, false, err
	}
	var d Document
	created := false
	err = s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(issueKey)
		if err != nil {
			return err
		}
		if err := tx.enforceAgentWrite(&is, false); err != nil {
			return err
		}
		title := trimPtr(in.Title.Ptr())
		d, err = findDocument(tx.ctx, tx, is.ID, k)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			if in.BaseRevisionID.Ptr() != nil {
				return Errorf(ECONFLICT, "Document does not exist yet")
			}
			created = true
			agentID, userID := tx.actorColumns()
			now := tx.Now()
			d = Document{DocumentSummary: DocumentSummary{ID: NewID(), CompanyID: is.CompanyID, IssueID: is.ID, Key: k, Format: "markdown",
				CreatedByAgentID: agentID, CreatedByUserID: userID, CreatedAt: now, UpdatedAt: now}}
			if _, err := tx.ExecContext(tx.ctx, `INSERT INTO documents (id, company_id, title, format, latest_body, latest_revision_number,
				created_by_agent_id, created_by_user_id, updated_by_agent_id, updated_by_user_id, created_at, updated_at)
				VALUES (?, ?, ?, 'markdown', ?, 1, ?, ?, ?, ?, ?, ?)`, d.ID, d.CompanyID, nullStr(title), in.Body.Value,
				nullStr(agentID), nullStr(userID), nullStr(agentID), nullStr(userID), now, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_documents (id, company_id, issue_id, document_id, key, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, NewID(), is.CompanyID, is.ID, d.ID, k, now, now); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if !in.Title.Set {
				title = d.Title
			}
			base := in.BaseRevisionID.Ptr()
			if base == nil {
				return Errorf(ECONFLICT, "Document update requires baseRevisionId")
			}
			if d.LatestRevisionID == nil || !strings.EqualFold(*base, *d.LatestRevisionID) {
				return &Error{Code: ECONFLICT, Message: "Document was updated by someone else", Details: map[string]any{
					"currentRevisionId": d.LatestRevisionID, "currentRevisionNumber": d.LatestRevisionNumber}}
			}
		}
		if err := tx.appendRevision(&d, title, in.Body.Value, in.ChangeSummary.Ptr()); err != nil {
			return err
		}
		action := "issue.document_updated"
		if created {
			action = "issue.document_created"
		}
		return tx.logActivity(is.CompanyID, action, "issue", is.ID, map[string]any{
			"key": k, "documentId": d.ID, "title": d.Title, "format": d.Format, "revisionNumber": d.LatestRevisionNumber})
	})
	return d, created, err
}

const revisionSelect = `SELECT r.id, r.company_id, r.document_id, x.issue_id, x.key, r.revision_number, r.title, r.format, r.body,
	r.change_summary, r.created_by_agent_id, r.created_by_user_id, r.created_by_run_id, r.created_at
	FROM document_revisions r JOIN issue_documents x ON x.document_id = r.document_id`

func scanDocumentRevision(sc scanner) (DocumentRevision, error) {
	var r DocumentRevision
	var title, summary, agent, user, run sql.NullString
	err := sc.Scan(&r.ID, &r.CompanyID, &r.DocumentID, &r.IssueID, &r.Key, &r.RevisionNumber, &title, &r.Format, &r.Body,
		&summary, &agent, &user, &run, &r.CreatedAt)
	r.Title, r.ChangeSummary, r.CreatedByAgentID, r.CreatedByUserID, r.CreatedByRunID = strPtr(title), strPtr(summary), strPtr(agent), strPtr(user), strPtr(run)
	return r, err
}

// FindDocumentRevisions lists a document's revisions, newest first.
func (s *Store) FindDocumentRevisions(ctx context.Context, issueID, key string) ([]DocumentRevision, error) {
	d, err := s.FindIssueDocumentByKey(ctx, issueID, key)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, s.reader, scanDocumentRevision, revisionSelect+` WHERE r.document_id = ? ORDER BY r.revision_number DESC`, d.ID)
}

// RestoreDocumentRevision appends a revision copying an older one's title and body.
func (s *Store) RestoreDocumentRevision(ctx context.Context, issueKey, key, revisionID string) (Document, error) {
	k, err := NormalizeDocumentKey(key)
	if err != nil {
		return Document{}, err
	}
	var d Document
	err = s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(issueKey)
		if err != nil {
			return err
		}
		if err := tx.enforceAgentWrite(&is, false); err != nil {
			return err
		}
		if d, err = findDocument(tx.ctx, tx, is.ID, k); err != nil {
			return err
		}
		rev, err := scanDocumentRevision(tx.QueryRowContext(tx.ctx, revisionSelect+` WHERE r.id = ? AND r.document_id = ?`, strings.ToLower(revisionID), d.ID))
		if err != nil {
			return translate(err, "Document revision")
		}
		if d.LatestRevisionID != nil && *d.LatestRevisionID == rev.ID {
			return Errorf(ECONFLICT, "Selected revision is already the latest revision")
		}
		summary := "Restored revision " + itoa(rev.RevisionNumber)
		if err := tx.appendRevision(&d, rev.Title, rev.Body, &summary); err != nil {
			return err
		}
		return tx.logActivity(is.CompanyID, "issue.document_restored", "issue", is.ID, map[string]any{
			"key": k, "documentId": d.ID, "restoredFromRevisionId": rev.ID, "revisionNumber": d.LatestRevisionNumber})
	})
	return d, err
}

// DeleteIssueDocument removes a document and its revisions; board only.
func (s *Store) DeleteIssueDocument(ctx context.Context, issueKey, key string) error {
	k, err := NormalizeDocumentKey(key)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(issueKey)
		if err != nil {
			return err
		}
		if !tx.actor.IsBoard() && tx.actor.Kind != ActorSystem {
			return Errorf(EFORBIDDEN, "Board authentication required")
		}
		d, err := findDocument(tx.ctx, tx, is.ID, k)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM documents WHERE id = ?`, d.ID); err != nil {
			return err
		}
		return tx.logActivity(is.CompanyID, "issue.document_deleted", "issue", is.ID, map[string]any{"key": k, "documentId": d.ID})
	})
}
