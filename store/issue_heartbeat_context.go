package store

import (
	"context"
	"database/sql"
	"strings"
)

// HeartbeatContext is GET /api/issues/{id}/heartbeat-context: what an agent needs at
// the start of a heartbeat in one call — the issue in compact form, its ancestors,
// project and goal, and comment cursors so it fetches only the comments after the
// last one it saw (?after=) instead of replaying the thread.
type HeartbeatContext struct {
	Issue         HeartbeatIssue        `json:"issue"`
	Ancestors     []IssueAncestor       `json:"ancestors"`
	Project       *HeartbeatProject     `json:"project"`
	Goal          *IssueGoalRef         `json:"goal"`
	CommentCursor CommentCursor         `json:"commentCursor"`
	WakeComment   *Comment              `json:"wakeComment"`
	Attachments   []HeartbeatAttachment `json:"attachments"`
}

// HeartbeatIssue is the compact issue of a heartbeat context: no execution-lock or
// bookkeeping columns, but the relations that decide whether it can move.
type HeartbeatIssue struct {
	ID              string             `json:"id"`
	Identifier      string             `json:"identifier"`
	Title           string             `json:"title"`
	Description     *string            `json:"description"`
	Status          string             `json:"status"`
	Priority        string             `json:"priority"`
	ProjectID       *string            `json:"projectId"`
	GoalID          *string            `json:"goalId"`
	ParentID        *string            `json:"parentId"`
	BlockedBy       []IssueRelationRef `json:"blockedBy"`
	Blocks          []IssueRelationRef `json:"blocks"`
	AssigneeAgentID *string            `json:"assigneeAgentId"`
	AssigneeUserID  *string            `json:"assigneeUserId"`
	OriginKind      string             `json:"originKind"`
	OriginID        *string            `json:"originId"`
	UpdatedAt       string             `json:"updatedAt"`
}

// HeartbeatProject is the project summary of a heartbeat context.
type HeartbeatProject struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Status     string  `json:"status"`
	TargetDate *string `json:"targetDate"`
}

// CommentCursor says how far an issue's thread goes: the agent compares
// LatestCommentID with the last comment it read and asks only for what follows.
type CommentCursor struct {
	TotalComments   int     `json:"totalComments"`
	LatestCommentID *string `json:"latestCommentId"`
	LatestCommentAt *string `json:"latestCommentAt"`
}

// HeartbeatAttachment is an attachment listed in a heartbeat context.
type HeartbeatAttachment struct {
	ID          string  `json:"id"`
	Filename    *string `json:"filename"`
	ContentType string  `json:"contentType"`
	ByteSize    int64   `json:"byteSize"`
	ContentPath string  `json:"contentPath"`
	CreatedAt   string  `json:"createdAt"`
}

// FindIssueHeartbeatContext builds the heartbeat context of an issue. wakeCommentID
// names the comment that woke the agent; it is included when it belongs to this
// issue and is null otherwise (a stale or foreign id is not an error).
func (s *Store) FindIssueHeartbeatContext(ctx context.Context, key, wakeCommentID string) (HeartbeatContext, error) {
	d, err := s.FindIssueDetail(ctx, key)
	if err != nil {
		return HeartbeatContext{}, err
	}
	is := d.Issue
	hc := HeartbeatContext{
		Issue: HeartbeatIssue{ID: is.ID, Identifier: is.Identifier, Title: is.Title, Description: is.Description,
			Status: is.Status, Priority: is.Priority, ProjectID: is.ProjectID, GoalID: is.GoalID, ParentID: is.ParentID,
			BlockedBy: d.BlockedBy, Blocks: d.Blocks, AssigneeAgentID: is.AssigneeAgentID, AssigneeUserID: is.AssigneeUserID,
			OriginKind: is.OriginKind, OriginID: is.OriginID, UpdatedAt: is.UpdatedAt},
		Ancestors:   d.Ancestors,
		Goal:        d.Goal,
		Attachments: []HeartbeatAttachment{},
	}
	if hc.Project, err = s.findHeartbeatProject(ctx, is.ProjectID); err != nil {
		return hc, err
	}
	if hc.CommentCursor, err = s.findCommentCursor(ctx, is.ID); err != nil {
		return hc, err
	}
	if id := strings.TrimSpace(wakeCommentID); id != "" && IsUUID(id) {
		c, err := s.FindCommentByID(ctx, is.ID, id)
		switch ErrorCode(err) {
		case "":
			hc.WakeComment = &c
		case ENOTFOUND:
		default:
			return hc, err
		}
	}
	atts, err := s.FindIssueAttachments(ctx, is.ID)
	if err != nil {
		return hc, err
	}
	for _, a := range atts {
		hc.Attachments = append(hc.Attachments, HeartbeatAttachment{ID: a.ID, Filename: a.OriginalFilename,
			ContentType: a.ContentType, ByteSize: a.ByteSize, ContentPath: a.ContentPath, CreatedAt: a.CreatedAt})
	}
	return hc, nil
}

func (s *Store) findHeartbeatProject(ctx context.Context, id *string) (*HeartbeatProject, error) {
	if id == nil {
		return nil, nil
	}
	p, err := s.FindProjectByID(ctx, *id)
	switch ErrorCode(err) {
	case "":
		return &HeartbeatProject{ID: p.ID, Name: p.Name, Status: p.Status, TargetDate: p.TargetDate}, nil
	case ENOTFOUND:
		return nil, nil // deleted under the issue: no summary rather than a failed heartbeat
	}
	return nil, err
}

// An issue's comment count and latest comment, both read from the issue's comment index.
const (
	commentCountSQL  = `SELECT COUNT(*) FROM issue_comments WHERE issue_id = ?`
	latestCommentSQL = `SELECT id, created_at FROM issue_comments WHERE issue_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`
)

// findCommentCursor counts an issue's comments and names the latest, in the same
// (createdAt, id) order that ?after= pages by.
func (s *Store) findCommentCursor(ctx context.Context, issueID string) (CommentCursor, error) {
	var cur CommentCursor
	if err := s.reader.QueryRowContext(ctx, commentCountSQL, issueID).Scan(&cur.TotalComments); err != nil {
		return cur, err
	}
	var id, at string
	err := s.reader.QueryRowContext(ctx, latestCommentSQL, issueID).Scan(&id, &at)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return cur, err
	default:
		cur.LatestCommentID, cur.LatestCommentAt = &id, &at
	}
	return cur, nil
}
