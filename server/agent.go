package server

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// agentRoutes is the agents API (agents.md §2): agents, keys, revisions, runtime state,
// adapter utilities and the heartbeat-run read routes. Literal segments (/agents/me)
// come before the variable ones.
func (s *Server) agentRoutes() []route {
	rs := []route{
		{http.MethodGet, "/api/companies/{companyId}/agents", whoCRead, "List agents", s.handleAgentList},
		{http.MethodPost, "/api/companies/{companyId}/agents", whoCustom, "Create an agent", s.handleAgentCreate},
		{http.MethodPost, "/api/companies/{companyId}/agent-hires", whoCustom, "Hire an agent (board approval when required)", s.handleAgentHire},
		{http.MethodGet, "/api/companies/{companyId}/agent-configurations", whoCRead, "Configuration views of every agent", s.handleAgentConfigurations},
		{http.MethodGet, "/api/companies/{companyId}/org", whoCRead, "Org chart as a forest", s.handleOrg},
		{http.MethodGet, "/api/agents/me", whoAgent, "The calling agent", s.handleAgentMe},
		{http.MethodGet, "/api/agents/me/inbox-lite", whoAgent, "The calling agent's open assigned issues", s.handleAgentInbox},
		{http.MethodGet, "/api/agents/{id}", whoAny, "Get an agent", s.handleAgentGet},
		{http.MethodPatch, "/api/agents/{id}", whoAny, "Update an agent", s.handleAgentPatch},
		{http.MethodDelete, "/api/agents/{id}", whoAny, "Delete an agent", s.handleAgentDelete},
		{http.MethodGet, "/api/agents/{id}/configuration", whoAny, "Redacted configuration of an agent", s.handleAgentConfiguration},
		{http.MethodPatch, "/api/agents/{id}/permissions", whoAny, "Change an agent's permissions", s.handleAgentPermissions},
		{http.MethodPatch, "/api/agents/{id}/instructions-path", whoAny, "Set an agent's instructions file", s.handleAgentInstructionsPath},
		{http.MethodPost, "/api/agents/{id}/pause", whoAny, "Pause an agent", s.handleAgentPause},
		{http.MethodPost, "/api/agents/{id}/resume", whoAny, "Resume an agent", s.handleAgentResume},
		{http.MethodPost, "/api/agents/{id}/clear-error", whoAny, "Clear an agent's error", s.handleAgentClearError},
		{http.MethodPost, "/api/agents/{id}/terminate", whoAny, "Terminate an agent", s.handleAgentTerminate},
		{http.MethodPost, "/api/agents/{id}/approve", whoAny, "Approve a pending agent", s.handleAgentApprove},
		{http.MethodGet, "/api/agents/{id}/keys", whoAny, "List an agent's API keys", s.handleAgentKeys},
		{http.MethodPost, "/api/agents/{id}/keys", whoAny, "Create an agent API key", s.handleAgentKeyCreate},
		{http.MethodDelete, "/api/agents/{id}/keys/{keyId}", whoAny, "Revoke an agent API key", s.handleAgentKeyRevoke},
		{http.MethodGet, "/api/agents/{id}/config-revisions", whoAny, "An agent's configuration revisions", s.handleRevisionList},
		{http.MethodGet, "/api/agents/{id}/config-revisions/{revisionId}", whoAny, "One configuration revision", s.handleRevisionGet},
		{http.MethodPost, "/api/agents/{id}/config-revisions/{revisionId}/rollback", whoAny, "Roll back to a revision", s.handleRevisionRollback},
		{http.MethodGet, "/api/agents/{id}/runtime-state", whoAny, "An agent's runtime state", s.handleRuntimeState},
		{http.MethodGet, "/api/agents/{id}/task-sessions", whoAny, "An agent's task sessions", s.handleTaskSessions},
		{http.MethodPost, "/api/agents/{id}/runtime-state/reset-session", whoAny, "Forget adapter sessions", s.handleResetSession},
		{http.MethodPost, "/api/agents/{id}/claude-login", whoAny, "Run the Claude CLI login flow for a claude_local agent", s.handleClaudeLogin},
	}
	rs = append(rs, s.adapterRoutes()...)
	rs = append(rs, s.heartbeatRuntimeRoutes()...)
	return append(rs, s.heartbeatRunReadRoutes()...)
}

