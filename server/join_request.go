package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) joinRequestRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/join-requests", whoCRead, "List a company's join requests", s.handleJoinRequestList},
		{http.MethodPost, "/api/companies/{companyId}/join-requests/{requestId}/approve", whoCWrite, "Approve a join request", s.handleJoinRequestApprove},
		{http.MethodPost, "/api/companies/{companyId}/join-requests/{requestId}/reject", whoCWrite, "Reject a join request", s.handleJoinRequestReject},
		{http.MethodPost, "/api/join-requests/{requestId}/claim-api-key", whoPublic, "Trade an approved agent join's claim secret for its API key", s.handleJoinRequestClaim},
	}
}

func (s *Server) handleJoinRequestList(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	if err := s.store.Authorize(r.Context(), store.PermJoinsApprove, store.Target{CompanyID: companyID}); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.JoinRequestFilter{CompanyID: companyID, Status: q.Get("status"), RequestType: q.Get("requestType")}
	if f.Status != "" && f.Status != store.JoinPending && f.Status != store.JoinApproved && f.Status != store.JoinRejected {
		s.writeError(w, r, errorf(store.EINVALID, "Invalid status: expected pending_approval, approved or rejected"))
		return
	}
	if f.RequestType != "" && f.RequestType != store.JoinHuman && f.RequestType != store.JoinAgent {
		s.writeError(w, r, errorf(store.EINVALID, "Invalid requestType: expected human or agent"))
		return
	}
	list, err := s.store.FindJoinRequests(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// joinRequestID is the path's request id; anything but a uuid names no request.
func joinRequestID(r *http.Request) (string, error) {
	id := strings.ToLower(mux.Vars(r)["requestId"])
	if !store.IsUUID(id) {
		return "", store.NotFound("Join request")
	}
	return id, nil
}

func (s *Server) handleJoinRequestApprove(w http.ResponseWriter, r *http.Request) {
	id, err := joinRequestID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j, err := s.store.ApproveJoinRequest(r.Context(), mux.Vars(r)["companyId"], id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

func (s *Server) handleJoinRequestReject(w http.ResponseWriter, r *http.Request) {
	id, err := joinRequestID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j, err := s.store.RejectJoinRequest(r.Context(), mux.Vars(r)["companyId"], id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

func (s *Server) handleJoinRequestClaim(w http.ResponseWriter, r *http.Request) {
	id, err := joinRequestID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		ClaimSecret store.Optional[string] `json:"claimSecret"`
	}
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	var p store.Problems
	switch n := len(in.ClaimSecret.Value); {
	case !in.ClaimSecret.Set || in.ClaimSecret.Null:
		p.Required("claimSecret")
	case n < 16:
		p.Add("too_small", "String must contain at least 16 character(s)", "claimSecret")
	case n > 256:
		p.Add("too_big", "String must contain at most 256 character(s)", "claimSecret")
	}
	if err := p.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	k, err := s.store.ClaimAgentKey(r.Context(), id, in.ClaimSecret.Value)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, k)
}
