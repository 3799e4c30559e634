package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// BootstrapInvite is a freshly created bootstrap_ceo invite (access-auth §4). Token is
// returned once; only its sha256 is stored.
type BootstrapInvite struct {
	ID        string `json:"id"`
	Token     string `json:"token"`
	ExpiresAt string `json:"expiresAt"`
}

// CreateBootstrapInvite replaces any active bootstrap_ceo invite with a new one valid
// for ttl. While a real instance admin exists (any user but the implicit local board)
// it refuses with conflict unless force is set.
func (s *Store) CreateBootstrapInvite(ctx context.Context, ttl time.Duration, force bool) (BootstrapInvite, error) {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return BootstrapInvite{}, err
	}
	token := "pcp_bootstrap_" + hex.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	inv := BootstrapInvite{ID: NewID(), Token: token}
	err := s.write(ctx, func(tx *Tx) error {
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM instance_user_roles
			WHERE role = 'instance_admin' AND user_id <> ?`, LocalBoardUserID).Scan(&admins); err != nil {
			return err
		}
		if admins > 0 && !force {
			return Errorf(ECONFLICT, "An instance admin already exists")
		}
		now := tx.Now()
		inv.ExpiresAt = FormatTime(tx.now.Add(ttl))
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET revoked_at = ?, updated_at = ?
			WHERE invite_type = 'bootstrap_ceo' AND revoked_at IS NULL AND accepted_at IS NULL AND expires_at > ?`,
			now, now, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO invites (id, company_id, invite_type, token_hash, allowed_join_types,
			expires_at, invited_by_user_id, created_at, updated_at)
			VALUES (?, NULL, 'bootstrap_ceo', ?, 'human', ?, 'system', ?, ?)`,
			inv.ID, hex.EncodeToString(sum[:]), inv.ExpiresAt, now, now)
		return err
	})
	return inv, err
}
