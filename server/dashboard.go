package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) dashboardRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/dashboard", whoCRead, "Company dashboard: agents, tasks, spend, approvals, run activity", s.handleDashboard},
		{http.MethodGet, "/api/companies/{companyId}/sidebar-badges", whoCRead, "Inbox and alert counts for the board's navigation", s.handleSidebarBadges},
		{http.MethodGet, "/api/companies/{companyId}/evaluations/review-queue", whoCRead, "Issues waiting in review, longest first", s.handleReviewQueue},
		{http.MethodGet, "/api/companies/{companyId}/evaluations/summary", whoCRead, "Review, completion and feedback figures for a range", s.handleEvaluationSummary},
	}
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	out, err := s.store.FindDashboard(r.Context(), mux.Vars(r)["companyId"])
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleSidebarBadges(w http.ResponseWriter, r *http.Request) {
	out, err := s.store.FindSidebarBadges(r.Context(), mux.Vars(r)["companyId"])
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleReviewQueue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.ReviewFilter{CompanyID: mux.Vars(r)["companyId"], AssigneeAgentID: q.Get("assigneeAgentId"), ProjectID: q.Get("projectId")}
	var err error
	if f.Limit, f.Offset, err = page(r, 100, 500); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.FindReviewQueue(r.Context(), f)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleEvaluationSummary(w http.ResponseWriter, r *http.Request) {
	rg, err := costRange(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.FindEvaluationSummary(r.Context(), mux.Vars(r)["companyId"], rg)
	s.respond(w, r, http.StatusOK, out, err)
}
