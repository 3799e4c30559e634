package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// Attachment is a file attached to an issue (issues.md §8.2).
type Attachment struct {
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	IssueID          string  `json:"issueId"`
	IssueCommentID   *string `json:"issueCommentId"`
	AssetID          string  `json:"assetId"`
	Provider         string  `json:"provider"`
	ObjectKey        string  `json:"objectKey"`
	ContentType      string  `json:"contentType"`
	ByteSize         int64   `json:"byteSize"`
	SHA256           string  `json:"sha256"`
	OriginalFilename *string `json:"originalFilename"`
	CreatedByAgentID *string `json:"createdByAgentId"`
	CreatedByUserID  *string `json:"createdByUserId"`
	CreatedAt        string  `json:"createdAt"`
	UpdatedAt        string  `json:"updatedAt"`
	ContentPath      string  `json:"contentPath"`
	DownloadPath     string  `json:"downloadPath"`
}

// NewAttachment is an upload to attach to an issue; the handler has already checked
// the type, size and emptiness of the file.
type NewAttachment struct {
	CompanyID        string // the company of the request path
	IssueKey         string
	IssueCommentID   string // optional, already a valid UUID
	ContentType      string
	OriginalFilename string
	Data             []byte
}

const attachmentSelect = `SELECT t.id, t.company_id, t.issue_id, t.issue_comment_id, a.id, a.provider, a.object_key, a.content_type,
	a.byte_size, a.sha256, a.original_filename, a.created_by_agent_id, a.created_by_user_id, t.created_at, t.updated_at
	FROM issue_attachments t JOIN assets a ON a.id = t.asset_id`

func scanAttachment(sc scanner) (Attachment, error) {
	var t Attachment
	var comment, orig, agent, user sql.NullString
	err := sc.Scan(&t.ID, &t.CompanyID, &t.IssueID, &comment, &t.AssetID, &t.Provider, &t.ObjectKey, &t.ContentType,
		&t.ByteSize, &t.SHA256, &orig, &agent, &user, &t.CreatedAt, &t.UpdatedAt)
	t.IssueCommentID, t.OriginalFilename, t.CreatedByAgentID, t.CreatedByUserID = strPtr(comment), strPtr(orig), strPtr(agent), strPtr(user)
	t.ContentPath = "/api/attachments/" + t.ID + "/content"
	t.DownloadPath = t.ContentPath + "?download=1"
	return t, err
}

// FindAttachmentByID returns one attachment or "Attachment not found".
func (s *Store) FindAttachmentByID(ctx context.Context, id string) (Attachment, error) {
	t, err := scanAttachment(s.reader.QueryRowContext(ctx, attachmentSelect+` WHERE t.id = ?`, strings.ToLower(id)))
	return t, translate(err, "Attachment")
}

// issueAttachmentsSQL reads an issue's attachments, newest first, in the order of the
// (issue_id, created_at, id) index.
const issueAttachmentsSQL = attachmentSelect + ` WHERE t.issue_id = ? ORDER BY t.created_at DESC, t.id DESC`

// FindIssueAttachments lists an issue's attachments, newest first.
func (s *Store) FindIssueAttachments(ctx context.Context, issueID string) ([]Attachment, error) {
	return queryAll(ctx, s.reader, scanAttachment, issueAttachmentsSQL, issueID)
}

// OpenAttachment opens the stored file of an attachment.
func (s *Store) OpenAttachment(t Attachment) (*os.File, error) {
	p, err := s.objectPath(t.CompanyID, t.ObjectKey)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// CreateAttachment stores the file under issues/<issueId>/<uuid>-<name>, then the
// asset and attachment rows in one transaction; a failed transaction removes the file.
func (s *Store) CreateAttachment(ctx context.Context, in NewAttachment) (Attachment, error) {
	if err := checkFilename(in.OriginalFilename); err != nil {
		return Attachment{}, err
	}
	var out Attachment
	var written string
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(in.IssueKey)
		if err != nil {
			return err
		}
		if is.CompanyID != in.CompanyID {
			return Errorf(EUNPROCESSABLE, "Issue does not belong to company")
		}
		if err := tx.enforceAgentWrite(&is, false); err != nil {
			return err
		}
		var commentID any
		if in.IssueCommentID != "" {
			var n int
			if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM issue_comments WHERE id = ? AND issue_id = ? AND company_id = ?`,
				strings.ToLower(in.IssueCommentID), is.ID, is.CompanyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return Errorf(EUNPROCESSABLE, "Attachment comment must belong to same issue and company")
			}
			commentID = strings.ToLower(in.IssueCommentID)
		}
		assetID := NewID()
		key := "issues/" + is.ID + "/" + assetID + "-" + SafeFilename(in.OriginalFilename)
		path, err := s.objectPath(is.CompanyID, key)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(path, in.Data, 0o600); err != nil {
			return err
		}
		written = path
		sum := sha256.Sum256(in.Data)
		agentID, userID := tx.actorColumns()
		now := tx.Now()
		var orig any
		if in.OriginalFilename != "" {
			orig = in.OriginalFilename
		}
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO assets (id, company_id, provider, object_key, content_type, byte_size, sha256,
			original_filename, created_by_agent_id, created_by_user_id, created_at, updated_at)
			VALUES (?, ?, 'local_disk', ?, ?, ?, ?, ?, ?, ?, ?, ?)`, assetID, is.CompanyID, key, in.ContentType, len(in.Data),
			hex.EncodeToString(sum[:]), orig, nullStr(agentID), nullStr(userID), now, now); err != nil {
			return err
		}
		id := NewID()
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_attachments (id, company_id, issue_id, asset_id, issue_comment_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, is.CompanyID, is.ID, assetID, commentID, now, now); err != nil {
			return err
		}
		if err := tx.touchIssue(is.ID); err != nil {
			return err
		}
		if err := tx.logActivity(is.CompanyID, "issue.attachment_added", "issue", is.ID, map[string]any{
			"attachmentId": id, "originalFilename": orig, "contentType": in.ContentType, "byteSize": len(in.Data)}); err != nil {
			return err
		}
		out, err = scanAttachment(tx.QueryRowContext(tx.ctx, attachmentSelect+` WHERE t.id = ?`, id))
		return err
	})
	if err != nil && written != "" {
		os.Remove(written)
	}
	return out, err
}

// DeleteAttachment removes an attachment, its asset row and (after commit) its file.
func (s *Store) DeleteAttachment(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *Tx) error {
		t, err := scanAttachment(tx.QueryRowContext(tx.ctx, attachmentSelect+` WHERE t.id = ?`, strings.ToLower(id)))
		if err != nil {
			return translate(err, "Attachment")
		}
		is, err := tx.loadIssue(t.IssueID)
		if err != nil {
			return NotFound("Attachment")
		}
		if err := tx.enforceAgentWrite(&is, false); err != nil {
			return err
		}
		if err := tx.deleteAsset(s, t.AssetID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM issue_attachments WHERE id = ?`, t.ID); err != nil {
			return err
		}
		return tx.logActivity(is.CompanyID, "issue.attachment_removed", "issue", is.ID, map[string]any{"attachmentId": t.ID})
	})
}
