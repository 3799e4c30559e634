package store

// Authorization has one home: decide, below. Every permission decision of the API is
// a case of it, whether it runs inside a transaction (tx.authorize, before the write)
// or as a pre-check of a handler that must refuse before reading a request body
// (Store.Authorize, Store.Can). The server keeps only the route's actor class (board,
// agent, admin) and company scope (C:read, C:write, C:board); everything about roles,
// grants, canCreateAgents, the CEO and the chain of command is decided here.
//
// A new domain (approvals, costs, secrets, projects) adds a rule in exactly one place:
// a case of decide, named by an Act* constant (or by a permission key of
// permission.go when the rule is just "holds key K"), with the 403 message callers
// see. Its transactions call tx.authorize(action, target); its handlers call
// Store.Authorize only when they must refuse before the body is read.

import (
	"context"
	"database/sql"
	"strings"
)

// Actions decided by decide beyond the bare permission keys (PermTasksAssign, ...,
// which are actions too and answer "Missing permission: <key>"). PermAgentsCreate is
// the creator rule: create and hire agents, test an adapter environment.
const (
	// ActAgentManage is the agents.md "mgr" rule: board users holding agents:create or
	// agents:configure (lifecycle, keys, sessions, CLI login).
	ActAgentManage = "agent.manage"
	// ActAgentReadConfig is the "cfg-reader" rule: board readers; an agent reading
	// itself, the CEO, or an agent creator. Without a target agent it asks whether the
	// actor may read every agent's configuration (CEO or creator).
	ActAgentReadConfig = "agent.read_config"
	// ActAgentUpdate is the "updater" rule of PATCH /agents/{id} and rollbacks: board
	// managers; an agent updating itself, the CEO, or an agent creator.
	ActAgentUpdate = "agent.update"
	// ActAgentSetInstructionsPath lets board managers, the agent itself or an agent
	// above it in the chain of command point it at an instructions file.
	ActAgentSetInstructionsPath = "agent.set_instructions_path"
	// ActAgentManagePermissions is PATCH /agents/{id}/permissions: board managers or
	// the company's CEO agent.
	ActAgentManagePermissions = "agent.manage_permissions"
	// ActAgentListConfigurations is the configuration view of every agent of a
	// company: board readers, agents only with create rights.
	ActAgentListConfigurations = "agent.list_configurations"
	// ActAgentReadReflection guards the llms text routes: board, or agents with create
	// rights.
	ActAgentReadReflection = "agent.read_reflection"
	// ActCompanyManageSettings is PATCH /companies/{id}: board writers or the
	// company's CEO agent (who may touch branding only; the handler narrows the body).
	ActCompanyManageSettings = "company.manage_settings"
	// ActCompanyManageBranding is PATCH /companies/{id}/branding: board writers or the
	// company's CEO agent.
	ActCompanyManageBranding = "company.manage_branding"
	// ActApprovalDecide is approve, reject and request-revision: the board (or the
	// system) decides, never an agent, not even the CEO that asked.
	ActApprovalDecide = "approval.decide"
	// ActApprovalResubmit is resubmit of a revision-requested approval: the board, or
	// the agent that requested it (the target's AgentID, see ApprovalTarget).
	ActApprovalResubmit = "approval.resubmit"
	// ActApprovalLink links and unlinks approvals on an issue: board writers, or the
	// company's CEO agent or an agent creator.
	ActApprovalLink = "approval.link"
	// ActWorkspaceSetCommands guards the host-executed workspace commands named in the
	// target's Fields (setupCommand, cleanupCommand): they run on the server's machine
	// outside any adapter sandbox, so only the board may set them. A body touching none
	// of them is allowed to anyone.
	ActWorkspaceSetCommands = "project.workspace_set_commands"
	// ActCostReport is POST /companies/{id}/cost-events: board writers report for any
	// agent of the company, an agent only for itself (Target.AgentID).
	ActCostReport = "cost.report"
	// ActCompanyRead is any use of a company: instance admins and the local board
	// everywhere, other board users with an active membership, agents in their own
	// company.
	ActCompanyRead = "company.read"
	// ActCompanyWrite is every board write to a company's data: readers whose
	// membership role is not viewer (agents pass; their own rules follow per route).
	ActCompanyWrite = "company.write"
	// ActInviteOwner is creating an invite that makes its user an owner: owners and
	// instance admins only.
	ActInviteOwner = "invite.owner"
	// ActMembersRead is listing a company's human members: users:invite or
	// users:manage_permissions.
	ActMembersRead = "members.read"
	// ActCompanyExport is the strict export flow (exports, exports/preview): board
	// writers of the company, or its CEO agent.
	ActCompanyExport = "company.export"
	// ActCompanyImport is the company-scoped import flow (imports/preview,
	// imports/apply): board writers of the company, or its CEO agent.
	ActCompanyImport = "company.import"
	// ActInstanceAdmin is instance-wide administration (user admin, bootstrap
	// invites): instance admins and the local board.
	ActInstanceAdmin = "instance.admin"
)

