package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

var errAgentNotFound = store.NotFound("Agent")

// loadAgent resolves the {id} of an agent route (UUID or shortname, README §7) to an
// agent the caller may read; any other agent answers exactly like a missing one.
func (s *Server) loadAgent(r *http.Request) (store.Agent, error) {
	id := strings.TrimSpace(mux.Vars(r)["id"])
	var a store.Agent
	var err error
	if store.IsUUID(id) {
		a, err = s.store.FindAgentByID(r.Context(), strings.ToLower(id))
	} else {
		companyID := actorOf(r).CompanyID
		if !actorOf(r).IsAgent() {
			companyID = r.URL.Query().Get("companyId")
			if companyID == "" {
				return a, errorf(store.EUNPROCESSABLE, "Agent shortname lookup requires companyId query parameter")
			}
		}
		a, err = s.store.FindAgentByShortname(r.Context(), strings.ToLower(companyID), id)
	}
	if err != nil {
		return a, err
	}
	if err := s.entityAccess(r, a.CompanyID, whoCRead, errAgentNotFound); err != nil {
		return a, err
	}
	return a, nil
}

// requireMgr is the agents.md "mgr" rule: board with C:board and agents:create or
// agents:configure (instance admins and the local board always).
func (s *Server) requireMgr(r *http.Request, companyID string) error {
	if err := s.companyAccess(r, companyID, whoCBoard); err != nil {
		return err
	}
	a := actorOf(r)
	if a.InstanceAdmin {
		return nil
	}
	for _, key := range []string{store.PermAgentsCreate, store.PermAgentsConfigure} {
		ok, err := s.store.UserHasPermission(r.Context(), companyID, a.UserID, key)
		if err != nil || ok {
			return err
		}
	}
	return errorf(store.EFORBIDDEN, "Missing permission: agents:configure")
}

// agentCanCreate reports whether an agent actor may create agents: an agents:create
// grant or permissions.canCreateAgents (access-auth §8.2), read fresh from the store.
func (s *Server) agentCanCreate(r *http.Request) (bool, error) {
	a := actorOf(r)
	if !a.IsAgent() {
		return false, nil
	}
	self, err := s.store.FindAgentByID(r.Context(), a.AgentID)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if self.Permissions.CanCreateAgents {
		return true, nil
	}
	return s.store.AgentHasGrant(r.Context(), a.CompanyID, a.AgentID, store.PermAgentsCreate)
}

// requireCreator is perm:agents:create for creating and hiring agents.
func (s *Server) requireCreator(r *http.Request, companyID string) error {
	if err := s.companyAccess(r, companyID, whoCWrite); err != nil {
		return err
	}
	a := actorOf(r)
	if a.IsAgent() {
		ok, err := s.agentCanCreate(r)
		if err != nil || ok {
			return err
		}
		return errorf(store.EFORBIDDEN, "Missing permission: can create agents")
	}
	if a.InstanceAdmin {
		return nil
	}
	ok, err := s.store.UserHasPermission(r.Context(), companyID, a.UserID, store.PermAgentsCreate)
	if err != nil || ok {
		return err
	}
	return errorf(store.EFORBIDDEN, "Missing permission: agents:create")
}

// canReadConfig is the "cfg-reader" rule for a target agent: board readers; agents
// reading themselves, a CEO of the company, or a creator.
func (s *Server) canReadConfig(r *http.Request, target store.Agent) (bool, error) {
	a := actorOf(r)
	if !a.IsAgent() {
		return true, nil
	}
	if a.AgentID == target.ID || a.AgentRole == store.RoleCEO {
		return true, nil
	}
	return s.agentCanCreate(r)
}

// requireCfgReader refuses agents that may not read a peer's configuration.
func (s *Server) requireCfgReader(r *http.Request, target store.Agent) error {
	ok, err := s.canReadConfig(r, target)
	if err != nil || ok {
		return err
	}
	return errorf(store.EFORBIDDEN, "Missing permission: can create agents")
}

// requireUpdater is the "updater" rule of PATCH /agents/{id}: board managers; agents
// updating themselves, a CEO, or a creator.
func (s *Server) requireUpdater(r *http.Request, target store.Agent) error {
	if !actorOf(r).IsAgent() {
		return s.requireMgr(r, target.CompanyID)
	}
	ok, err := s.canReadConfig(r, target)
	if err != nil || ok {
		return err
	}
	return errorf(store.EFORBIDDEN, "Only CEO or agent creators can modify other agents")
}

// canManageInstructionsPath is route 12's rule: board managers, the agent itself, or an
// agent above it in the chain of command.
func (s *Server) canManageInstructionsPath(r *http.Request, target store.Agent) (bool, error) {
	a := actorOf(r)
	if !a.IsAgent() {
		return s.requireMgr(r, target.CompanyID) == nil, nil
	}
	if a.AgentID == target.ID {
		return true, nil
	}
	return s.store.IsAncestorManager(r.Context(), a.AgentID, target.ID)
}
