package store

import (
	"context"
	"database/sql"
)

// Permission keys of V1 (data-model §2). Other upstream keys are stored but decide nothing.
const (
	PermAgentsCreate               = "agents:create"
	PermAgentsConfigure            = "agents:configure"
	PermUsersInvite                = "users:invite"
	PermUsersManagePermissions     = "users:manage_permissions"
	PermTasksAssign                = "tasks:assign"
	PermTasksManageActiveCheckouts = "tasks:manage_active_checkouts"
	PermJoinsApprove               = "joins:approve"
)

// roleDefaultGrants are the permission keys a human membership role carries (access-auth §8.1).
var roleDefaultGrants = map[string][]string{
	"owner":    OwnerDefaultGrants,
	"admin":    {PermAgentsCreate, PermAgentsConfigure, PermUsersInvite, PermTasksAssign, PermJoinsApprove},
	"operator": {PermTasksAssign},
	"viewer":   {},
}

// actorCan decides a permission key for the context's actor in a company
// (access-auth §8): local board and instance admins always; board users by role
// default grants plus explicit grants; agents of the company by explicit grant or the
// legacy implications (CEO role, canCreateAgents); system actors always.
func actorCan(ctx context.Context, q querier, a Actor, companyID, key string) (bool, error) {
	switch a.Kind {
	case ActorSystem:
		return true, nil
	case ActorBoard:
		if a.InstanceAdmin || a.IsLocalBoard() {
			return true, nil
		}
		var status string
		var role sql.NullString
		err := q.QueryRowContext(ctx, `SELECT status, membership_role FROM company_memberships
			WHERE company_id = ? AND principal_type = 'user' AND principal_id = ?`, companyID, a.UserID).Scan(&status, &role)
		if err == sql.ErrNoRows || (err == nil && status != "active") {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if contains(roleDefaultGrants[role.String], key) {
			return true, nil
		}
		return hasGrant(ctx, q, companyID, "user", a.UserID, key)
	case ActorAgent:
		if a.CompanyID != companyID {
			return false, nil
		}
		ok, err := hasGrant(ctx, q, companyID, "agent", a.AgentID, key)
		if ok || err != nil {
			return ok, err
		}
		ag, err := findAgentRef(ctx, q, a.AgentID)
		if err == sql.ErrNoRows {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		switch key {
		case PermTasksAssign:
			return ag.Role == "ceo" || ag.canCreateAgents(), nil
		case PermTasksManageActiveCheckouts:
			return ag.Role == "ceo", nil
		case PermAgentsCreate:
			return ag.canCreateAgents(), nil
		}
	}
	return false, nil
}

func hasGrant(ctx context.Context, q querier, companyID, principalType, principalID, key string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM principal_permission_grants
		WHERE company_id = ? AND principal_type = ? AND principal_id = ? AND permission_key = ?`,
		companyID, principalType, principalID, key).Scan(&n)
	return n > 0, err
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
