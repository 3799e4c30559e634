package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) handleAgentCreate(w http.ResponseWriter, r *http.Request) {
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
	a, err := s.store.CreateAgent(r.Context(), companyID, in)
	s.respond(w, r, http.StatusCreated, a, err)
}

func (s *Server) handleAgentHire(w http.ResponseWriter, r *http.Request) {
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
	res, err := s.store.HireAgent(r.Context(), companyID, in)
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
	a, ok := s.agentFor(w, r, s.requireInstructionsPath)
	if !ok {
		return
	}
	var in store.InstructionsPathInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.store.SetInstructionsPath(r.Context(), a.ID, in)
	s.respond(w, r, http.StatusOK, res, err)
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

func (s *Server) handleAgentPause(w http.ResponseWriter, r *http.Request) {
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	d, err := s.store.PauseAgent(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, d)
}

func (s *Server) handleAgentResume(w http.ResponseWriter, r *http.Request) {
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	d, err := s.store.ResumeAgent(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, d)
}

func (s *Server) handleAgentClearError(w http.ResponseWriter, r *http.Request) {
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	d, err := s.store.ClearAgentError(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, d)
}

func (s *Server) handleAgentTerminate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	d, err := s.store.TerminateAgent(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, d)
}

func (s *Server) handleAgentApprove(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, s.requireAgentBoard)
	if !ok {
		return
	}
	d, err := s.store.ApproveAgent(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, d)
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
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	var in store.AgentKeyInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	k, err := s.store.CreateAgentKey(r.Context(), a.ID, in)
	s.respond(w, r, http.StatusCreated, k, err)
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
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	var in store.ResetSessionInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.store.ResetAgentSession(r.Context(), a.ID, in)
	s.respond(w, r, http.StatusOK, st, err)
}