// Target is what a decision is about: the company; for agent-scoped rules the agent
// acted upon, for approval rules the agent that requested the approval; for field
// rules the body fields the request touches.
type Target struct {
	CompanyID string
	AgentID   string
	Fields    []string
}

// AgentTarget is the target of a rule about agent a.
func AgentTarget(a Agent) Target { return Target{CompanyID: a.CompanyID, AgentID: a.ID} }

// ApprovalTarget is the target of a rule about approval ap: its company and its
// requesting agent, if any.
func ApprovalTarget(ap Approval) Target {
	t := Target{CompanyID: ap.CompanyID}
	if ap.RequestedByAgentID != nil {
		t.AgentID = *ap.RequestedByAgentID
	}
	return t
}

// Authorize decides action on t for the context's actor, answering a forbidden
// *Error with the rule's message when it is refused. Handlers call it to refuse before
// reading a body; mutations decide again inside their transaction where it matters.
func (s *Store) Authorize(ctx context.Context, action string, t Target) error {
	return authorize(ctx, s.reader, ActorFromContext(ctx), action, t)
}

// Can reports whether the context's actor may perform action on t, for handlers that
// shape a response (restricted views) rather than refuse.
func (s *Store) Can(ctx context.Context, action string, t Target) (bool, error) {
	ok, _, err := decide(ctx, s.reader, ActorFromContext(ctx), action, t)
	return ok, err
}

// authorize decides action on t inside the transaction.
func (tx *Tx) authorize(action string, t Target) error {
	return authorize(tx.ctx, tx, tx.actor, action, t)
}

func authorize(ctx context.Context, q querier, a Actor, action string, t Target) error {
	if a.Kind == ActorNone || a.Kind == "" {
		return Errorf(EUNAUTHORIZED, "Unauthorized")
	}
	ok, deny, err := decide(ctx, q, a, action, t)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(EFORBIDDEN, "%s", deny)
	}
	return nil
}

