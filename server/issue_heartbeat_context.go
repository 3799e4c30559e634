package server

import (
	"net/http"
)

func (s *Server) issueHeartbeatContextRoutes() []route {
	return []route{
		{http.MethodGet, "/api/issues/{id}/heartbeat-context", whoCustom,
			"Compact issue state for an agent's heartbeat: ancestors, project, goal, comment cursor", s.handleIssueHeartbeatContext},
	}
}

// handleIssueHeartbeatContext answers C:read on the issue's company; another company's
// issue is 404 like a missing one. ?wakeCommentId= adds the comment that woke the agent.
func (s *Server) handleIssueHeartbeatContext(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	hc, err := s.store.FindIssueHeartbeatContext(r.Context(), is.ID, r.URL.Query().Get("wakeCommentId"))
	s.respond(w, r, http.StatusOK, hc, err)
}
