package store

import (
	"context"
	"database/sql"
	"strings"
)

// approvalColumns stays on one line: findIssueApprovals prefixes each column with "a.".
const approvalColumns = `id, company_id, type, requested_by_agent_id, requested_by_user_id, status, payload, decision_note, decided_by_user_id, decided_at, created_at, updated_at`

func scanApproval(sc scanner) (Approval, error) {
	var a Approval
	var agent, user, note, decider, decided, payload sql.NullString
	err := sc.Scan(&a.ID, &a.CompanyID, &a.Type, &agent, &user, &a.Status, &payload, &note, &decider, &decided,
		&a.CreatedAt, &a.UpdatedAt)
	a.RequestedByAgentID, a.RequestedByUserID, a.DecisionNote = strPtr(agent), strPtr(user), strPtr(note)
	a.DecidedByUserID, a.DecidedAt = strPtr(decider), strPtr(decided)
	a.Payload = redactedJSON(payload, "{}")
	return a, err
}

func findApproval(ctx context.Context, q querier, id string) (Approval, error) {
	if !IsUUID(id) {
		return Approval{}, NotFound("Approval")
	}
	a, err := scanApproval(q.QueryRowContext(ctx, `SELECT `+approvalColumns+` FROM approvals WHERE id = ?`, strings.ToLower(id)))
	return a, translate(err, "Approval")
}

// FindApprovalByID returns one approval or "Approval not found"; the caller checks its
// company.
func (s *Store) FindApprovalByID(ctx context.Context, id string) (Approval, error) {
	return findApproval(ctx, s.reader, id)
}

// FindApprovals lists a company's approvals newest first (then by id, descending).
func (s *Store) FindApprovals(ctx context.Context, f ApprovalFilter) ([]Approval, error) {
	var c conds
	c.add("company_id = ?", f.CompanyID)
	c.eq("status", f.Status)
	c.eq("type", f.Type)
	paging, pageArgs := limitOffset(f.Limit, f.Offset)
	return queryAll(ctx, s.reader, scanApproval, `SELECT `+approvalColumns+` FROM approvals WHERE `+c.sql()+
		` ORDER BY created_at DESC, id DESC`+paging, append(c.args, pageArgs...)...)
}

// FindApprovalIssues lists the issues linked to an approval, in issue-list order.
func (s *Store) FindApprovalIssues(ctx context.Context, ap Approval) ([]IssueRow, error) {
	return s.FindIssues(ctx, IssueFilter{CompanyID: ap.CompanyID, ApprovalID: ap.ID})
}

// CreateApproval files a request for the board. An agent is always recorded as its
// own requester; a board user may name an agent of the company.
func (s *Store) CreateApproval(ctx context.Context, companyID string, in ApprovalInput) (Approval, error) {
	if err := in.Validate(); err != nil {
		return Approval{}, err
	}
	var id string
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		var agentID, userID *string
		switch {
		case tx.actor.IsAgent():
			agentID = &tx.actor.AgentID
		case tx.actor.IsBoard():
			userID = &tx.actor.UserID
			if v := in.RequestedByAgentID.Ptr(); v != nil {
				ag, err := findAgentRef(tx.ctx, tx, *v)
				if err == sql.ErrNoRows || (err == nil && ag.CompanyID != companyID) {
					return NotFound("Agent")
				}
				if err != nil {
					return err
				}
				agentID = &ag.ID
			}
		}
		issueIDs := lowerUUIDs(in.IssueIDs.Value)
		payload := map[string]any(in.Payload.Value)
		if in.Type.Value == ApprovalHireAgent {
			payload = Redact(payload).(map[string]any)
		}
		ap, err := tx.insertApproval(companyID, in.Type.Value, agentID, userID, payload, issueIDs)
		if err != nil {
			return err
		}
		id = ap
		return tx.logActivity(companyID, "approval.created", "approval", ap, map[string]any{"type": in.Type.Value, "issueIds": issueIDs})
	})
	if err != nil {
		return Approval{}, err
	}
	return s.FindApprovalByID(ctx, id)
}

// insertApproval writes a pending approval and links it to issues of its company.
func (tx *Tx) insertApproval(companyID, typ string, agentID, userID *string, payload map[string]any, issueIDs []string) (string, error) {
	if err := tx.requireCompanyIssues(companyID, issueIDs); err != nil {
		return "", err
	}
	text, err := jsonText(payload)
	if err != nil {
		return "", err
	}
	id := NewID()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO approvals (id, company_id, type, requested_by_agent_id, requested_by_user_id,
		status, payload, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
		id, companyID, typ, nullStr(agentID), nullStr(userID), text, tx.Now(), tx.Now()); err != nil {
		return "", err
	}
	linkAgent, linkUser := tx.actorColumns()
	for _, issueID := range issueIDs {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_approvals (company_id, issue_id, approval_id, linked_by_agent_id,
			linked_by_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issue_id, approval_id) DO NOTHING`,
			companyID, issueID, id, nullStr(linkAgent), nullStr(linkUser), tx.Now()); err != nil {
			return "", err
		}
	}
	return id, nil
}

// requireCompanyIssues checks that every id names an issue of the company.
func (tx *Tx) requireCompanyIssues(companyID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{companyID}
	for _, id := range ids {
		args = append(args, id)
	}
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM issues WHERE company_id = ? AND id IN (`+placeholders(len(ids))+`)`,
		args...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return Errorf(EUNPROCESSABLE, "Linked issues must belong to same company")
	}
	return nil
}

const approvalCommentColumns = `id, company_id, approval_id, author_agent_id, author_user_id, body, created_at, updated_at`

func scanApprovalComment(sc scanner) (ApprovalComment, error) {
	var c ApprovalComment
	var agent, user sql.NullString
	err := sc.Scan(&c.ID, &c.CompanyID, &c.ApprovalID, &agent, &user, &c.Body, &c.CreatedAt, &c.UpdatedAt)
	c.AuthorAgentID, c.AuthorUserID = strPtr(agent), strPtr(user)
	return c, err
}

// FindApprovalComments lists an approval's comments oldest first.
func (s *Store) FindApprovalComments(ctx context.Context, approvalID string) ([]ApprovalComment, error) {
	return queryAll(ctx, s.reader, scanApprovalComment, `SELECT `+approvalCommentColumns+` FROM approval_comments WHERE approval_id = ?
		ORDER BY created_at, id`, approvalID)
}

// CreateApprovalComment adds a comment by the context's actor.
func (s *Store) CreateApprovalComment(ctx context.Context, approvalID string, in ApprovalCommentInput) (ApprovalComment, error) {
	if err := in.Validate(); err != nil {
		return ApprovalComment{}, err
	}
	var c ApprovalComment
	err := s.write(ctx, func(tx *Tx) error {
		ap, err := findApproval(ctx, tx, approvalID)
		if err != nil {
			return err
		}
		c = ApprovalComment{ID: NewID(), CompanyID: ap.CompanyID, ApprovalID: ap.ID, Body: in.Body.Value,
			CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		c.AuthorAgentID, c.AuthorUserID = tx.actorColumns()
		if _, err := tx.ExecContext(ctx, `INSERT INTO approval_comments (`+approvalCommentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.CompanyID, c.ApprovalID, nullStr(c.AuthorAgentID), nullStr(c.AuthorUserID), c.Body, c.CreatedAt, c.UpdatedAt); err != nil {
			return err
		}
		return tx.logActivity(ap.CompanyID, "approval.comment_added", "approval", ap.ID, map[string]any{"commentId": c.ID})
	})
	return c, err
}
