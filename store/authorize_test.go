package store_test

import (
	"context"
	"testing"
	"time"

	"paperclip/store"
)

// TestAuthorizeDecisions walks the one decision function through every kind of actor
// the API knows: the board without membership, the local board, an instance admin, each
// membership role, and agents plain, granted, creating, CEO (with and without create
// rights) and of another company.
func TestAuthorizeDecisions(t *testing.T) {
	s := MustOpen(t)
	c := mustCompany(t, s, "Acme")
	far := mustCompany(t, s, "Far")
	yes, no := true, false
	ceo := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("Boss"), Role: store.Some(store.RoleCEO)})
	ceoNoCreate := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("Figurehead"), Role: store.Some(store.RoleCEO),
		Permissions: store.Some(store.AgentPermissionsInput{CanCreateAgents: store.Some(no)})})
	eng := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("Eng"), ReportsTo: store.Some(ceo.ID)})
	child := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("Intern"), ReportsTo: store.Some(eng.ID)})
	granted := mustAgent(t, s, c.ID, named("Granted"))
	creator := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("Creator"),
		Permissions: store.Some(store.AgentPermissionsInput{CanCreateAgents: store.Some(yes)})})
	foreign := mustAgent(t, s, far.ID, store.AgentInput{Name: store.Some("FarBoss"), Role: store.Some(store.RoleCEO)})

	now := store.FormatTime(time.Now())
	for user, role := range map[string]string{"u-owner": "owner", "u-admin": "admin", "u-op": "operator", "u-view": "viewer"} {
		rawExec(t, s, `INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at)
			VALUES (?, ?, 'user', ?, 'active', ?, ?, ?)`, store.NewID(), c.ID, user, role, now, now)
	}
	rawExec(t, s, `INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, created_at, updated_at)
		VALUES (?, ?, 'agent', ?, 'agents:create', ?, ?)`, store.NewID(), c.ID, granted.ID, now, now)

	board := func(user string) store.Actor { return store.Actor{Kind: store.ActorBoard, UserID: user} }
	agent := func(a store.Agent) store.Actor {
		return store.Actor{Kind: store.ActorAgent, AgentID: a.ID, CompanyID: a.CompanyID, AgentRole: a.Role}
	}
	actors := map[string]store.Actor{
		"stranger": board("u-none"), "local": board(store.LocalBoardUserID),
		"instadmin": {Kind: store.ActorBoard, UserID: "u-root", InstanceAdmin: true},
		"owner":     board("u-owner"), "admin": board("u-admin"), "operator": board("u-op"), "viewer": board("u-view"),
		"eng": agent(eng), "granted": agent(granted), "creator": agent(creator), "ceo": agent(ceo),
		"ceoNoCreate": agent(ceoNoCreate), "foreign": agent(foreign),
	}
	co := store.Target{CompanyID: c.ID}
	on := store.AgentTarget
	const (
		noConfigure  = "Missing permission: agents:configure"
		noCreateUser = "Missing permission: agents:create"
		noCreate     = "Missing permission: can create agents"
		noModify     = "Only CEO or agent creators can modify other agents"
		noPath       = "Only the target agent or an ancestor manager can update instructions path"
		noPerms      = "Only CEO can manage permissions"
		noReflection = "Missing permission to read agent configuration reflection"
		noDecide     = "Board access required"
		noResubmit   = "Only requesting agent can resubmit this approval"
		noLink       = "Missing permission to link approvals"
	)
	asked := func(a store.Agent) store.Target {
		return store.ApprovalTarget(store.Approval{CompanyID: a.CompanyID, RequestedByAgentID: &a.ID})
	}
	commands := store.Target{CompanyID: c.ID, Fields: []string{"setupCommand", "cleanupCommand"}}
	cases := []struct {
		actor, action string
		target        store.Target
		deny          string // "" when allowed
	}{
		{"stranger", store.ActAgentManage, co, noConfigure},
		{"stranger", store.PermAgentsCreate, co, noCreateUser},
		{"stranger", store.PermTasksAssign, co, "Missing permission: tasks:assign"},
		{"local", store.ActAgentManage, co, ""},
		{"local", store.PermAgentsCreate, co, ""},
		{"local", store.ActAgentManagePermissions, on(eng), ""},
		{"instadmin", store.ActAgentManage, co, ""},
		{"instadmin", store.ActAgentUpdate, on(eng), ""},
		{"instadmin", store.PermUsersManagePermissions, co, ""},
		{"owner", store.ActAgentManage, co, ""},
		{"owner", store.PermUsersManagePermissions, co, ""},
		{"admin", store.ActAgentManage, co, ""},
		{"admin", store.ActAgentSetInstructionsPath, on(eng), ""},
		{"admin", store.PermUsersManagePermissions, co, "Missing permission: users:manage_permissions"},
		{"operator", store.ActAgentManage, co, noConfigure},
		{"operator", store.ActAgentUpdate, on(eng), noConfigure},
		{"operator", store.PermAgentsCreate, co, noCreateUser},
		{"operator", store.PermTasksAssign, co, ""},
		{"viewer", store.PermTasksAssign, co, "Missing permission: tasks:assign"},
		{"viewer", store.ActAgentReadConfig, on(eng), ""},
		{"viewer", store.ActAgentListConfigurations, co, ""},
		{"viewer", store.ActAgentReadReflection, co, ""},

		{"eng", store.ActAgentManage, co, noConfigure},
		{"eng", store.PermAgentsCreate, co, noCreate},
		{"eng", store.ActAgentReadConfig, on(eng), ""},
		{"eng", store.ActAgentReadConfig, on(ceo), noCreate},
		{"eng", store.ActAgentReadConfig, co, noCreate},
		{"eng", store.ActAgentUpdate, on(eng), ""},
		{"eng", store.ActAgentUpdate, on(ceo), noModify},
		{"eng", store.ActAgentSetInstructionsPath, on(eng), ""},
		{"eng", store.ActAgentSetInstructionsPath, on(child), ""},
		{"eng", store.ActAgentSetInstructionsPath, on(ceo), noPath},
		{"eng", store.ActAgentManagePermissions, on(child), noPerms},
		{"eng", store.ActAgentListConfigurations, co, noCreate},
		{"eng", store.ActAgentReadReflection, co, noReflection},
		{"eng", store.PermTasksAssign, co, ""},
		{"eng", store.PermTasksManageActiveCheckouts, co, "Missing permission: tasks:manage_active_checkouts"},

		{"granted", store.PermAgentsCreate, co, ""},
		{"granted", store.ActAgentReadConfig, on(ceo), ""},
		{"granted", store.ActAgentUpdate, on(eng), ""},
		{"granted", store.ActAgentListConfigurations, co, ""},
		{"granted", store.ActAgentReadReflection, co, ""},
		{"granted", store.ActAgentManage, co, noConfigure},
		{"granted", store.ActAgentSetInstructionsPath, on(eng), noPath},

		{"creator", store.PermAgentsCreate, co, ""},
		{"creator", store.ActAgentReadConfig, co, ""},
		{"creator", store.ActAgentManagePermissions, on(eng), noPerms},

		{"ceo", store.PermAgentsCreate, co, ""},
		{"ceo", store.ActAgentReadConfig, co, ""},
		{"ceo", store.ActAgentUpdate, on(eng), ""},
		{"ceo", store.ActAgentManagePermissions, on(eng), ""},
		{"ceo", store.ActAgentSetInstructionsPath, on(child), ""},
		{"ceo", store.PermTasksManageActiveCheckouts, co, ""},
		{"ceo", store.ActAgentManage, co, noConfigure},

		{"ceoNoCreate", store.PermAgentsCreate, co, noCreate},
		{"ceoNoCreate", store.ActAgentReadConfig, on(eng), ""},
		{"ceoNoCreate", store.ActAgentListConfigurations, co, noCreate},
		{"ceoNoCreate", store.ActAgentReadReflection, co, noReflection},
		{"ceoNoCreate", store.ActAgentManagePermissions, on(eng), ""},

		{"foreign", store.PermAgentsCreate, co, noCreate},
		{"foreign", store.ActAgentReadConfig, on(eng), noCreate},
		{"foreign", store.ActAgentUpdate, on(eng), noModify},
		{"foreign", store.ActAgentSetInstructionsPath, on(eng), noPath},
		{"foreign", store.ActAgentManagePermissions, on(eng), noPerms},
		{"foreign", store.PermTasksAssign, co, "Missing permission: tasks:assign"},
		{"foreign", store.PermAgentsCreate, store.Target{CompanyID: far.ID}, ""},
		// The llms texts are instance-wide: the agent's own company decides.
		{"foreign", store.ActAgentReadReflection, co, ""},

		{"viewer", store.ActCompanyManageSettings, co, ""}, // the viewer scope is the server's C:write
		{"ceo", store.ActCompanyManageSettings, co, ""},
		{"ceo", store.ActCompanyManageBranding, co, ""},
		{"eng", store.ActCompanyManageSettings, co, "Only CEO agents can manage company settings"},
		{"granted", store.ActCompanyManageBranding, co, "Only CEO agents can manage company branding"},
		{"foreign", store.ActCompanyManageBranding, co, "Only CEO agents can manage company branding"},

		// Governance: the board decides approvals, their requester resubmits, the CEO or
		// creators link them, and agents never set host-executed workspace commands.
		{"viewer", store.ActApprovalDecide, co, ""}, // the server's C:board scope refuses viewers first
		{"local", store.ActApprovalDecide, co, ""},
		{"ceo", store.ActApprovalDecide, asked(ceo), noDecide},
		{"eng", store.ActApprovalDecide, co, noDecide},
		{"local", store.ActApprovalResubmit, asked(ceo), ""},
		{"ceo", store.ActApprovalResubmit, asked(ceo), ""},
		{"eng", store.ActApprovalResubmit, asked(ceo), noResubmit},
		{"eng", store.ActApprovalResubmit, co, noResubmit},
		{"operator", store.ActApprovalLink, co, ""},
		{"ceo", store.ActApprovalLink, co, ""},
		{"ceoNoCreate", store.ActApprovalLink, co, ""},
		{"creator", store.ActApprovalLink, co, ""},
		{"granted", store.ActApprovalLink, co, ""},
		{"eng", store.ActApprovalLink, co, noLink},
		{"foreign", store.ActApprovalLink, co, noLink},
		{"local", store.ActWorkspaceSetCommands, commands, ""},
		{"ceo", store.ActWorkspaceSetCommands, store.Target{CompanyID: c.ID}, ""},
		{"ceo", store.ActWorkspaceSetCommands, commands, "Agent keys cannot modify host-executed workspace commands (setupCommand, cleanupCommand)."},
	}
	for _, tc := range cases {
		a, ok := actors[tc.actor]
		if !ok {
			t.Fatalf("unknown actor %q", tc.actor)
		}
		ctx := store.NewContextWithActor(context.Background(), a)
		err := s.Authorize(ctx, tc.action, tc.target)
		can, canErr := s.Can(ctx, tc.action, tc.target)
		if canErr != nil {
			t.Fatalf("%s %s: %v", tc.actor, tc.action, canErr)
		}
		switch {
		case tc.deny == "" && (err != nil || !can):
			t.Errorf("%s %s %+v: refused (%v, can=%v), want allowed", tc.actor, tc.action, tc.target, err, can)
		case tc.deny != "" && can:
			t.Errorf("%s %s %+v: Can allowed, want %q", tc.actor, tc.action, tc.target, tc.deny)
		case tc.deny != "":
			e, isErr := err.(*store.Error)
			if !isErr || e.Code != store.EFORBIDDEN || e.Message != tc.deny {
				t.Errorf("%s %s %+v: got %v, want forbidden %q", tc.actor, tc.action, tc.target, err, tc.deny)
			}
		}
	}

	// No actor at all is never authorised, whatever the rule would grant a board reader.
	none := store.NewContextWithActor(context.Background(), store.Actor{Kind: store.ActorNone})
	if err := s.Authorize(none, store.ActAgentReadConfig, on(eng)); store.ErrorCode(err) != store.EUNAUTHORIZED {
		t.Fatalf("anonymous read config: %v", err)
	}
}
