package store

import (
	"context"
	"database/sql"
	"strings"
)

// AdminUser is a user as the instance admin sees it.
type AdminUser struct {
	User
	IsInstanceAdmin bool     `json:"isInstanceAdmin"`
	CompanyIDs      []string `json:"companyIds"`
	CreatedAt       string   `json:"createdAt"`
}

// CompanyAccess is a user's memberships across the instance.
type CompanyAccess struct {
	UserID      string             `json:"userId"`
	CompanyIDs  []string           `json:"companyIds"`
	Memberships []MembershipStatus `json:"memberships"`
}

// MembershipStatus is one company membership of a user.
type MembershipStatus struct {
	CompanyID      string  `json:"companyId"`
	MembershipRole *string `json:"membershipRole"`
	Status         string  `json:"status"`
}

// AdminUserResult is the promote/demote answer.
type AdminUserResult struct {
	UserID          string `json:"userId"`
	IsInstanceAdmin bool   `json:"isInstanceAdmin"`
}

// AdminUserFilter selects users for the instance admin: Query is a name or email
// substring.
type AdminUserFilter struct {
	Query string
}

func scanAdminUser(sc scanner) (AdminUser, error) {
	var u AdminUser
	var image sql.NullString
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &image, &u.CreatedAt)
	u.Image = strPtr(image)
	return u, err
}

// FindAdminUsers lists up to 100 users matching the filter, for the instance admin.
// The implicit local board is not listed.
func (s *Store) FindAdminUsers(ctx context.Context, f AdminUserFilter) ([]AdminUser, error) {
	q := strings.ToLower(strings.TrimSpace(f.Query))
	if len([]rune(q)) > 120 {
		return nil, Errorf(EINVALID, "query must be at most 120 characters")
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	out, err := queryAll(ctx, s.reader, scanAdminUser, `SELECT `+userColumns+`, created_at FROM auth_users WHERE id <> ?
		AND (LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\') ORDER BY created_at, id LIMIT 100`,
		LocalBoardUserID, like, like)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].IsInstanceAdmin, err = s.IsInstanceAdmin(ctx, out[i].ID); err != nil {
			return nil, err
		}
		acc, err := findCompanyAccess(ctx, s.reader, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].CompanyIDs = acc.CompanyIDs
	}
	return out, nil
}

func scanMembershipStatus(sc scanner) (MembershipStatus, error) {
	var m MembershipStatus
	var role sql.NullString
	err := sc.Scan(&m.CompanyID, &role, &m.Status)
	m.MembershipRole = strPtr(role)
	return m, err
}

func findCompanyAccess(ctx context.Context, q querier, userID string) (CompanyAccess, error) {
	acc := CompanyAccess{UserID: userID, CompanyIDs: []string{}}
	var err error
	acc.Memberships, err = queryAll(ctx, q, scanMembershipStatus, `SELECT company_id, membership_role, status FROM company_memberships
		WHERE principal_type = 'user' AND principal_id = ? ORDER BY created_at, id`, userID)
	for _, m := range acc.Memberships {
		if m.Status == "active" {
			acc.CompanyIDs = append(acc.CompanyIDs, m.CompanyID)
		}
	}
	return acc, err
}

