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

// BootstrapPending reports whether no real user holds instance_admin yet (the
// authenticated-mode bootstrap of access-auth §4), and whether a usable bootstrap
// invite exists.
func (s *Store) BootstrapPending(ctx context.Context) (pending, inviteActive bool, err error) {
	var admins int
	if err = s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM instance_user_roles WHERE role = 'instance_admin' AND user_id <> ?`,
		LocalBoardUserID).Scan(&admins); err != nil {
		return false, false, err
	}
	if admins > 0 {
		return false, false, nil
	}
	var invites int
	err = s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM invites WHERE invite_type = 'bootstrap_ceo' AND revoked_at IS NULL
		AND accepted_at IS NULL AND expires_at > ?`, FormatTime(s.Now())).Scan(&invites)
	return true, invites > 0, err
}

// CountLiveRuns counts heartbeat runs that are queued or running, instance-wide.
func (s *Store) CountLiveRuns(ctx context.Context) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM heartbeat_runs WHERE status IN ('queued', 'running')`).Scan(&n)
	return n, err
}
