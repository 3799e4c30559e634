package store

import "context"

// DeleteIssue hard-deletes an issue and everything hanging off it in one transaction
// (issues.md §7.4); attachment files are removed after commit. Children and cost
// events survive with their reference nulled (foreign keys). It returns the issue as
// it was.
func (s *Store) DeleteIssue(ctx context.Context, key string) (Issue, error) {
	var out Issue
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if err := tx.enforceAgentWrite(&is, true); err != nil {
			return err
		}
		assets, err := tx.strings(`SELECT asset_id FROM issue_attachments WHERE issue_id = ?`, is.ID)
		if err != nil {
			return err
		}
		for _, id := range assets {
			if err := tx.deleteAsset(s, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM documents WHERE id IN (SELECT document_id FROM issue_documents WHERE issue_id = ?)`, is.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM issues WHERE id = ?`, is.ID); err != nil {
			return err
		}
		out = is
		return tx.logActivity(is.CompanyID, "issue.deleted", "issue", is.ID, map[string]any{"identifier": is.Identifier, "title": activityTitle(is.Title)})
	})
	return out, err
}
