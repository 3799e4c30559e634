package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) budgetRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/budgets/overview", whoCRead, "Budget policies, open incidents and paused scopes", s.handleBudgetOverview},
		{http.MethodPost, "/api/companies/{companyId}/budgets/policies", whoCBoard, "Create or update a budget policy", s.handleBudgetPolicyUpsert},
		{http.MethodPatch, "/api/companies/{companyId}/budgets", whoCBoard, "Set the company monthly budget", s.handleCompanyBudget},
		{http.MethodPatch, "/api/agents/{id}/budgets", whoAny, "Set an agent's monthly budget (board)", s.handleAgentBudget},
		{http.MethodPost, "/api/companies/{companyId}/budget-incidents/{incidentId}/resolve", whoCBoard, "Resolve a budget incident", s.handleIncidentResolve},
	}
}

func (s *Server) handleBudgetOverview(w http.ResponseWriter, r *http.Request) {
	out, err := s.store.FindBudgetOverview(r.Context(), mux.Vars(r)["companyId"])
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleBudgetPolicyUpsert(w http.ResponseWriter, r *http.Request) {
	var in store.PolicyInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.UpsertBudgetPolicy(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleCompanyBudget(w http.ResponseWriter, r *http.Request) {
	var in store.BudgetInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.SetCompanyBudget(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleAgentBudget(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agentFor(w, r, s.requireAgentBoard)
	if !ok {
		return
	}
	var in store.BudgetInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.SetAgentBudget(r.Context(), a.ID, in)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleIncidentResolve(w http.ResponseWriter, r *http.Request) {
	var in store.IncidentResolution
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	v := mux.Vars(r)
	out, err := s.store.ResolveBudgetIncident(r.Context(), v["companyId"], v["incidentId"], in)
	s.respond(w, r, http.StatusOK, out, err)
}
