package store

import (
	"context"
)

// CreateCompany inserts a company with a unique issue prefix, the creator's owner
// membership and, with a budget, the monthly company budget policy — one transaction.
func (s *Store) CreateCompany(ctx context.Context, in CompanyInput) (Company, error) {
	if err := in.Validate(); err != nil {
		return Company{}, err
	}
	var id string
	err := s.write(ctx, func(tx *Tx) error {
		var prefix string
		var err error
		if id, prefix, err = tx.insertCompany(in); err != nil {
			return err
		}
		if err := tx.logActivity(id, "company.created", "company", id, map[string]any{"name": in.Name.Value, "issuePrefix": prefix}); err != nil {
			return err
		}
		return tx.companyBudget(id, in.BudgetMonthlyCents.Value)
	})
	if err != nil {
		return Company{}, err
	}
	return s.FindCompanyByID(ctx, id)
}

// insertCompany writes a company with a unique issue prefix and the creator's owner
// membership; the caller logs activity, then sets the budget (companyBudget).
func (tx *Tx) insertCompany(in CompanyInput) (id, prefix string, err error) {
	ctx := tx.ctx
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
	prefixes, err := queryAll(ctx, tx, scanString, `SELECT issue_prefix FROM companies WHERE substr(issue_prefix, 1, ?) = ?`, len(base), base)
	if err != nil {
		return "", "", err
	}
	taken := make(map[string]bool, len(prefixes))
	for _, p := range prefixes {
		taken[p] = true
	}
	// The candidates are endless and taken is finite, so this always ends, within
	// len(taken)+1 steps.
	prefix = IssuePrefixCandidate(base, 0)
	for n := 1; taken[prefix]; n++ {
		prefix = IssuePrefixCandidate(base, n)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO companies (id, name, description, status, issue_prefix, issue_counter,
		budget_monthly_cents, spent_monthly_cents, attachment_max_bytes, require_board_approval_for_new_agents,
		feedback_data_sharing_enabled, brand_color, created_at, updated_at)
		VALUES (?, ?, ?, 'active', ?, 0, ?, 0, ?, ?, 0, ?, ?, ?)`,
		id, name, nullStr(in.Description.Ptr()), prefix, in.BudgetMonthlyCents.Value, attach,
		boolInt(in.RequireBoardApprovalForNewAgents.Value), nullStr(in.BrandColor.Ptr()), now, now); err != nil {
		return "", "", err
	}
	owner := tx.actor.UserID
	if owner == "" {
		owner = LocalBoardUserID
	}
	if err := tx.ensureOwnerMembership(id, owner); err != nil {
		return "", "", err
	}
	if owner != LocalBoardUserID {
		if err := tx.ensureLocalBoardMembership(id); err != nil {
			return "", "", err
		}
	}
	return id, prefix, nil
}

// companyBudget creates the monthly company budget policy of a new company with a budget.
func (tx *Tx) companyBudget(companyID string, cents int64) error {
	if cents <= 0 {
		return nil
	}
	return tx.upsertMonthlyBudget(companyID, "company", companyID, cents)
}