func (s *Server) handleAgentList(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	includeTerminated, err := queryBool(r, "includeTerminated")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit, offset, err := page(r, 0, 1000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindAgents(r.Context(), store.AgentFilter{CompanyID: companyID, IncludeTerminated: includeTerminated, Limit: limit, Offset: offset})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Without the right to read every configuration, callers see their own in full
	// and their peers restricted.
	full, err := s.store.Can(r.Context(), store.ActAgentReadConfig, store.Target{CompanyID: companyID})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for i := range list {
		if !full && list[i].ID != actorOf(r).AgentID {
			list[i] = list[i].Restricted()
		}
	}
	writeJSON(w, http.StatusOK, list)
}

// agentDetail answers the detail view, restricted for agents without config rights.
func (s *Server) agentDetail(w http.ResponseWriter, r *http.Request, status int, a store.Agent) {
	d, err := s.store.AgentDetailOf(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, status, d)
}

func (s *Server) writeDetail(w http.ResponseWriter, r *http.Request, status int, d store.AgentDetail) {
	ok, err := s.canReadConfig(r, d.Agent)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !ok {
		d = d.Restricted()
	}
	writeJSON(w, status, d)
}

func (s *Server) handleAgentGet(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAgent(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.agentDetail(w, r, http.StatusOK, a)
}

func (s *Server) handleAgentMe(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.FindAgentByID(r.Context(), actorOf(r).AgentID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.agentDetail(w, r, http.StatusOK, a)
}

func (s *Server) handleAgentInbox(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	list, err := s.store.FindInboxLite(r.Context(), a.CompanyID, a.AgentID)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleAgentConfiguration(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, s.requireCfgReader)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, a.Configuration())
}

func (s *Server) handleAgentConfigurations(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	if err := s.store.Authorize(r.Context(), store.ActAgentListConfigurations, store.Target{CompanyID: companyID}); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindAgents(r.Context(), store.AgentFilter{CompanyID: companyID})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]store.AgentConfiguration, len(list))
	for i, a := range list {
		out[i] = a.Configuration()
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleOrg(w http.ResponseWriter, r *http.Request) {
	tree, err := s.store.FindOrgTree(r.Context(), mux.Vars(r)["companyId"])
	s.respond(w, r, http.StatusOK, tree, err)
}

func (s *Server) handleRuntimeState(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, s.requireAgentBoard)
	if !ok {
		return
	}
	st, err := s.store.FindRuntimeState(r.Context(), a)
	st.LastError = s.censor.For(r.Context()).Ptr(st.LastError)
	s.respond(w, r, http.StatusOK, st, err)
}

func (s *Server) handleTaskSessions(w http.ResponseWriter, r *http.Request) {
	agentRead(s, w, r, s.requireAgentBoard, func(ctx context.Context, agentID string) ([]store.TaskSession, error) {
		list, err := s.store.FindTaskSessions(ctx, agentID)
		return censorTaskSessions(s.censor.For(ctx), list), err
	})
}

func (s *Server) handleRevisionList(w http.ResponseWriter, r *http.Request) {
	agentRead(s, w, r, s.requireCfgReader, s.store.FindConfigRevisions)
}

func (s *Server) handleRevisionGet(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, s.requireCfgReader)
	if !ok {
		return
	}
	rev, err := s.store.FindConfigRevisionByID(r.Context(), a.ID, mux.Vars(r)["revisionId"])
	s.respond(w, r, http.StatusOK, rev, err)
}

func (s *Server) handleAgentKeys(w http.ResponseWriter, r *http.Request) {
	agentRead(s, w, r, s.requireAgentMgr, s.store.FindAgentKeys)
}

// agentRead is a read route on the path agent: its access check, then what find
// returns for the agent's id.
func agentRead[T any](s *Server, w http.ResponseWriter, r *http.Request,
	check func(*http.Request, store.Agent) error, find func(ctx context.Context, agentID string) (T, error)) {
	a, ok := s.agentFor(w, r, check)
	if !ok {
		return
	}
	v, err := find(r.Context(), a.ID)
	s.respond(w, r, http.StatusOK, v, err)
}