func (tx *Tx) requireUser(userID string) error {
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM auth_users WHERE id = ?`, userID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return NotFound("User")
	}
	return nil
}

// FindUserCompanyAccess returns a user's memberships.
func (s *Store) FindUserCompanyAccess(ctx context.Context, userID string) (CompanyAccess, error) {
	if _, err := s.FindUserByID(ctx, userID); err != nil {
		return CompanyAccess{}, err
	}
	return findCompanyAccess(ctx, s.reader, userID)
}

// logEveryCompany writes one activity row per company (instance-wide events).
func (tx *Tx) logEveryCompany(action, userID string) error {
	ids, err := tx.companyIDs()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.logActivity(id, action, "user", userID, map[string]any{"userId": userID}); err != nil {
			return err
		}
	}
	return nil
}

// PromoteInstanceAdmin gives a user the instance_admin role.
func (s *Store) PromoteInstanceAdmin(ctx context.Context, userID string) (AdminUserResult, error) {
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.authorize(ActInstanceAdmin, Target{}); err != nil {
			return err
		}
		if err := tx.requireUser(userID); err != nil {
			return err
		}
		now := tx.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO instance_user_roles (id, user_id, role, created_at, updated_at)
			VALUES (?, ?, 'instance_admin', ?, ?) ON CONFLICT (user_id, role) DO NOTHING`, NewID(), userID, now, now); err != nil {
			return err
		}
		return tx.logEveryCompany("instance.user_promoted", userID)
	})
	return AdminUserResult{UserID: userID, IsInstanceAdmin: true}, err
}

// DemoteInstanceAdmin takes the instance_admin role away; the last admin keeps it.
func (s *Store) DemoteInstanceAdmin(ctx context.Context, userID string) (AdminUserResult, error) {
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.authorize(ActInstanceAdmin, Target{}); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM instance_user_roles WHERE user_id = ? AND role = 'instance_admin'`,
			userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return Errorf(ENOTFOUND, "Instance admin role not found")
		}
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM instance_user_roles WHERE role = 'instance_admin' AND user_id <> ?`,
			userID).Scan(&others); err != nil {
			return err
		}
		if others == 0 {
			return Errorf(ECONFLICT, "Instance must keep at least one instance admin")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM instance_user_roles WHERE user_id = ? AND role = 'instance_admin'`, userID); err != nil {
			return err
		}
		return tx.logEveryCompany("instance.user_demoted", userID)
	})
	return AdminUserResult{UserID: userID, IsInstanceAdmin: false}, err
}

// SetCompanyAccess gives a user an active membership in exactly the listed companies
// (existing roles kept, new ones operator); other memberships are archived.
func (s *Store) SetCompanyAccess(ctx context.Context, userID string, companyIDs []string) (CompanyAccess, error) {
	var out CompanyAccess
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.authorize(ActInstanceAdmin, Target{}); err != nil {
			return err
		}
		if err := tx.requireUser(userID); err != nil {
			return err
		}
		want := map[string]bool{}
		for _, id := range companyIDs {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM companies WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return NotFound("Company")
			}
			want[id] = true
		}
		cur, err := findCompanyAccess(ctx, tx, userID)
		if err != nil {
			return err
		}
		have := map[string]MembershipStatus{}
		for _, m := range cur.Memberships {
			have[m.CompanyID] = m
		}
		now := tx.Now()
		for _, id := range companyIDs {
			m, ok := have[id]
			switch {
			case !ok:
				if err := tx.upsertHumanMembership(id, userID, "operator"); err != nil {
					return err
				}
			case m.Status != "active":
				if _, err := tx.ExecContext(ctx, `UPDATE company_memberships SET status = 'active', updated_at = ? WHERE company_id = ?
					AND principal_type = 'user' AND principal_id = ?`, now, id, userID); err != nil {
					return err
				}
			default:
				continue
			}
			if err := tx.logActivity(id, "member.updated", "user", userID, map[string]any{"userId": userID,
				"changes": map[string]any{"status": "active"}}); err != nil {
				return err
			}
		}
		for id, m := range have {
			if want[id] || m.Status == "archived" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE company_memberships SET status = 'archived', updated_at = ? WHERE company_id = ?
				AND principal_type = 'user' AND principal_id = ?`, now, id, userID); err != nil {
				return err
			}
			if err := tx.logActivity(id, "member.updated", "user", userID, map[string]any{"userId": userID,
				"changes": map[string]any{"status": "archived"}}); err != nil {
				return err
			}
		}
		out, err = findCompanyAccess(ctx, tx, userID)
		return err
	})
	return out, err
}
