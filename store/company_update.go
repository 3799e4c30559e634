package store

import (
	"context"
	"database/sql"
)

// UpdateCompany applies a board PATCH (companies.md §2.5).
func (s *Store) UpdateCompany(ctx context.Context, id string, p CompanyPatch) (Company, error) {
	return s.updateCompany(ctx, id, p, "company.updated")
}

// UpdateCompanyBranding applies the branding-only PATCH (companies.md §2.6).
func (s *Store) UpdateCompanyBranding(ctx context.Context, id string, b BrandingPatch) (Company, error) {
	if b.Empty() {
		return Company{}, Errorf(EINVALID, "At least one branding field must be provided")
	}
	return s.updateCompany(ctx, id, b.Patch(), "company.branding_updated")
}

// updateCompany returns the updated company; runs an archive cancels are stopped after
// commit.
func (s *Store) updateCompany(ctx context.Context, id string, p CompanyPatch, action string) (Company, error) {
	if err := p.Validate(); err != nil {
		return Company{}, err
	}
	err := s.write(ctx, func(tx *Tx) error {
		cur, err := s.findCompany(ctx, tx, id)
		if err != nil {
			return err
		}
		now := tx.Now()
		sets := []string{}
		args := []any{}
		set := func(col string, v any) {
			sets = append(sets, col+" = ?")
			args = append(args, v)
		}
		applied := map[string]any{}
		if p.Name.Set {
			set("name", p.Name.Value)
			applied["name"] = p.Name.Value
		}
		if p.Description.Set {
			set("description", nullStr(p.Description.Ptr()))
			applied["description"] = p.Description.Ptr()
		}
		if p.AttachmentMaxBytes.Set {
			set("attachment_max_bytes", p.AttachmentMaxBytes.Value)
			applied["attachmentMaxBytes"] = p.AttachmentMaxBytes.Value
		}
		if p.RequireBoardApprovalForNewAgents.Set {
			set("require_board_approval_for_new_agents", boolInt(p.RequireBoardApprovalForNewAgents.Value))
			applied["requireBoardApprovalForNewAgents"] = p.RequireBoardApprovalForNewAgents.Value
		}
		if p.BrandColor.Set {
			set("brand_color", nullStr(p.BrandColor.Ptr()))
			applied["brandColor"] = p.BrandColor.Ptr()
		}
		if p.FeedbackDataSharingTermsVersion.Set {
			set("feedback_data_sharing_terms_version", nullStr(p.FeedbackDataSharingTermsVersion.Ptr()))
			applied["feedbackDataSharingTermsVersion"] = p.FeedbackDataSharingTermsVersion.Ptr()
		}
		if p.FeedbackDataSharingEnabled.Set {
			on := p.FeedbackDataSharingEnabled.Value
			set("feedback_data_sharing_enabled", boolInt(on))
			applied["feedbackDataSharingEnabled"] = on
			if on && !cur.FeedbackDataSharingEnabled {
				set("feedback_data_sharing_consent_at", now)
				user := tx.actor.UserID
				if user == "" {
					user = LocalBoardUserID
				}
				set("feedback_data_sharing_consent_by_user_id", user)
				if !p.FeedbackDataSharingTermsVersion.Set || p.FeedbackDataSharingTermsVersion.Null {
					set("feedback_data_sharing_terms_version", FeedbackTermsVersion)
				}
			}
		}
		if p.LogoAssetID.Set {
			if err := tx.setCompanyLogo(s, cur, p.LogoAssetID.Ptr()); err != nil {
				return err
			}
			applied["logoAssetId"] = p.LogoAssetID.Ptr()
		}
		reactivated := -1
		archiving := false
		if p.Status.Set && p.Status.Value != cur.Status {
			applied["status"] = p.Status.Value
			switch p.Status.Value {
			case CompanyArchived:
				archiving = true
			case CompanyActive:
				set("status", CompanyActive)
				set("pause_reason", nil)
				set("paused_at", nil)
				n, err := tx.restoreArchivedAgents(id)
				if err != nil {
					return err
				}
				reactivated = n
			case CompanyPaused:
				set("status", CompanyPaused)
				set("pause_reason", PauseManual)
				set("paused_at", now)
			}
		}
		set("updated_at", now)
		args = append(args, id)
		if _, err := tx.ExecContext(ctx, `UPDATE companies SET `+joinComma(sets)+` WHERE id = ?`, args...); err != nil {
			return err
		}
		if p.BudgetMonthlyCents.Set && p.BudgetMonthlyCents.Value != cur.BudgetMonthlyCents {
			applied["budgetMonthlyCents"] = p.BudgetMonthlyCents.Value
			if err := tx.upsertMonthlyBudget(id, "company", id, p.BudgetMonthlyCents.Value); err != nil {
				return err
			}
			if err := tx.logActivity(id, "company.budget_updated", "company", id, map[string]any{"budgetMonthlyCents": p.BudgetMonthlyCents.Value}); err != nil {
				return err
			}
		} else if p.BudgetMonthlyCents.Set {
			applied["budgetMonthlyCents"] = p.BudgetMonthlyCents.Value
		}
		if archiving {
			return tx.archiveCascade(id, applied)
		}
		if err := tx.logActivity(id, action, "company", id, applied); err != nil {
			return err
		}
		if reactivated >= 0 {
			return tx.logActivity(id, "company.reactivated", "company", id, map[string]any{"agentsRestored": reactivated})
		}
		return nil
	})
	if err != nil {
		return Company{}, err
	}
	return s.FindCompanyByID(ctx, id)
}

