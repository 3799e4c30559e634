package store

import (
	"context"
	"crypto/subtle"
	"strings"
)

// equalHash compares two stored token hashes in constant time.
func equalHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// signedInUser is the board user behind a real credential (a session or a board key):
// the implicit local board and agents are not people who can accept an invite.
func signedInUser(a Actor) (string, bool) {
	if a.IsBoard() && a.Source != "local_implicit" && a.UserID != "" && a.UserID != LocalBoardUserID {
		return a.UserID, true
	}
	return "", false
}

// AcceptInvite accepts the active invite of token. A bootstrap invite makes the
// signed-in user the instance admin; a company invite creates a join request, approved
// at once for a signed-in human, pending for an agent (whose claim secret is returned
// once). requestIP is recorded on the join request.
func (s *Store) AcceptInvite(ctx context.Context, token string, in AcceptInput, requestIP string) (AcceptResult, error) {
	if err := in.Validate(); err != nil {
		return AcceptResult{}, err
	}
	var out AcceptResult
	var secret string
	if in.RequestType.Value == JoinAgent {
		secret = ClaimSecretPrefix + RandomHex(24)
	}
	err := s.write(ctx, func(tx *Tx) error {
		inv, err := findActiveInviteByToken(ctx, tx, strings.TrimSpace(token), tx.now)
		if err != nil {
			return err
		}
		out.InviteID = inv.ID
		userID, signedIn := signedInUser(tx.actor)
		if inv.InviteType == InviteBootstrapCEO {
			if in.RequestType.Value != JoinHuman {
				return Errorf(EINVALID, "Bootstrap invite requires human request type")
			}
			if !signedIn {
				return Errorf(EUNAUTHORIZED, "Sign in before accepting this invite")
			}
			if err := tx.markInviteAccepted(inv.ID); err != nil {
				return err
			}
			out.Bootstrap, out.UserID = true, userID
			return tx.claimInstance(userID)
		}
		kind := in.RequestType.Value
		if inv.AllowedJoinTypes != JoinBoth && inv.AllowedJoinTypes != kind {
			return Errorf(EINVALID, "Invite does not allow %s joins", kind)
		}
		if inv.CompanyID == nil {
			return NotFound("Invite")
		}
		companyID := *inv.CompanyID
		if kind == JoinHuman {
			if tx.actor.Source == "local_implicit" {
				return Errorf(EINVALID, "Human invites require authenticated mode")
			}
			if !signedIn {
				return Errorf(EUNAUTHORIZED, "Sign in before accepting this invite")
			}
			out.JoinRequest, err = tx.acceptHuman(inv, companyID, userID, requestIP)
		} else {
			out.JoinRequest, err = tx.acceptAgent(inv, companyID, in, requestIP, secret)
			out.ClaimSecret = secret
		}
		if err != nil {
			return err
		}
		return tx.markInviteAccepted(inv.ID)
	})
	if err != nil {
		return AcceptResult{}, err
	}
	return out, nil
}

func (tx *Tx) markInviteAccepted(id string) error {
	now := tx.Now()
	res, err := tx.ExecContext(tx.ctx, `UPDATE invites SET accepted_at = ?, updated_at = ? WHERE id = ? AND accepted_at IS NULL
		AND revoked_at IS NULL`, now, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return NotFound("Invite")
	}
	return nil
}

