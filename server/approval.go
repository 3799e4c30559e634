package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) approvalRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/approvals", whoCRead, "List approvals, newest first (filters status, type)", s.handleApprovalList},
		{http.MethodPost, "/api/companies/{companyId}/approvals", whoCWrite, "Ask the board for a decision", s.handleApprovalCreate},
		{http.MethodGet, "/api/approvals/{id}", whoCustom, "Get an approval", s.handleApprovalGet},
		{http.MethodGet, "/api/approvals/{id}/issues", whoCustom, "Issues linked to an approval", s.handleApprovalIssues},
		{http.MethodPost, "/api/approvals/{id}/approve", whoCustom, "Approve (board)", s.handleApprovalDecision(store.ApprovalApproved)},
		{http.MethodPost, "/api/approvals/{id}/reject", whoCustom, "Reject (board)", s.handleApprovalDecision(store.ApprovalRejected)},
		{http.MethodPost, "/api/approvals/{id}/request-revision", whoCustom, "Send back for revision (board)", s.handleApprovalDecision(store.ApprovalRevisionRequested)},
		{http.MethodPost, "/api/approvals/{id}/resubmit", whoCustom, "Resubmit after revision (board or requester)", s.handleApprovalResubmit},
		{http.MethodGet, "/api/approvals/{id}/comments", whoCustom, "Comments on an approval, oldest first", s.handleApprovalComments},
		{http.MethodPost, "/api/approvals/{id}/comments", whoCustom, "Comment on an approval", s.handleApprovalCommentCreate},
	}
}

// approvalFor loads the {id} approval and checks the caller's access to its company
// at level; an approval the caller may not read answers like a missing one.
func (s *Server) approvalFor(r *http.Request, level string) (store.Approval, error) {
	ap, err := s.store.FindApprovalByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return ap, err
	}
	return ap, s.entityAccess(r, ap.CompanyID, level, store.NotFound("Approval"))
}

func (s *Server) handleApprovalList(w http.ResponseWriter, r *http.Request) {
	f := store.ApprovalFilter{CompanyID: mux.Vars(r)["companyId"]}
	var err error
	if f.Status, err = queryEnum(r, "status", store.ApprovalStatuses...); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Type, err = queryEnum(r, "type", store.ApprovalTypes...); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit, f.Offset, err = page(r, 0, 1000); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindApprovals(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleApprovalCreate(w http.ResponseWriter, r *http.Request) {
	var in store.ApprovalInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	ap, err := s.store.CreateApproval(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusCreated, ap, err)
}

func (s *Server) handleApprovalGet(w http.ResponseWriter, r *http.Request) {
	ap, err := s.approvalFor(r, whoCRead)
	s.respond(w, r, http.StatusOK, ap, err)
}

func (s *Server) handleApprovalIssues(w http.ResponseWriter, r *http.Request) {
	ap, err := s.approvalFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindApprovalIssues(r.Context(), ap)
	s.respond(w, r, http.StatusOK, list, err)
}

// handleApprovalDecision serves approve, reject and request-revision: board only, so
// an agent of the company gets 403 before its body is read.
func (s *Server) handleApprovalDecision(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ap, err := s.approvalFor(r, whoCBoard)
		if err == nil {
			err = s.store.Authorize(r.Context(), store.ActApprovalDecide, store.ApprovalTarget(ap))
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var in store.DecisionInput
		if err := decodeBody(w, r, &in, false); err != nil {
			s.writeError(w, r, err)
			return
		}
		ap, err = s.store.DecideApproval(r.Context(), ap.ID, target, in)
		s.respond(w, r, http.StatusOK, ap, err)
	}
}

func (s *Server) handleApprovalResubmit(w http.ResponseWriter, r *http.Request) {
	ap, err := s.approvalFor(r, whoCWrite)
	if err == nil {
		err = s.store.Authorize(r.Context(), store.ActApprovalResubmit, store.ApprovalTarget(ap))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.ResubmitInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	ap, err = s.store.ResubmitApproval(r.Context(), ap.ID, in)
	s.respond(w, r, http.StatusOK, ap, err)
}

func (s *Server) handleApprovalComments(w http.ResponseWriter, r *http.Request) {
	ap, err := s.approvalFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindApprovalComments(r.Context(), ap.ID)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleApprovalCommentCreate(w http.ResponseWriter, r *http.Request) {
	ap, err := s.approvalFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.ApprovalCommentInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.CreateApprovalComment(r.Context(), ap.ID, in)
	s.respond(w, r, http.StatusCreated, c, err)
}
