package store

import (
	"context"
	"database/sql"
	"strings"
)

// ApprovalLinkInput is the POST body.
type ApprovalLinkInput struct {
	ApprovalID Optional[string] `json:"approvalId"`
}

// Validate checks the body.
func (in *ApprovalLinkInput) Validate() error {
	var p Problems
	switch {
	case !in.ApprovalID.Set:
		p.Required("approvalId")
	case in.ApprovalID.Null:
		p.Add("invalid_type", "Expected string, received null", "approvalId")
	case !IsUUID(in.ApprovalID.Value):
		p.Add("invalid_string", "Invalid uuid", "approvalId")
	}
	p.Limits(in)
	return p.Err()
}

func findIssueApprovals(ctx context.Context, q querier, issueID string) ([]Approval, error) {
	return queryAll(ctx, q, scanApproval, `SELECT a.`+strings.ReplaceAll(approvalColumns, ", ", ", a.")+`
		FROM issue_approvals l JOIN approvals a ON a.id = l.approval_id WHERE l.issue_id = ?
		ORDER BY a.created_at DESC, a.id DESC`, issueID)
}

// FindIssueApprovals lists the approvals linked to an issue, newest first.
func (s *Store) FindIssueApprovals(ctx context.Context, issueID string) ([]Approval, error) {
	return findIssueApprovals(ctx, s.reader, issueID)
}

// requireApprovalLinker: the ActApprovalLink rule, then the agent write rules of the
// issue.
func (tx *Tx) requireApprovalLinker(is *Issue) error {
	if err := tx.authorize(ActApprovalLink, Target{CompanyID: is.CompanyID}); err != nil {
		return err
	}
	if !tx.actor.IsAgent() {
		return nil
	}
	return tx.enforceAgentWrite(is, false)
}

// LinkIssueApproval links an approval of the same company (no duplicates) and returns
// the full linked list.
func (s *Store) LinkIssueApproval(ctx context.Context, key string, in ApprovalLinkInput) ([]Approval, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []Approval
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if err := tx.requireApprovalLinker(&is); err != nil {
			return err
		}
		approvalID := strings.ToLower(in.ApprovalID.Value)
		var company string
		err = tx.QueryRowContext(tx.ctx, `SELECT company_id FROM approvals WHERE id = ?`, approvalID).Scan(&company)
		if err == sql.ErrNoRows || (err == nil && company != is.CompanyID) {
			return NotFound("Approval")
		}
		if err != nil {
			return err
		}
		agentID, userID := tx.actorColumns()
		res, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_approvals (company_id, issue_id, approval_id, linked_by_agent_id, linked_by_user_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issue_id, approval_id) DO NOTHING`,
			is.CompanyID, is.ID, approvalID, nullStr(agentID), nullStr(userID), tx.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := tx.logActivity(is.CompanyID, "issue.approval_linked", "issue", is.ID, map[string]any{"approvalId": approvalID}); err != nil {
				return err
			}
		}
		out, err = findIssueApprovals(tx.ctx, tx, is.ID)
		return err
	})
	return out, err
}

// UnlinkIssueApproval removes a link (idempotent).
func (s *Store) UnlinkIssueApproval(ctx context.Context, key, approvalID string) error {
	return s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if err := tx.requireApprovalLinker(&is); err != nil {
			return err
		}
		res, err := tx.ExecContext(tx.ctx, `DELETE FROM issue_approvals WHERE issue_id = ? AND approval_id = ?`, is.ID, strings.ToLower(approvalID))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.logActivity(is.CompanyID, "issue.approval_unlinked", "issue", is.ID, map[string]any{"approvalId": strings.ToLower(approvalID)})
	})
}
