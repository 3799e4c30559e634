package server

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// heartbeatRunReadRoutes are the run routes of agents.md §10 that only read tables; run
// cancel and the run log belong to the runtime.
func (s *Server) heartbeatRunReadRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/heartbeat-runs", whoCRead, "A company's heartbeat runs, newest first", s.handleRunList},
		{http.MethodGet, "/api/companies/{companyId}/live-runs", whoCRead, "Live runs padded with recent ones", s.handleLiveRuns},
		{http.MethodGet, "/api/heartbeat-runs/{runId}", whoAny, "Get a heartbeat run", s.handleRunGet},
		{http.MethodGet, "/api/heartbeat-runs/{runId}/events", whoAny, "Events of a run", s.handleRunEvents},
		{http.MethodGet, "/api/heartbeat-runs/{runId}/issues", whoAny, "Issues a run touched", s.handleRunIssues},
	}
}

// clampedInt reads an integer query parameter leniently: absent or unparsable gives def,
// others are clamped to [lo, hi].
func clampedInt(r *http.Request, name string, def, lo, hi int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return min(max(n, lo), hi)
}

func (s *Server) handleRunList(w http.ResponseWriter, r *http.Request) {
	summary, err := queryBool(r, "summary")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := store.RunFilter{CompanyID: mux.Vars(r)["companyId"], AgentID: r.URL.Query().Get("agentId"),
		Limit: clampedInt(r, "limit", 0, 1, 1000), Summary: summary}
	list, err := s.store.FindHeartbeatRuns(r.Context(), f)
	s.respond(w, r, http.StatusOK, censorRuns(s.censor.For(r.Context()), list), err)
}

func (s *Server) handleLiveRuns(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.FindLiveRuns(r.Context(), store.LiveRunFilter{CompanyID: mux.Vars(r)["companyId"],
		MinCount: clampedInt(r, "minCount", 0, 0, 50), Limit: clampedInt(r, "limit", 50, 1, 50)})
	s.respond(w, r, http.StatusOK, list, err)
}

// loadRun finds the path run; a run of a company the caller cannot read is not found.
func (s *Server) loadRun(r *http.Request) (store.HeartbeatRun, error) {
	run, err := s.store.FindHeartbeatRunByID(r.Context(), mux.Vars(r)["runId"])
	if err != nil {
		return run, err
	}
	return run, s.entityAccess(r, run.CompanyID, whoCRead, store.NotFound("Heartbeat run"))
}

func (s *Server) handleRunGet(w http.ResponseWriter, r *http.Request) {
	run, err := s.loadRun(r)
	s.respond(w, r, http.StatusOK, censorRun(s.censor.For(r.Context()), run), err)
}

func (s *Server) handleRunEvents(w http.ResponseWriter, r *http.Request) {
	run, err := s.loadRun(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("afterSeq"), 10, 64)
	list, err := s.store.FindRunEvents(r.Context(), store.RunEventFilter{RunID: run.ID, AfterSeq: max(after, 0),
		Limit: clampedInt(r, "limit", 200, 1, 1000)})
	s.respond(w, r, http.StatusOK, censorEvents(s.censor.For(r.Context()), list), err)
}

// handleRunIssues answers [] for unknown or inaccessible runs (agents.md §10).
func (s *Server) handleRunIssues(w http.ResponseWriter, r *http.Request) {
	run, err := s.loadRun(r)
	if store.ErrorCode(err) == store.ENOTFOUND {
		writeJSON(w, http.StatusOK, []store.RunIssue{})
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindRunIssues(r.Context(), run)
	s.respond(w, r, http.StatusOK, list, err)
}
