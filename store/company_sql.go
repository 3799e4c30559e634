package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
)

const companySelect = `SELECT c.id, c.name, c.description, c.status, c.pause_reason, c.paused_at, c.issue_prefix,
	c.issue_counter, c.budget_monthly_cents,
	(SELECT COALESCE(SUM(e.cost_cents), 0) FROM cost_events e WHERE e.company_id = c.id AND e.occurred_at >= ? AND e.occurred_at < ?),
	c.attachment_max_bytes, c.require_board_approval_for_new_agents, c.feedback_data_sharing_enabled,
	c.feedback_data_sharing_consent_at, c.feedback_data_sharing_consent_by_user_id, c.feedback_data_sharing_terms_version,
	c.brand_color, l.asset_id, c.created_at, c.updated_at
	FROM companies c LEFT JOIN company_logos l ON l.company_id = c.id`

func scanCompany(sc interface{ Scan(...any) error }) (Company, error) {
	var c Company
	var desc, pauseReason, pausedAt, consentAt, consentBy, terms, color, logo sql.NullString
	var requireApproval, sharing int
	err := sc.Scan(&c.ID, &c.Name, &desc, &c.Status, &pauseReason, &pausedAt, &c.IssuePrefix,
		&c.IssueCounter, &c.BudgetMonthlyCents, &c.SpentMonthlyCents,
		&c.AttachmentMaxBytes, &requireApproval, &sharing,
		&consentAt, &consentBy, &terms, &color, &logo, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	c.Description = strPtr(desc)
	c.PauseReason = strPtr(pauseReason)
	c.PausedAt = strPtr(pausedAt)
	c.FeedbackDataSharingConsentAt = strPtr(consentAt)
	c.FeedbackDataSharingConsentByUserID = strPtr(consentBy)
	c.FeedbackDataSharingTermsVersion = strPtr(terms)
	c.BrandColor = strPtr(color)
	c.LogoAssetID = strPtr(logo)
	if c.LogoAssetID != nil {
		u := AssetContentPath(*c.LogoAssetID)
		c.LogoURL = &u
	}
	c.RequireBoardApprovalForNewAgents = requireApproval != 0
	c.FeedbackDataSharingEnabled = sharing != 0
	return c, nil
}

func strPtr(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	v := n.String
	return &v
}

func (s *Store) findCompany(ctx context.Context, q querier, id string) (Company, error) {
	start, end := MonthWindow(s.Now())
	row := q.QueryRowContext(ctx, companySelect+` WHERE c.id = ?`, start, end, id)
	c, err := scanCompany(row)
	if err != nil {
		return c, translate(err, "Company")
	}
	return c, nil
}

// FindCompanyByID returns one company or "Company not found".
func (s *Store) FindCompanyByID(ctx context.Context, id string) (Company, error) {
	return s.findCompany(ctx, s.reader, id)
}

// CompanyExists reports whether a company row exists.
func (s *Store) CompanyExists(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM companies WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

// FindCompanies lists companies oldest first.
func (s *Store) FindCompanies(ctx context.Context, f CompanyFilter) ([]Company, error) {
	start, end := MonthWindow(s.Now())
	query := companySelect + ` WHERE 1 = 1`
	args := []any{start, end}
	if !f.IncludeArchived {
		query += ` AND c.status <> 'archived'`
	}
	if f.UserID != "" {
		query += ` AND c.id IN (SELECT company_id FROM company_memberships WHERE principal_type = 'user' AND principal_id = ? AND status = 'active')`
		args = append(args, f.UserID)
	}
	query += ` ORDER BY c.created_at, c.id`
	paging, pagingArgs := limitOffset(f.Limit, f.Offset)
	query += paging
	args = append(args, pagingArgs...)
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Company{}
	for rows.Next() {
		c, err := scanCompany(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CompanyStatsFor returns agent and issue counts for the accessible companies
// (archived included); userID restricts to memberships as in FindCompanies.
func (s *Store) CompanyStatsFor(ctx context.Context, userID string) (map[string]CompanyStats, error) {
	query := `SELECT c.id,
		(SELECT COUNT(*) FROM agents a WHERE a.company_id = c.id),
		(SELECT COUNT(*) FROM issues i WHERE i.company_id = c.id)
		FROM companies c`
	var args []any
	if userID != "" {
		query += ` WHERE c.id IN (SELECT company_id FROM company_memberships WHERE principal_type = 'user' AND principal_id = ? AND status = 'active')`
		args = append(args, userID)
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]CompanyStats{}
	for rows.Next() {
		var id string
		var st CompanyStats
		if err := rows.Scan(&id, &st.AgentCount, &st.IssueCount); err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, rows.Err()
}

// CreateCompany inserts a company with a unique issue prefix, the creator's owner
// membership and, with a budget, the monthly company budget policy — one transaction.
func (s *Store) CreateCompany(ctx context.Context, in CompanyInput) (Company, error) {
	if err := in.Validate(); err != nil {
		return Company{}, err
	}
	var id string
	err := s.write(ctx, func(tx *Tx) error {
		id = NewID()
		now := tx.Now()
		name := in.Name.Value
		attach := int64(DefaultAttachmentMaxBytes)
		if v := in.AttachmentMaxBytes.Ptr(); v != nil {
			attach = *v
		}
		base := IssuePrefixBase(name)
		// Read the taken candidates once instead of probing the unique index with one
		// failed INSERT per attempt, which made the Nth company of a name cost O(N).
		taken := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT issue_prefix FROM companies WHERE substr(issue_prefix, 1, ?) = ?`, len(base), base)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return err
			}
			taken[p] = true
		}
		rows.Close()
		// The candidates are endless and taken is finite, so this always ends, within
		// len(taken)+1 steps.
		prefix := IssuePrefixCandidate(base, 0)
		for n := 1; taken[prefix]; n++ {
			prefix = IssuePrefixCandidate(base, n)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO companies (id, name, description, status, issue_prefix, issue_counter,
			budget_monthly_cents, spent_monthly_cents, attachment_max_bytes, require_board_approval_for_new_agents,
			feedback_data_sharing_enabled, brand_color, created_at, updated_at)
			VALUES (?, ?, ?, 'active', ?, 0, ?, 0, ?, ?, 0, ?, ?, ?)`,
			id, name, nullStr(in.Description.Ptr()), prefix, in.BudgetMonthlyCents.Value, attach,
			boolInt(in.RequireBoardApprovalForNewAgents.Value), nullStr(in.BrandColor.Ptr()), now, now); err != nil {
			return err
		}
		owner := tx.actor.UserID
		if owner == "" {
			owner = LocalBoardUserID
		}
		if err := tx.ensureOwnerMembership(id, owner); err != nil {
			return err
		}
		if owner != LocalBoardUserID {
			if err := tx.ensureLocalBoardMembership(id); err != nil {
				return err
			}
		}
		if err := tx.logActivity(id, "company.created", "company", id, map[string]any{"name": name, "issuePrefix": prefix}); err != nil {
			return err
		}
		if in.BudgetMonthlyCents.Value > 0 {
			if err := tx.upsertMonthlyBudget(id, "company", id, in.BudgetMonthlyCents.Value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Company{}, err
	}
	return s.FindCompanyByID(ctx, id)
}

// ensureLocalBoardMembership gives local-board its owner membership when that user
// exists (it does in local_trusted mode, data-model §3.11).
func (tx *Tx) ensureLocalBoardMembership(companyID string) error {
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM auth_users WHERE id = ?`, LocalBoardUserID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	return tx.ensureOwnerMembership(companyID, LocalBoardUserID)
}

// OwnerDefaultGrants are the permission keys an owner holds by default (access-auth §8.1).
var OwnerDefaultGrants = []string{"agents:create", "agents:configure", "users:invite", "users:manage_permissions", "tasks:assign", "joins:approve"}

func (tx *Tx) ensureOwnerMembership(companyID, userID string) error {
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at)
		VALUES (?, ?, 'user', ?, 'active', 'owner', ?, ?)
		ON CONFLICT (company_id, principal_type, principal_id) DO NOTHING`, NewID(), companyID, userID, now, now); err != nil {
		return err
	}
	for _, key := range OwnerDefaultGrants {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, granted_by_user_id, created_at, updated_at)
			VALUES (?, ?, 'user', ?, ?, ?, ?, ?)
			ON CONFLICT (company_id, principal_type, principal_id, permission_key) DO NOTHING`,
			NewID(), companyID, userID, key, userID, now, now); err != nil {
			return err
		}
	}
	return nil
}

// upsertMonthlyBudget writes the calendar-month policy of a scope and mirrors its amount
// into the scope's budget column (data-model §3.8 keeps the two equal).
func (tx *Tx) upsertMonthlyBudget(companyID, scopeType, scopeID string, amount int64) error {
	now := tx.Now()
	var policyID string
	err := tx.QueryRowContext(tx.ctx, `SELECT id FROM budget_policies WHERE company_id = ? AND scope_type = ? AND scope_id = ?
		AND metric = 'billed_cents' AND window_kind = 'calendar_month_utc'`, companyID, scopeType, scopeID).Scan(&policyID)
	userID := nullStr(nil)
	if tx.actor.IsBoard() {
		userID = tx.actor.UserID
	}
	switch {
	case err == sql.ErrNoRows:
		policyID = NewID()
		_, err = tx.ExecContext(tx.ctx, `INSERT INTO budget_policies (id, company_id, scope_type, scope_id, metric, window_kind, amount,
			warn_percent, hard_stop_enabled, notify_enabled, is_active, created_by_user_id, updated_by_user_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'billed_cents', 'calendar_month_utc', ?, 80, 1, 1, ?, ?, ?, ?, ?)`,
			policyID, companyID, scopeType, scopeID, amount, boolInt(amount > 0), userID, userID, now, now)
	case err == nil:
		_, err = tx.ExecContext(tx.ctx, `UPDATE budget_policies SET amount = ?, is_active = ?, updated_by_user_id = ?, updated_at = ? WHERE id = ?`,
			amount, boolInt(amount > 0), userID, now, policyID)
	}
	if err != nil {
		return err
	}
	table := map[string]string{"company": "companies", "agent": "agents"}[scopeType]
	if table != "" {
		if _, err := tx.ExecContext(tx.ctx, `UPDATE `+table+` SET budget_monthly_cents = ?, updated_at = ? WHERE id = ?`, amount, now, scopeID); err != nil {
			return err
		}
	}
	return tx.logActivity(companyID, "budget.policy_upserted", "budget_policy", policyID, map[string]any{
		"scopeType": scopeType, "scopeId": scopeID, "amount": amount, "windowKind": "calendar_month_utc",
	})
}

func (tx *Tx) requireCompany(id string) error {
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM companies WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return NotFound("Company")
	}
	return nil
}

// DeleteCompany removes the company and every row of it in one transaction (foreign
// keys cascade), then its stored files and run logs. Its live runs are stopped after
// commit, like every other cascade's.
func (s *Store) DeleteCompany(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(id); err != nil {
			return err
		}
		if _, err := tx.stopLiveRuns(id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM companies WHERE id = ?`, id); err != nil {
			return err
		}
		tx.afterCommit(func() {
			if s.storageDir != "" {
				os.RemoveAll(filepath.Join(s.storageDir, id))
			}
			if s.runLogDir != "" {
				os.RemoveAll(filepath.Join(s.runLogDir, id))
			}
		})
		return nil
	})
}

// stopLiveRuns records a company's queued and running runs for stopping after commit
// and returns how many there are; the caller cancels or deletes their rows.
func (tx *Tx) stopLiveRuns(companyID string) (int, error) {
	ids, err := tx.strings(`SELECT id FROM heartbeat_runs WHERE company_id = ? AND status IN ('queued', 'running')
		ORDER BY created_at, id`, companyID)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		tx.stopRun(id)
	}
	return len(ids), nil
}