func joinComma(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// restoreArchivedAgents wakes the agents an archive paused.
func (tx *Tx) restoreArchivedAgents(companyID string) (int, error) {
	res, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'idle', pause_reason = NULL, paused_at = NULL, updated_at = ?
		WHERE company_id = ? AND status = 'paused' AND pause_reason = 'company_archived'`, tx.Now(), companyID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ArchiveCompany archives a company with its cascade (companies.md §2.10). Archiving an
// archived company changes nothing. The runs it cancels are stopped after commit.
func (s *Store) ArchiveCompany(ctx context.Context, id string) (Company, error) {
	err := s.write(ctx, func(tx *Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM companies WHERE id = ?`, id).Scan(&status); err != nil {
			return translate(err, "Company")
		}
		if status == CompanyArchived {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE companies SET updated_at = ? WHERE id = ?`, tx.Now(), id); err != nil {
			return err
		}
		return tx.archiveCascade(id, nil)
	})
	if err != nil {
		return Company{}, err
	}
	return s.FindCompanyByID(ctx, id)
}

// archiveCascade archives the company, pauses its working agents, cancels pending
// wakeups and live runs (recorded for stopping after commit), and writes company.archived.
func (tx *Tx) archiveCascade(id string, applied map[string]any) error {
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE companies SET status = 'archived', updated_at = ? WHERE id = ?`, now, id); err != nil {
		return err
	}
	res, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'paused', pause_reason = 'company_archived', paused_at = ?, updated_at = ?
		WHERE company_id = ? AND status NOT IN ('paused', 'terminated', 'pending_approval')`, now, now, id)
	if err != nil {
		return err
	}
	paused, _ := res.RowsAffected()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = 'cancelled', finished_at = ?, updated_at = ?,
		error = 'Cancelled due to company archive'
		WHERE company_id = ? AND (status IN ('queued', 'deferred_issue_execution') OR (status = 'claimed' AND run_id IS NULL))`, now, now, id); err != nil {
		return err
	}
	runs, err := tx.stopLiveRuns(id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET status = 'cancelled', error = 'Cancelled due to company archive',
		error_code = 'cancelled', finished_at = ?, updated_at = ? WHERE company_id = ? AND status IN ('queued', 'running')`, now, now, id); err != nil {
		return err
	}
	details := map[string]any{"agentsPaused": paused, "runsCancelled": runs}
	for k, v := range applied {
		if k != "status" {
			details[k] = v
		}
	}
	return tx.logActivity(id, "company.archived", "company", id, details)
}

// setCompanyLogo links (or with nil unlinks) the company logo asset. The asset that was
// the logo before is deleted with its file unless an issue also uses it.
func (tx *Tx) setCompanyLogo(s *Store, cur Company, assetID *string) error {
	if assetID != nil {
		var companyID string
		err := tx.QueryRowContext(tx.ctx, `SELECT company_id FROM assets WHERE id = ?`, *assetID).Scan(&companyID)
		if err == sql.ErrNoRows {
			return NotFound("Logo asset")
		}
		if err != nil {
			return err
		}
		if companyID != cur.ID {
			return Errorf(EUNPROCESSABLE, "Logo asset must belong to the same company")
		}
	}
	prev := cur.LogoAssetID
	if prev != nil && assetID != nil && *prev == *assetID {
		return nil
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM company_logos WHERE company_id = ?`, cur.ID); err != nil {
		return err
	}
	if assetID != nil {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO company_logos (company_id, asset_id, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			cur.ID, *assetID, now, now); err != nil {
			return err
		}
	}
	if prev != nil {
		return tx.deleteAssetUnlessAttached(s, *prev)
	}
	return nil
}
