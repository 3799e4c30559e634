package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
)

// Membership statuses a member's status may be set to.
var MemberStatuses = []string{"pending", "active", "suspended"}

// Grant is one explicit permission of a principal.
type Grant struct {
	PermissionKey string         `json:"permissionKey"`
	Scope         map[string]any `json:"scope"`
}

// Member is a human membership of a company with its user and explicit grants.
type Member struct {
	ID             string  `json:"id"`
	CompanyID      string  `json:"companyId"`
	PrincipalType  string  `json:"principalType"`
	PrincipalID    string  `json:"principalId"`
	Status         string  `json:"status"`
	MembershipRole *string `json:"membershipRole"`
	User           User    `json:"user"`
	Grants         []Grant `json:"grants"`
	CreatedAt      string  `json:"createdAt"`
	UpdatedAt      string  `json:"updatedAt"`
}

// MemberPatch is the PATCH body of a member.
type MemberPatch struct {
	MembershipRole Optional[string] `json:"membershipRole"`
	Status         Optional[string] `json:"status"`
}

// GrantInput is one grant of a permissions replacement.
type GrantInput struct {
	PermissionKey string          `json:"permissionKey"`
	Scope         json.RawMessage `json:"scope"`
}

// PermissionKeys are the keys a grant may name.
var PermissionKeys = []string{PermAgentsCreate, PermAgentsConfigure, PermUsersInvite, PermUsersManagePermissions,
	PermTasksAssign, PermTasksManageActiveCheckouts, PermJoinsApprove}

const memberQuery = `SELECT m.id, m.company_id, m.principal_id, m.status, m.membership_role, m.created_at, m.updated_at,
	u.id, u.email, u.name, u.image FROM company_memberships m JOIN auth_users u ON u.id = m.principal_id
	WHERE m.principal_type = 'user'`

func scanMember(sc scanner) (Member, error) {
	m := Member{PrincipalType: "user", Grants: []Grant{}}
	var role, image sql.NullString
	err := sc.Scan(&m.ID, &m.CompanyID, &m.PrincipalID, &m.Status, &role, &m.CreatedAt, &m.UpdatedAt,
		&m.User.ID, &m.User.Email, &m.User.Name, &image)
	m.MembershipRole, m.User.Image = strPtr(role), strPtr(image)
	return m, err
}

func scanGrant(sc scanner) (Grant, error) {
	var g Grant
	var scope sql.NullString
	err := sc.Scan(&g.PermissionKey, &scope)
	if scope.Valid {
		g.Scope = decodeObject(scope.String)
	}
	return g, err
}

func (s *Store) attachGrants(ctx context.Context, q querier, m *Member) error {
	var err error
	m.Grants, err = queryAll(ctx, q, scanGrant, `SELECT permission_key, scope FROM principal_permission_grants WHERE company_id = ?
		AND principal_type = 'user' AND principal_id = ? ORDER BY permission_key`, m.CompanyID, m.PrincipalID)
	return err
}

