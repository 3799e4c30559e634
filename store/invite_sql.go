package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

const inviteColumns = `id, company_id, invite_type, allowed_join_types, human_role, agent_message, defaults_payload,
	expires_at, invited_by_user_id, revoked_at, accepted_at, created_at, updated_at`

func scanInvite(sc scanner, now time.Time) (Invite, error) {
	var inv Invite
	var company, role, msg, defaults, by, revoked, accepted sql.NullString
	err := sc.Scan(&inv.ID, &company, &inv.InviteType, &inv.AllowedJoinTypes, &role, &msg, &defaults,
		&inv.ExpiresAt, &by, &revoked, &accepted, &inv.CreatedAt, &inv.UpdatedAt)
	inv.CompanyID, inv.HumanRole, inv.AgentMessage = strPtr(company), strPtr(role), strPtr(msg)
	inv.InvitedByUserID, inv.RevokedAt, inv.AcceptedAt = strPtr(by), strPtr(revoked), strPtr(accepted)
	if defaults.Valid {
		inv.DefaultsPayload = decodeObject(defaults.String)
	}
	inv.State = inviteState(inv.RevokedAt, inv.AcceptedAt, inv.ExpiresAt, now)
	return inv, err
}

// CreateInvite creates a company invite after deciding users:invite (and, for an
// owner invite, that the caller is an owner) inside the transaction.
func (s *Store) CreateInvite(ctx context.Context, companyID string, in InviteInput) (NewInvite, error) {
	if err := in.Validate(); err != nil {
		return NewInvite{}, err
	}
	token, err := newInviteToken()
	if err != nil {
		return NewInvite{}, err
	}
	var out NewInvite
	err = s.write(ctx, func(tx *Tx) error {
		t := Target{CompanyID: companyID}
		if err := tx.authorize(PermUsersInvite, t); err != nil {
			return err
		}
		if in.HumanRole.Value == "owner" {
			if err := tx.authorize(ActInviteOwner, t); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM companies WHERE id = ?`, companyID).Scan(&out.CompanyName); err != nil {
			return translate(err, "Company")
		}
		var defaults any
		if in.DefaultsPayload.Set && !in.DefaultsPayload.Null {
			if defaults, err = jsonText(in.DefaultsPayload.Value); err != nil {
				return err
			}
		}
		var by any
		if tx.actor.IsBoard() {
			by = tx.actor.UserID
		}
		now := tx.Now()
		id := NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO invites (id, company_id, invite_type, token_hash, allowed_join_types, human_role,
			agent_message, defaults_payload, expires_at, invited_by_user_id, created_at, updated_at)
			VALUES (?, ?, 'company_join', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, companyID, HashToken(token), in.AllowedJoinTypes.Value, in.HumanRole.Value, nullStr(in.AgentMessage.Ptr()),
			defaults, FormatTime(tx.now.Add(time.Duration(in.ExpiresInHours.Value)*time.Hour)), by, now, now); err != nil {
			return err
		}
		if out.Invite, err = findInvite(ctx, tx, id, tx.now); err != nil {
			return err
		}
		return tx.logActivity(companyID, "invite.created", "invite", id, map[string]any{"inviteId": id,
			"allowedJoinTypes": in.AllowedJoinTypes.Value, "humanRole": in.HumanRole.Value, "expiresAt": out.ExpiresAt})
	})
	out.Token = token
	return out, err
}

func findInvite(ctx context.Context, q querier, id string, now time.Time) (Invite, error) {
	inv, err := scanInvite(q.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE id = ?`, id), now)
	return inv, translate(err, "Invite")
}

// inviteStateCond is the SQL form of inviteState for one state.
func inviteStateCond(state, now string) (string, []any) {
	switch state {
	case "revoked":
		return `revoked_at IS NOT NULL`, nil
	case "accepted":
		return `revoked_at IS NULL AND accepted_at IS NOT NULL`, nil
	case "expired":
		return `revoked_at IS NULL AND accepted_at IS NULL AND expires_at <= ?`, []any{now}
	default:
		return `revoked_at IS NULL AND accepted_at IS NULL AND expires_at > ?`, []any{now}
	}
}

// FindInvites lists a company's invites newest first.
func (s *Store) FindInvites(ctx context.Context, f InviteFilter) ([]Invite, error) {
	now := s.Now()
	q := `SELECT ` + inviteColumns + ` FROM invites WHERE company_id = ?`
	args := []any{f.CompanyID}
	if f.State != "" {
		cond, extra := inviteStateCond(f.State, FormatTime(now))
		q += ` AND ` + cond
		args = append(args, extra...)
	}
	lim, largs := limitOffset(f.Limit, f.Offset)
	scan := func(sc scanner) (Invite, error) { return scanInvite(sc, now) }
	return queryAll(ctx, s.reader, scan, q+` ORDER BY created_at DESC, id DESC`+lim, append(args, largs...)...)
}

// findActiveInviteByToken returns the active invite of a token; any other state is
// not found, so a token reveals nothing once it is spent.
func findActiveInviteByToken(ctx context.Context, q querier, token string, now time.Time) (Invite, error) {
	inv, err := scanInvite(q.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE token_hash = ?`, HashToken(token)), now)
	if err == sql.ErrNoRows || (err == nil && inv.State != "active") {
		return Invite{}, NotFound("Invite")
	}
	return inv, err
}

// FindInviteSummary is the public view of the active invite of a token.
func (s *Store) FindInviteSummary(ctx context.Context, token string) (InviteSummary, error) {
	inv, err := findActiveInviteByToken(ctx, s.reader, strings.TrimSpace(token), s.Now())
	if err != nil {
		return InviteSummary{}, err
	}
	sum := InviteSummary{ID: inv.ID, CompanyID: inv.CompanyID, InviteType: inv.InviteType, AllowedJoinTypes: inv.AllowedJoinTypes,
		HumanRole: inv.HumanRole, ExpiresAt: inv.ExpiresAt, AgentMessage: inv.AgentMessage}
	if inv.CompanyID != nil {
		c, err := s.FindCompanyByID(ctx, *inv.CompanyID)
		if err != nil {
			return InviteSummary{}, err
		}
		sum.CompanyName, sum.CompanyLogoURL, sum.CompanyBrandColor = &c.Name, c.LogoURL, c.BrandColor
	}
	if inv.InvitedByUserID != nil {
		if u, err := s.FindUserByID(ctx, *inv.InvitedByUserID); err == nil {
			sum.InvitedByUserName = &u.Name
		}
	}
	return sum, nil
}

// RevokeInvite revokes an invite: a company invite needs users:invite in its company,
// a bootstrap invite an instance admin. Revoking twice returns it unchanged; an accepted
// invite is a conflict.
func (s *Store) RevokeInvite(ctx context.Context, inviteID string) (Invite, error) {
	var out Invite
	err := s.write(ctx, func(tx *Tx) error {
		inv, err := findInvite(ctx, tx, inviteID, tx.now)
		if err != nil {
			return err
		}
		if inv.CompanyID == nil {
			if err := tx.authorize(ActInstanceAdmin, Target{}); err != nil {
				return err
			}
		} else {
			t := Target{CompanyID: *inv.CompanyID}
			if ok, _, err := decide(ctx, tx, tx.actor, ActCompanyRead, t); err != nil || !ok {
				if err != nil {
					return err
				}
				return NotFound("Invite")
			}
			if err := tx.authorize(ActCompanyWrite, t); err != nil {
				return err
			}
			if err := tx.authorize(PermUsersInvite, t); err != nil {
				return err
			}
		}
		switch {
		case inv.AcceptedAt != nil:
			return Errorf(ECONFLICT, "Invite already consumed")
		case inv.RevokedAt != nil:
			out = inv
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET revoked_at = ?, updated_at = ? WHERE id = ?`, tx.Now(), tx.Now(), inv.ID); err != nil {
			return err
		}
		if out, err = findInvite(ctx, tx, inv.ID, tx.now); err != nil {
			return err
		}
		if inv.CompanyID != nil {
			return tx.logActivity(*inv.CompanyID, "invite.revoked", "invite", inv.ID, map[string]any{"inviteId": inv.ID})
		}
		return nil
	})
	return out, err
}
