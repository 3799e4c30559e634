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

// The rules below pair a route's company scope (access.go) with the store's decision
// (store/authorize.go); no permission logic lives in server.

// authorize applies the company scope at level, then the store's rule for action.
func (s *Server) authorize(r *http.Request, level, action string, t store.Target) error {
	if err := s.companyAccess(r, t.CompanyID, level); err != nil {
		return err
	}
	return s.store.Authorize(r.Context(), action, t)
}

// requireMgr is the agents.md "mgr" rule over a company.
func (s *Server) requireMgr(r *http.Request, companyID string) error {
	return s.authorize(r, whoCBoard, store.ActAgentManage, store.Target{CompanyID: companyID})
}

// requireCreator is perm:agents:create for creating and hiring agents.
func (s *Server) requireCreator(r *http.Request, companyID string) error {
	return s.authorize(r, whoCWrite, store.PermAgentsCreate, store.Target{CompanyID: companyID})
}

// requireCfgReader refuses agents that may not read a peer's configuration; loadAgent
// has already applied the read scope.
func (s *Server) requireCfgReader(r *http.Request, target store.Agent) error {
	return s.store.Authorize(r.Context(), store.ActAgentReadConfig, store.AgentTarget(target))
}

// canReadConfig reports whether the caller sees target's full configuration.
func (s *Server) canReadConfig(r *http.Request, target store.Agent) (bool, error) {
	return s.store.Can(r.Context(), store.ActAgentReadConfig, store.AgentTarget(target))
}

// requireUpdater is the "updater" rule of PATCH /agents/{id}. C:write is C:board for
// board users; agents past loadAgent are in their own company.
func (s *Server) requireUpdater(r *http.Request, target store.Agent) error {
	return s.authorize(r, whoCWrite, store.ActAgentUpdate, store.AgentTarget(target))
}

// requireInstructionsPath refuses callers that may not set target's instructions file.
func (s *Server) requireInstructionsPath(r *http.Request, target store.Agent) error {
	return s.authorize(r, whoCWrite, store.ActAgentSetInstructionsPath, store.AgentTarget(target))
}

// canManageInstructionsPath is the same rule as a flag for PATCH and rollback, which
// may carry instructions-path changes among others.
func (s *Server) canManageInstructionsPath(r *http.Request, target store.Agent) (bool, error) {
	if s.companyAccess(r, target.CompanyID, whoCWrite) != nil {
		return false, nil
	}
	return s.store.Can(r.Context(), store.ActAgentSetInstructionsPath, store.AgentTarget(target))
}
