package store

import (
	"context"
	"time"
)

// bootstrap ensures the rows every instance has (data-model §3.11).
func (s *Store) bootstrap(ctx context.Context) error {
	now := FormatTime(time.Now())
	_, err := s.writer.ExecContext(ctx, `INSERT INTO instance_settings (id, singleton_key, general, experimental, created_at, updated_at)
		VALUES (?, 'default', '{}', '{}', ?, ?) ON CONFLICT (singleton_key) DO NOTHING`, NewID(), now, now)
	return err
}

// EnsureLocalBoard creates the implicit board user of local_trusted mode, its
// instance_admin role and an owner membership in every company.
func (s *Store) EnsureLocalBoard(ctx context.Context) error {
	return s.write(ctx, func(tx *Tx) error {
		now := tx.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO auth_users (id, email, name, email_verified, created_at, updated_at)
			VALUES (?, 'local@paperclip.local', 'Board', 1, ?, ?) ON CONFLICT (id) DO NOTHING`, LocalBoardUserID, now, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO instance_user_roles (id, user_id, role, created_at, updated_at)
			VALUES (?, ?, 'instance_admin', ?, ?) ON CONFLICT (user_id, role) DO NOTHING`, NewID(), LocalBoardUserID, now, now); err != nil {
			return err
		}
		ids, err := queryAll(ctx, tx, scanString, `SELECT id FROM companies WHERE id NOT IN
			(SELECT company_id FROM company_memberships WHERE principal_type = 'user' AND principal_id = ?)`, LocalBoardUserID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.ensureOwnerMembership(id, LocalBoardUserID); err != nil {
				return err
			}
		}
		return nil
	})
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