// decide is every authorization rule: whether a may perform action on t, and the
// message of the refusal. Board rules also hold for system actors (internal work).
func decide(ctx context.Context, q querier, a Actor, action string, t Target) (bool, string, error) {
	if a.Kind == ActorNone || a.Kind == "" {
		return false, "Unauthorized", nil
	}
	agent := a.IsAgent()
	switch action {
	case ActCompanyRead:
		ok, err := readsCompany(ctx, q, a, t.CompanyID)
		if agent {
			return ok, "Agent key cannot access another company", err
		}
		return ok, "User does not have access to this company", err
	case ActCompanyWrite:
		if agent || a.Kind == ActorSystem || a.InstanceAdmin || a.IsLocalBoard() {
			ok, err := readsCompany(ctx, q, a, t.CompanyID)
			return ok, "User does not have access to this company", err
		}
		m, found, err := findMembership(ctx, q, t.CompanyID, "user", a.UserID)
		if err != nil || !found || m.Status != "active" {
			return false, "User does not have access to this company", err
		}
		return m.Role != "viewer", "Viewer access is read-only", nil
	case ActCompanyExport, ActCompanyImport:
		if !agent {
			return decide(ctx, q, a, ActCompanyWrite, t)
		}
		ok, err := agentIsCEO(ctx, q, a, t.CompanyID)
		if action == ActCompanyExport {
			return ok, "Only CEO agents can manage company exports", err
		}
		return ok, "Only CEO agents can manage company imports", err
	case ActInviteOwner:
		if agent {
			return false, "Only owners can invite owners", nil
		}
		if a.Kind == ActorSystem || a.InstanceAdmin || a.IsLocalBoard() {
			return true, "", nil
		}
		m, found, err := findMembership(ctx, q, t.CompanyID, "user", a.UserID)
		return found && m.Status == "active" && m.Role == "owner", "Only owners can invite owners", err
	case ActMembersRead:
		for _, key := range []string{PermUsersInvite, PermUsersManagePermissions} {
			ok, err := actorCan(ctx, q, a, t.CompanyID, key)
			if err != nil || ok {
				return ok, "", err
			}
		}
		return false, "Missing permission: users:invite", nil
	case ActInstanceAdmin:
		return a.Kind == ActorSystem || (a.IsBoard() && (a.InstanceAdmin || a.IsLocalBoard())), "Instance admin access required", nil
	case ActAgentManage:
		ok, err := boardManages(ctx, q, a, t.CompanyID)
		return ok, "Missing permission: agents:configure", err
	case PermAgentsCreate:
		ok, err := actorCan(ctx, q, a, t.CompanyID, PermAgentsCreate)
		if agent {
			return ok, "Missing permission: can create agents", err
		}
		return ok, "Missing permission: agents:create", err
	case ActAgentReadConfig:
		if !agent {
			return true, "", nil
		}
		ok, err := agentReadsConfig(ctx, q, a, t)
		return ok, "Missing permission: can create agents", err
	case ActAgentUpdate:
		if !agent {
			ok, err := boardManages(ctx, q, a, t.CompanyID)
			return ok, "Missing permission: agents:configure", err
		}
		ok, err := agentReadsConfig(ctx, q, a, t)
		return ok, "Only CEO or agent creators can modify other agents", err
	case ActAgentSetInstructionsPath:
		if !agent {
			ok, err := boardManages(ctx, q, a, t.CompanyID)
			return ok, "Missing permission: agents:configure", err
		}
		const deny = "Only the target agent or an ancestor manager can update instructions path"
		if a.CompanyID != t.CompanyID || t.AgentID == "" {
			return false, deny, nil
		}
		if a.AgentID == t.AgentID {
			return true, "", nil
		}
		ok, err := isAncestorManager(ctx, q, a.AgentID, t.AgentID)
		return ok, deny, err
	case ActAgentManagePermissions:
		if !agent {
			ok, err := boardManages(ctx, q, a, t.CompanyID)
			return ok, "Missing permission: agents:configure", err
		}
		ok, err := agentIsCEO(ctx, q, a, t.CompanyID)
		return ok, "Only CEO can manage permissions", err
	case ActAgentListConfigurations:
		if !agent {
			return true, "", nil
		}
		ok, err := actorCan(ctx, q, a, t.CompanyID, PermAgentsCreate)
		return ok, "Missing permission: can create agents", err
	case ActAgentReadReflection:
		if !agent {
			return true, "", nil
		}
		// The llms texts are instance-wide: an agent's own company decides.
		ok, err := actorCan(ctx, q, a, a.CompanyID, PermAgentsCreate)
		return ok, "Missing permission to read agent configuration reflection", err
	case ActCostReport:
		return !agent || a.AgentID == t.AgentID, "Agent can only report its own costs", nil
	case ActCompanyManageSettings, ActCompanyManageBranding:
		if !agent {
			return true, "", nil
		}
		deny := "Only CEO agents can manage company settings"
		if action == ActCompanyManageBranding {
			deny = "Only CEO agents can manage company branding"
		}
		ok, err := agentIsCEO(ctx, q, a, t.CompanyID)
		return ok, deny, err
	case ActApprovalDecide:
		return !agent, "Board access required", nil
	case ActApprovalResubmit:
		return !agent || (t.AgentID != "" && a.AgentID == t.AgentID), "Only requesting agent can resubmit this approval", nil
	case ActApprovalLink:
		if !agent {
			return true, "", nil
		}
		const deny = "Missing permission to link approvals"
		ok, err := actorCan(ctx, q, a, t.CompanyID, PermAgentsCreate)
		if err != nil || ok {
			return ok, deny, err
		}
		ok, err = agentIsCEO(ctx, q, a, t.CompanyID)
		return ok, deny, err
	case ActWorkspaceSetCommands:
		return !agent || len(t.Fields) == 0,
			"Agent keys cannot modify host-executed workspace commands (" + strings.Join(t.Fields, ", ") + ").", nil
	}
	ok, err := actorCan(ctx, q, a, t.CompanyID, action)
	return ok, "Missing permission: " + action, err
}

