package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) goalRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/goals", whoCRead, "List goals (filters level, status, parentId, ownerAgentId)", s.handleGoalList},
		{http.MethodPost, "/api/companies/{companyId}/goals", whoCWrite, "Create a goal", s.handleGoalCreate},
		{http.MethodGet, "/api/goals/{id}", whoCustom, "Get a goal", s.handleGoalGet},
		{http.MethodPatch, "/api/goals/{id}", whoCustom, "Update a goal", s.handleGoalPatch},
		{http.MethodDelete, "/api/goals/{id}", whoCustom, "Delete a goal (board); references are cleared", s.handleGoalDelete},
	}
}

// goalFor loads the {id} goal and checks the caller's access to its company at level;
// a goal the caller may not read answers exactly like a missing one.
func (s *Server) goalFor(r *http.Request, level string) (store.Goal, error) {
	g, err := s.store.FindGoalByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return g, err
	}
	return g, s.entityAccess(r, g.CompanyID, level, store.NotFound("Goal"))
}

func (s *Server) handleGoalList(w http.ResponseWriter, r *http.Request) {
	f := store.GoalFilter{CompanyID: mux.Vars(r)["companyId"]}
	var err error
	if f.Level, err = queryEnum(r, "level", store.GoalLevels...); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Status, err = queryEnum(r, "status", store.GoalStatuses...); err != nil {
		s.writeError(w, r, err)
		return
	}
	switch v := r.URL.Query().Get("parentId"); {
	case v == "null":
		f.ParentNull = true
	default:
		if f.ParentID, err = queryUUID(r, "parentId"); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if f.OwnerAgentID, err = queryUUID(r, "ownerAgentId"); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit, f.Offset, err = page(r, 0, 1000); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindGoals(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleGoalCreate(w http.ResponseWriter, r *http.Request) {
	var in store.GoalInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	g, err := s.store.CreateGoal(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusCreated, g, err)
}

func (s *Server) handleGoalGet(w http.ResponseWriter, r *http.Request) {
	g, err := s.goalFor(r, whoCRead)
	s.respond(w, r, http.StatusOK, g, err)
}

func (s *Server) handleGoalPatch(w http.ResponseWriter, r *http.Request) {
	g, err := s.goalFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.GoalInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	g, err = s.store.UpdateGoal(r.Context(), g.ID, in)
	s.respond(w, r, http.StatusOK, g, err)
}

func (s *Server) handleGoalDelete(w http.ResponseWriter, r *http.Request) {
	g, err := s.goalFor(r, whoCBoard)
	if err == nil {
		g, err = s.store.DeleteGoal(r.Context(), g.ID)
	}
	s.respond(w, r, http.StatusOK, g, err)
}

// queryUUID reads an optional uuid query parameter; anything else is a 400
// validation error naming the parameter.
func queryUUID(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", nil
	}
	if !store.IsUUID(v) {
		return "", store.Validation(store.FieldError{Path: []any{"query", name}, Code: "invalid_string", Message: "Invalid uuid"})
	}
	return strings.ToLower(v), nil
}
