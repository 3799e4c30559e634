package server

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) handleAgentCreate(w http.ResponseWriter, r *http.Request) {
	admitAgent(s, w, r, s.store.CreateAgent)
}

func (s *Server) handleAgentHire(w http.ResponseWriter, r *http.Request) {
	admitAgent(s, w, r, s.store.HireAgent)
}

// admitAgent is create and hire: both check the caller may add agents to the path
// company before reading the body, take the same input and answer 201 with what the
// store made (an agent, or a hire with its approval).
func admitAgent[T any](s *Server, w http.ResponseWriter, r *http.Request, admit func(ctx context.Context, companyID string, in store.AgentInput) (T, error)) {
	companyID := mux.Vars(r)["companyId"]
	if err := s.requireCreator(r, companyID); err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.AgentInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := admit(r.Context(), companyID, in)
	s.respond(w, r, http.StatusCreated, res, err)
}

func (s *Server) handleAgentPatch(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, s.requireUpdater)
	if !ok {
		return
	}
	var p store.AgentPatch
	if err := decodeBody(w, r, &p, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	// Lifecycle belongs to board managers (access-auth §8.3), also through PATCH.
	if actorOf(r).IsAgent() && p.Status.Set {
		s.writeError(w, r, errorf(store.EFORBIDDEN, "Only the board can change agent status"))
		return
	}
	allow, err := s.canManageInstructionsPath(r, a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	updated, err := s.store.UpdateAgent(r.Context(), a.ID, p, store.AgentUpdateOptions{AllowInstructionsPath: allow})
	s.respond(w, r, http.StatusOK, updated, err)
}

func (s *Server) handleAgentPermissions(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, func(r *http.Request, a store.Agent) error {
		return s.authorize(r, whoCWrite, store.ActAgentManagePermissions, store.AgentTarget(a))
	})
	if !ok {
		return
	}
	var in store.AgentPermissionsPatch
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.store.UpdateAgentPermissions(r.Context(), a.ID, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, d)
}

func (s *Server) handleAgentInstructionsPath(w http.ResponseWriter, r *http.Request) {
	agentWrite(s, w, r, http.StatusOK, s.requireInstructionsPath, s.store.SetInstructionsPath)
}

// agentWrite is a route that changes the path agent from a JSON body: the access
// check comes before the body is read, then one store call answers with status.
func agentWrite[In, Out any](s *Server, w http.ResponseWriter, r *http.Request, status int,
	check func(*http.Request, store.Agent) error, write func(ctx context.Context, agentID string, in In) (Out, error)) {
	a, ok := s.agentFor(w, r, check)
	if !ok {
		return
	}
	var in In
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := write(r.Context(), a.ID, in)
	s.respond(w, r, status, res, err)
}

// managedAgent loads the path agent and applies the "mgr" rule.
func (s *Server) managedAgent(w http.ResponseWriter, r *http.Request) (store.Agent, bool) {
	return s.agentFor(w, r, s.requireAgentMgr)
}

// agentFor loads the path agent and applies an access check, answering the error
// itself; handlers go on only when it reports true.
func (s *Server) agentFor(w http.ResponseWriter, r *http.Request, check func(*http.Request, store.Agent) error) (store.Agent, bool) {
	a, err := s.loadAgent(r)
	if err == nil {
		err = check(r, a)
	}
	if err != nil {
		s.writeError(w, r, err)
		return a, false
	}
	return a, true
}

func (s *Server) requireAgentMgr(r *http.Request, a store.Agent) error {
	return s.requireMgr(r, a.CompanyID)
}

func (s *Server) requireAgentBoard(r *http.Request, a store.Agent) error {
	return s.companyAccess(r, a.CompanyID, whoCBoard)
}

// agentLifecycle is a bodiless lifecycle route (pause, resume, clear-error, terminate,
// approve): the path agent, its access check, one store transition on it, and the
// resulting detail, restricted for callers who may not read its configuration.
func (s *Server) agentLifecycle(w http.ResponseWriter, r *http.Request, check func(*http.Request, store.Agent) error,
	transition func(ctx context.Context, id string) (store.AgentDetail, error)) {
	a, ok := s.agentFor(w, r, check)
	if !ok {
		return
	}
	d, err := transition(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, d)
}

func (s *Server) handleAgentPause(w http.ResponseWriter, r *http.Request) {
	s.agentLifecycle(w, r, s.requireAgentMgr, s.store.PauseAgent)
}

func (s *Server) handleAgentResume(w http.ResponseWriter, r *http.Request) {
	s.agentLifecycle(w, r, s.requireAgentMgr, s.store.ResumeAgent)
}

func (s *Server) handleAgentClearError(w http.ResponseWriter, r *http.Request) {
	s.agentLifecycle(w, r, s.requireAgentMgr, s.store.ClearAgentError)
}

func (s *Server) handleAgentTerminate(w http.ResponseWriter, r *http.Request) {
	s.agentLifecycle(w, r, s.requireAgentMgr, s.store.TerminateAgent)
}

func (s *Server) handleAgentApprove(w http.ResponseWriter, r *http.Request) {
	s.agentLifecycle(w, r, s.requireAgentBoard, s.store.ApproveAgent)
}

func (s *Server) handleAgentDelete(w http.ResponseWriter, r *http.Request) {
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	if err := s.store.DeleteAgent(r.Context(), a.ID); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) handleAgentKeyCreate(w http.ResponseWriter, r *http.Request) {
	agentWrite(s, w, r, http.StatusCreated, s.requireAgentMgr, s.store.CreateAgentKey)
}

func (s *Server) handleAgentKeyRevoke(w http.ResponseWriter, r *http.Request) {
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	if err := s.store.RevokeAgentKey(r.Context(), a.ID, mux.Vars(r)["keyId"]); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) handleRevisionRollback(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, s.requireUpdater)
	if !ok {
		return
	}
	allow, err := s.canManageInstructionsPath(r, a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	updated, err := s.store.RollbackConfigRevision(r.Context(), a.ID, mux.Vars(r)["revisionId"], store.AgentUpdateOptions{AllowInstructionsPath: allow})
	s.respond(w, r, http.StatusOK, updated, err)
}

func (s *Server) handleResetSession(w http.ResponseWriter, r *http.Request) {
	agentWrite(s, w, r, http.StatusOK, s.requireAgentMgr, s.store.ResetAgentSession)
}