// readsCompany is ActCompanyRead: system actors, instance admins and the local board
// always; agents in their own company; board users with an active membership.
func readsCompany(ctx context.Context, q querier, a Actor, companyID string) (bool, error) {
	switch {
	case a.Kind == ActorSystem, a.IsBoard() && (a.InstanceAdmin || a.IsLocalBoard()):
		return true, nil
	case a.IsAgent():
		return a.CompanyID == companyID, nil
	case a.IsBoard():
		m, found, err := findMembership(ctx, q, companyID, "user", a.UserID)
		return found && m.Status == "active", err
	}
	return false, nil
}

// boardManages is the "mgr" rule: a board (or system) actor holding agents:create or
// agents:configure in the company. Agents never manage.
func boardManages(ctx context.Context, q querier, a Actor, companyID string) (bool, error) {
	if a.IsAgent() {
		return false, nil
	}
	for _, key := range []string{PermAgentsCreate, PermAgentsConfigure} {
		ok, err := actorCan(ctx, q, a, companyID, key)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// agentReadsConfig is the agent half of "cfg-reader": itself, the company's CEO, or an
// agent that may create agents.
func agentReadsConfig(ctx context.Context, q querier, a Actor, t Target) (bool, error) {
	if a.CompanyID != t.CompanyID {
		return false, nil
	}
	if t.AgentID != "" && a.AgentID == t.AgentID {
		return true, nil
	}
	ceo, err := agentIsCEO(ctx, q, a, t.CompanyID)
	if err != nil || ceo {
		return ceo, err
	}
	return actorCan(ctx, q, a, t.CompanyID, PermAgentsCreate)
}

// agentIsCEO reports whether the actor agent holds the CEO role in the company, read
// from its row rather than the request's snapshot.
func agentIsCEO(ctx context.Context, q querier, a Actor, companyID string) (bool, error) {
	if a.CompanyID != companyID {
		return false, nil
	}
	ref, err := findAgentRef(ctx, q, a.AgentID)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return ref.CompanyID == companyID && ref.Role == RoleCEO, nil
}

// isAncestorManager reports whether managerID is above agentID in its chain of
// command; a cycle in reports_to ends the walk.
func isAncestorManager(ctx context.Context, q querier, managerID, agentID string) (bool, error) {
	seen := map[string]bool{agentID: true}
	cur := agentID
	for {
		var up sql.NullString
		err := q.QueryRowContext(ctx, `SELECT reports_to FROM agents WHERE id = ?`, cur).Scan(&up)
		if err == sql.ErrNoRows || (err == nil && !up.Valid) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if up.String == managerID {
			return true, nil
		}
		if seen[up.String] {
			return false, nil
		}
		seen[up.String] = true
		cur = up.String
	}
}
