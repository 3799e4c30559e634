package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) activityRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/activity", whoCRead, "Company activity, newest first", s.handleActivityList},
		{http.MethodPost, "/api/companies/{companyId}/activity", whoCBoard, "Write a manual audit entry", s.handleActivityCreate},
	}
}

func (s *Server) handleActivityList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.ActivityFilter{
		CompanyID: mux.Vars(r)["companyId"], AgentID: q.Get("agentId"), ActorType: q.Get("actorType"),
		ActorID: q.Get("actorId"), Action: q.Get("action"), EntityType: q.Get("entityType"),
		EntityID: q.Get("entityId"), RunID: q.Get("runId"),
	}
	var err error
	if f.From, err = queryTime(r, "from"); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.To, err = queryTime(r, "to"); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit, f.Offset, err = page(r, 100, 500); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindActivity(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleActivityCreate(w http.ResponseWriter, r *http.Request) {
	var in store.ActivityInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.store.CreateActivity(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusCreated, a, err)
}
