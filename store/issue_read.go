package store

import "context"

// ReadState is a board user's last read time of an issue (issues.md §14).
type ReadState struct {
	ID         string `json:"id"`
	CompanyID  string `json:"companyId"`
	IssueID    string `json:"issueId"`
	UserID     string `json:"userId"`
	LastReadAt string `json:"lastReadAt"`
	CreatedAt  string `json:"createdAt"`
	UpdatedAt  string `json:"updatedAt"`
}

// ReadRemoved is the DELETE read response.
type ReadRemoved struct {
	ID      string `json:"id"`
	Removed bool   `json:"removed"`
}

func errBoardAuthRequired() *Error { return Errorf(EFORBIDDEN, "Board authentication required") }

// MarkIssueRead records that the board user read the issue now.
func (s *Store) MarkIssueRead(ctx context.Context, key string) (ReadState, error) {
	var rs ReadState
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if !tx.actor.IsBoard() {
			return errBoardAuthRequired()
		}
		now := tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_read_states (id, company_id, issue_id, user_id, last_read_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (company_id, issue_id, user_id) DO UPDATE SET last_read_at = excluded.last_read_at,
			updated_at = excluded.updated_at`, NewID(), is.CompanyID, is.ID, tx.actor.UserID, now, now, now); err != nil {
			return err
		}
		if err := tx.QueryRowContext(tx.ctx, `SELECT id, company_id, issue_id, user_id, last_read_at, created_at, updated_at
			FROM issue_read_states WHERE company_id = ? AND issue_id = ? AND user_id = ?`, is.CompanyID, is.ID, tx.actor.UserID).Scan(
			&rs.ID, &rs.CompanyID, &rs.IssueID, &rs.UserID, &rs.LastReadAt, &rs.CreatedAt, &rs.UpdatedAt); err != nil {
			return err
		}
		return tx.logActivity(is.CompanyID, "issue.read_marked", "issue", is.ID, map[string]any{"userId": rs.UserID, "lastReadAt": now})
	})
	return rs, err
}

// UnmarkIssueRead forgets the board user's read state of the issue.
func (s *Store) UnmarkIssueRead(ctx context.Context, key string) (ReadRemoved, error) {
	var out ReadRemoved
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if !tx.actor.IsBoard() {
			return errBoardAuthRequired()
		}
		res, err := tx.ExecContext(tx.ctx, `DELETE FROM issue_read_states WHERE company_id = ? AND issue_id = ? AND user_id = ?`,
			is.CompanyID, is.ID, tx.actor.UserID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		out = ReadRemoved{ID: is.ID, Removed: n > 0}
		return tx.logActivity(is.CompanyID, "issue.read_unmarked", "issue", is.ID, map[string]any{"userId": tx.actor.UserID})
	})
	return out, err
}
