package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// issueExtraRoutes are the smaller issue sub-resources: read state, approval links,
// feedback votes, activity and runs.
func (s *Server) issueExtraRoutes() []route {
	return []route{
		{http.MethodPost, "/api/issues/{id}/read", whoCustom, "Mark an issue read (board user)", s.handleIssueRead},
		{http.MethodDelete, "/api/issues/{id}/read", whoCustom, "Mark an issue unread (board user)", s.handleIssueUnread},
		{http.MethodGet, "/api/issues/{id}/approvals", whoCustom, "Approvals linked to an issue", s.handleIssueApprovals},
		{http.MethodPost, "/api/issues/{id}/approvals", whoCustom, "Link an approval to an issue", s.handleIssueApprovalLink},
		{http.MethodDelete, "/api/issues/{id}/approvals/{approvalId}", whoCustom, "Unlink an approval", s.handleIssueApprovalUnlink},
		{http.MethodGet, "/api/issues/{id}/feedback-votes", whoCustom, "Feedback votes on an issue (board)", s.handleFeedbackVotes},
		{http.MethodPost, "/api/issues/{id}/feedback-votes", whoCustom, "Vote on a comment or document revision", s.handleFeedbackVote},
		{http.MethodGet, "/api/issues/{id}/activity", whoCustom, "Activity of an issue, newest first", s.handleIssueActivity},
		{http.MethodGet, "/api/issues/{id}/runs", whoCustom, "Runs that worked on an issue", s.handleIssueRuns},
		{http.MethodGet, "/api/issues/{issueId}/live-runs", whoCustom, "Queued and running runs of an issue", s.handleIssueLiveRuns},
		{http.MethodGet, "/api/issues/{issueId}/active-run", whoCustom, "The run executing an issue, or null", s.handleIssueActiveRun},
	}
}

func (s *Server) handleIssueRead(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, err := s.store.MarkIssueRead(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, rs, err)
}

func (s *Server) handleIssueUnread(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.UnmarkIssueRead(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleIssueApprovals(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindIssueApprovals(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleIssueApprovalLink(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.ApprovalLinkInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.LinkIssueApproval(r.Context(), is.ID, in)
	s.respond(w, r, http.StatusCreated, list, err)
}

func (s *Server) handleIssueApprovalUnlink(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err == nil {
		err = s.store.UnlinkIssueApproval(r.Context(), is.ID, mux.Vars(r)["approvalId"])
	}
	s.respond(w, r, http.StatusOK, map[string]bool{"ok": true}, err)
}

func (s *Server) handleFeedbackVotes(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCBoard)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindIssueFeedbackVotes(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleFeedbackVote(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err == nil && !actorOf(r).IsBoard() {
		err = errorf(store.EFORBIDDEN, "Board authentication required")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.FeedbackVoteInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, created, err := s.store.RecordFeedbackVote(r.Context(), is.ID, in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.respond(w, r, status, v, err)
}

func (s *Server) handleIssueActivity(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := store.ActivityFilter{CompanyID: is.CompanyID, EntityType: "issue", EntityID: is.ID}
	if f.Limit, f.Offset, err = page(r, 100, 500); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindActivity(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleIssueRuns(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindIssueRuns(r.Context(), is)
	s.respond(w, r, http.StatusOK, censorIssueRuns(s.censor.For(r.Context()), list), err)
}

func (s *Server) handleIssueLiveRuns(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindIssueLiveRuns(r.Context(), is)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleIssueActiveRun(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	run, err := s.store.FindIssueActiveRun(r.Context(), is)
	if run != nil {
		run.HeartbeatRun = censorRun(s.censor.For(r.Context()), run.HeartbeatRun)
	}
	s.respond(w, r, http.StatusOK, run, err)
}
