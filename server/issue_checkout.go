package server

import (
	"net/http"

	"paperclip/store"
)

func (s *Server) issueCheckoutRoutes() []route {
	return []route{
		{http.MethodPost, "/api/issues/{id}/checkout", whoCustom, "Atomically claim an issue for an agent", s.handleIssueCheckout},
		{http.MethodPost, "/api/issues/{id}/release", whoCustom, "Release an issue", s.handleIssueRelease},
		{http.MethodPost, "/api/issues/{id}/admin/force-release", whoCustom, "Clear an issue's run locks (board)", s.handleIssueForceRelease},
	}
}

func (s *Server) handleIssueCheckout(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.CheckoutInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.CheckoutIssue(r.Context(), is.ID, in)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleIssueRelease(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.ReleaseIssue(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleIssueForceRelease(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCBoard)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	clear, err := queryBool(r, "clearAssignee")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.ForceReleaseIssue(r.Context(), is.ID, clear)
	s.respond(w, r, http.StatusOK, out, err)
}