// FindCompanyMembers lists a company's human members in the order they joined. The
// implicit local board is not a person and is left out.
func (s *Store) FindCompanyMembers(ctx context.Context, companyID string) ([]Member, error) {
	out, err := queryAll(ctx, s.reader, scanMember, memberQuery+` AND m.company_id = ? AND m.principal_id <> ?
		ORDER BY m.created_at, m.id`, companyID, LocalBoardUserID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.attachGrants(ctx, s.reader, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// managedMember is the member a users:manage_permissions holder is about to change,
// checked and loaded inside the change's transaction.
func (s *Store) managedMember(ctx context.Context, tx *Tx, companyID, memberID string) (Member, error) {
	if err := tx.authorize(PermUsersManagePermissions, Target{CompanyID: companyID}); err != nil {
		return Member{}, err
	}
	return findMember(ctx, s, tx, companyID, memberID)
}

func findMember(ctx context.Context, s *Store, q querier, companyID, memberID string) (Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, memberQuery+` AND m.id = ? AND m.company_id = ?`, memberID, companyID))
	if err != nil {
		return m, translate(err, "Member")
	}
	return m, s.attachGrants(ctx, q, &m)
}

// activeOwners counts a company's active owners other than exceptMemberID.
func (tx *Tx) activeOwners(companyID, exceptMemberID string) (int, error) {
	var n int
	err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM company_memberships WHERE company_id = ? AND principal_type = 'user'
		AND status = 'active' AND membership_role = 'owner' AND id <> ?`, companyID, exceptMemberID).Scan(&n)
	return n, err
}

// UpdateMember changes a member's role or status; the last active owner cannot stop
// being one.
func (s *Store) UpdateMember(ctx context.Context, companyID, memberID string, in MemberPatch) (Member, error) {
	var p Problems
	if in.MembershipRole.Set && (in.MembershipRole.Null || !contains(HumanRoles, in.MembershipRole.Value)) {
		p.Add("invalid_enum_value", "Invalid enum value. Expected 'owner' | 'admin' | 'operator' | 'viewer'", "membershipRole")
	}
	if in.Status.Set && (in.Status.Null || !contains(MemberStatuses, in.Status.Value)) {
		p.Add("invalid_enum_value", "Invalid enum value. Expected 'pending' | 'active' | 'suspended'", "status")
	}
	if err := p.Err(); err != nil {
		return Member{}, err
	}
	if !in.MembershipRole.Set && !in.Status.Set {
		return Member{}, Errorf(EINVALID, "membershipRole or status is required")
	}
	var out Member
	err := s.write(ctx, func(tx *Tx) error {
		m, err := s.managedMember(ctx, tx, companyID, memberID)
		if err != nil {
			return err
		}
		role, status := "", m.Status
		if m.MembershipRole != nil {
			role = *m.MembershipRole
		}
		changes := map[string]any{}
		if in.MembershipRole.Set && in.MembershipRole.Value != role {
			changes["membershipRole"] = map[string]any{"from": role, "to": in.MembershipRole.Value}
			role = in.MembershipRole.Value
		}
		if in.Status.Set && in.Status.Value != status {
			changes["status"] = map[string]any{"from": status, "to": in.Status.Value}
			status = in.Status.Value
		}
		wasOwner := m.Status == "active" && m.MembershipRole != nil && *m.MembershipRole == "owner"
		if wasOwner && (role != "owner" || status != "active") {
			n, err := tx.activeOwners(companyID, m.ID)
			if err != nil {
				return err
			}
			if n == 0 {
				return Errorf(ECONFLICT, "Company must keep at least one active owner")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE company_memberships SET membership_role = ?, status = ?, updated_at = ? WHERE id = ?`,
			role, status, tx.Now(), m.ID); err != nil {
			return err
		}
		if m.MembershipRole != nil && *m.MembershipRole != role {
			if err := tx.swapRoleGrants(companyID, m.PrincipalID, *m.MembershipRole, role); err != nil {
				return err
			}
		}
		if out, err = findMember(ctx, s, tx, companyID, m.ID); err != nil {
			return err
		}
		return tx.logActivity(companyID, "member.updated", "membership", m.ID, map[string]any{"memberId": m.ID, "changes": changes})
	})
	return out, err
}

// SetMemberGrants replaces a member's explicit grants.
func (s *Store) SetMemberGrants(ctx context.Context, companyID, memberID string, grants []GrantInput) (Member, error) {
	var p Problems
	seen := map[string]bool{}
	for i, g := range grants {
		if !contains(PermissionKeys, g.PermissionKey) {
			p.Add("invalid_enum_value", "Invalid permission key", "grants", i, "permissionKey")
		}
		if len(g.Scope) > 0 && string(g.Scope) != "null" {
			var obj map[string]any
			if json.Unmarshal(g.Scope, &obj) != nil || obj == nil {
				p.Add("invalid_type", "Expected object, received "+JSONKind(g.Scope), "grants", i, "scope")
			}
		}
		seen[g.PermissionKey] = true
	}
	if err := p.Err(); err != nil {
		return Member{}, err
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out Member
	err := s.write(ctx, func(tx *Tx) error {
		m, err := s.managedMember(ctx, tx, companyID, memberID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM principal_permission_grants WHERE company_id = ? AND principal_type = 'user'
			AND principal_id = ?`, companyID, m.PrincipalID); err != nil {
			return err
		}
		now := tx.Now()
		done := map[string]bool{}
		for _, g := range grants {
			if done[g.PermissionKey] {
				continue
			}
			done[g.PermissionKey] = true
			var scope any
			if len(g.Scope) > 0 && string(g.Scope) != "null" {
				scope = string(g.Scope)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id,
				permission_key, scope, granted_by_user_id, created_at, updated_at) VALUES (?, ?, 'user', ?, ?, ?, ?, ?, ?)`,
				NewID(), companyID, m.PrincipalID, g.PermissionKey, scope, actorUserID(tx.actor), now, now); err != nil {
				return err
			}
		}
		if out, err = findMember(ctx, s, tx, companyID, m.ID); err != nil {
			return err
		}
		return tx.logActivity(companyID, "member.permissions_updated", "membership", m.ID,
			map[string]any{"memberId": m.ID, "permissionKeys": keys})
	})
	return out, err
}
