package store

import (
	"context"
	"database/sql"
)

// Membership is a principal's role in a company.
type Membership struct {
	CompanyID string
	Status    string
	Role      string
}

// FindUserMembership returns a user's membership in a company, or not_found.
func (s *Store) FindUserMembership(ctx context.Context, companyID, userID string) (Membership, error) {
	m := Membership{CompanyID: companyID}
	var role sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT status, membership_role FROM company_memberships
		WHERE company_id = ? AND principal_type = 'user' AND principal_id = ?`, companyID, userID).Scan(&m.Status, &role)
	m.Role = role.String
	return m, translate(err, "Membership")
}

// IsInstanceAdmin reports whether a user holds the instance_admin role.
func (s *Store) IsInstanceAdmin(ctx context.Context, userID string) (bool, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM instance_user_roles WHERE user_id = ? AND role = 'instance_admin'`, userID).Scan(&n)
	return n > 0, err
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