func (tx *Tx) acceptHuman(inv Invite, companyID, userID, requestIP string) (JoinRequest, error) {
	m, found, err := findMembership(tx.ctx, tx, companyID, "user", userID)
	if err != nil {
		return JoinRequest{}, err
	}
	if found && m.Status == "active" {
		return JoinRequest{}, Errorf(ECONFLICT, "You already belong to this company")
	}
	var email string
	if err := tx.QueryRowContext(tx.ctx, `SELECT email FROM auth_users WHERE id = ?`, userID).Scan(&email); err != nil {
		return JoinRequest{}, translate(err, "User")
	}
	role := "operator"
	if inv.HumanRole != nil {
		role = *inv.HumanRole
	}
	id, now := NewID(), tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO join_requests (id, invite_id, company_id, request_type, status, request_ip,
		requesting_user_id, request_email_snapshot, approved_by_user_id, approved_at, created_at, updated_at)
		VALUES (?, ?, ?, 'human', 'approved', ?, ?, ?, ?, ?, ?, ?)`,
		id, inv.ID, companyID, requestIP, userID, email, nullStr(inv.InvitedByUserID), now, now, now); err != nil {
		return JoinRequest{}, translate(err, "Join request")
	}
	if err := tx.upsertHumanMembership(companyID, userID, role); err != nil {
		return JoinRequest{}, err
	}
	if err := tx.logActivity(companyID, "join.requested", "join_request", id, map[string]any{"joinRequestId": id,
		"requestType": JoinHuman, "agentName": nil}); err != nil {
		return JoinRequest{}, err
	}
	return findJoinRequest(tx.ctx, tx, id)
}

func (tx *Tx) acceptAgent(inv Invite, companyID string, in AcceptInput, requestIP, secret string) (JoinRequest, error) {
	name := strings.TrimSpace(in.AgentName.Value)
	if !in.AgentName.Set || in.AgentName.Null || name == "" {
		return JoinRequest{}, Errorf(EINVALID, "agentName is required for agent join requests")
	}
	var adapter any
	if v := strings.TrimSpace(in.AdapterType.Value); in.AdapterType.Set && !in.AdapterType.Null && v != "" {
		if !IsAdapterType(v) {
			return JoinRequest{}, Errorf(EUNPROCESSABLE, "Unknown adapter type: %s", v)
		}
		adapter = v
	}
	var defaults any
	if in.AgentDefaultsPayload.Set && !in.AgentDefaultsPayload.Null {
		text, err := jsonText(in.AgentDefaultsPayload.Value)
		if err != nil {
			return JoinRequest{}, err
		}
		defaults = text
	}
	id, now := NewID(), tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO join_requests (id, invite_id, company_id, request_type, status, request_ip,
		requesting_user_id, agent_name, adapter_type, capabilities, agent_defaults_payload, claim_secret_hash,
		claim_secret_expires_at, created_at, updated_at) VALUES (?, ?, ?, 'agent', 'pending_approval', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, inv.ID, companyID, requestIP, actorUserID(tx.actor), name, adapter, nullStr(in.Capabilities.Ptr()), defaults,
		HashToken(secret), FormatTime(tx.now.Add(ClaimSecretTTL)), now, now); err != nil {
		return JoinRequest{}, translate(err, "Join request")
	}
	details := map[string]any{"joinRequestId": id, "requestType": JoinAgent, "agentName": name}
	var err error
	if _, ok := signedInUser(tx.actor); ok {
		err = tx.logActivity(companyID, "join.requested", "join_request", id, details)
	} else {
		err = tx.insertActivity(Activity{CompanyID: companyID, ActorType: "system", ActorID: "invite:" + inv.ID,
			Action: "join.requested", EntityType: "join_request", EntityID: id}, details)
	}
	if err != nil {
		return JoinRequest{}, err
	}
	return findJoinRequest(tx.ctx, tx, id)
}

// upsertHumanMembership makes userID an active member of companyID with role, and
// gives the membership exactly that role's default grants in place of the previous
// role's (explicit extra grants stay).
func (tx *Tx) upsertHumanMembership(companyID, userID, role string) error {
	prev, found, err := findMembership(tx.ctx, tx, companyID, "user", userID)
	if err != nil {
		return err
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status,
		membership_role, created_at, updated_at) VALUES (?, ?, 'user', ?, 'active', ?, ?, ?)
		ON CONFLICT (company_id, principal_type, principal_id) DO UPDATE SET status = 'active',
		membership_role = excluded.membership_role, updated_at = excluded.updated_at`,
		NewID(), companyID, userID, role, now, now); err != nil {
		return err
	}
	if found {
		return tx.swapRoleGrants(companyID, userID, prev.Role, role)
	}
	return tx.swapRoleGrants(companyID, userID, "", role)
}

// swapRoleGrants replaces the default grants of role from with those of role to.
func (tx *Tx) swapRoleGrants(companyID, userID, from, to string) error {
	for _, key := range roleDefaultGrants[from] {
		if contains(roleDefaultGrants[to], key) {
			continue
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM principal_permission_grants WHERE company_id = ? AND principal_type = 'user'
			AND principal_id = ? AND permission_key = ?`, companyID, userID, key); err != nil {
			return err
		}
	}
	now := tx.Now()
	for _, key := range roleDefaultGrants[to] {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id,
			permission_key, granted_by_user_id, created_at, updated_at) VALUES (?, ?, 'user', ?, ?, ?, ?, ?)
			ON CONFLICT (company_id, principal_type, principal_id, permission_key) DO NOTHING`,
			NewID(), companyID, userID, key, actorUserID(tx.actor), now, now); err != nil {
			return err
		}
	}
	return nil
}

// claimInstance makes userID the instance admin: owner of every company, with the
// implicit local board removed (it belonged to the local_trusted past of this
// instance, and new companies would otherwise keep making it an owner).
func (tx *Tx) claimInstance(userID string) error {
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO instance_user_roles (id, user_id, role, created_at, updated_at)
		VALUES (?, ?, 'instance_admin', ?, ?) ON CONFLICT (user_id, role) DO NOTHING`, NewID(), userID, now, now); err != nil {
		return err
	}
	ids, err := tx.companyIDs()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.upsertHumanMembership(id, userID, "owner"); err != nil {
			return err
		}
	}
	// Deleting the user also ends its roles, sessions and board keys (cascade), so
	// nothing minted on loopback carries over; a later local_trusted start recreates it.
	for _, q := range []string{
		`DELETE FROM company_memberships WHERE principal_type = 'user' AND principal_id = ?`,
		`DELETE FROM principal_permission_grants WHERE principal_type = 'user' AND principal_id = ?`,
		`DELETE FROM auth_users WHERE id = ?`,
	} {
		if _, err := tx.ExecContext(tx.ctx, q, LocalBoardUserID); err != nil {
			return err
		}
	}
	actor := Actor{Kind: ActorBoard, UserID: userID}
	for _, id := range ids {
		at, aid, _ := actor.activityActor()
		if err := tx.insertActivity(Activity{CompanyID: id, ActorType: at, ActorID: aid, Action: "instance.bootstrap_claimed",
			EntityType: "user", EntityID: userID}, map[string]any{"userId": userID}); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) companyIDs() ([]string, error) {
	return queryAll(tx.ctx, tx, scanString, `SELECT id FROM companies ORDER BY created_at, id`)
}

// ClaimInstance is the board-claim form of the bootstrap: the signed-in actor becomes
// the instance admin while bootstrap is pending.
func (s *Store) ClaimInstance(ctx context.Context) error {
	return s.write(ctx, func(tx *Tx) error {
		userID, ok := signedInUser(tx.actor)
		if !ok {
			return Errorf(EUNAUTHORIZED, "Sign in before claiming board ownership")
		}
		return tx.claimInstance(userID)
	})
}
