package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) companyRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies", whoBoard, "List companies", s.handleCompanyList},
		{http.MethodGet, "/api/companies/stats", whoBoard, "Agent and issue counts per company", s.handleCompanyStats},
		{http.MethodGet, "/api/companies/issues", whoAny, "Guard for a malformed issue list path", s.handleCompanyIssuesGuard},
		{http.MethodPost, "/api/companies", whoCustom, "Create a company", s.handleCompanyCreate},
		{http.MethodGet, "/api/companies/{companyId}", whoCRead, "Get a company", s.handleCompanyGet},
		{http.MethodPatch, "/api/companies/{companyId}", whoCustom, "Update a company (CEO agents: branding only)", s.handleCompanyPatch},
		{http.MethodPatch, "/api/companies/{companyId}/branding", whoCustom, "Update company branding", s.handleCompanyBranding},
		{http.MethodPost, "/api/companies/{companyId}/archive", whoCBoard, "Archive a company", s.handleCompanyArchive},
		{http.MethodDelete, "/api/companies/{companyId}", whoCBoard, "Delete a company and all its data", s.handleCompanyDelete},
		{http.MethodGet, "/api/companies/{companyId}/feedback-traces", whoCBoard, "Feedback traces of a company", s.handleFeedbackTraces},
	}
}

// handleCompanyIssuesGuard catches GET /api/companies/issues, a common client bug.
func (s *Server) handleCompanyIssuesGuard(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, errorf(store.EINVALID, "Missing companyId in path. Use /api/companies/{companyId}/issues."))
}

// boardUserFilter is the membership restriction for board users that are not admins.
func boardUserFilter(a store.Actor) string {
	if a.InstanceAdmin {
		return ""
	}
	return a.UserID
}

func (s *Server) handleCompanyList(w http.ResponseWriter, r *http.Request) {
	includeArchived, err := queryBool(r, "includeArchived")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit, offset, err := page(r, 0, 1000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindCompanies(r.Context(), store.CompanyFilter{
		IncludeArchived: includeArchived, UserID: boardUserFilter(actorOf(r)), Limit: limit, Offset: offset,
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) handleCompanyStats(w http.ResponseWriter, r *http.Request) {
	stats, err := s.store.FindCompanyStats(r.Context(), boardUserFilter(actorOf(r)))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, stats)
}

func (s *Server) handleCompanyCreate(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !a.IsBoard() {
		s.writeError(w, r, errorf(store.EFORBIDDEN, "Board access required"))
		return
	}
	if !a.InstanceAdmin {
		s.writeError(w, r, errorf(store.EFORBIDDEN, "Instance admin required"))
		return
	}
	var in store.CompanyInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.CreateCompany(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) handleCompanyGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.store.FindCompanyByID(r.Context(), mux.Vars(r)["companyId"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleCompanyPatch(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["companyId"]
	if err := s.authorize(r, whoCWrite, store.ActCompanyManageSettings, store.Target{CompanyID: id}); err != nil {
		s.writeError(w, r, err)
		return
	}
	if actorOf(r).IsAgent() {
		// A CEO agent may only touch branding, through the strict branding schema.
		var b store.BrandingPatch
		if err := decodeBody(w, r, &b, true); err != nil {
			s.writeError(w, r, err)
			return
		}
		c, err := s.store.UpdateCompany(r.Context(), id, b.Patch())
		s.respond(w, r, http.StatusOK, c, err)
		return
	}
	var p store.CompanyPatch
	if err := decodeBody(w, r, &p, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.UpdateCompany(r.Context(), id, p)
	s.respond(w, r, http.StatusOK, c, err)
}

func (s *Server) handleCompanyBranding(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["companyId"]
	if err := s.authorize(r, whoCWrite, store.ActCompanyManageBranding, store.Target{CompanyID: id}); err != nil {
		s.writeError(w, r, err)
		return
	}
	var b store.BrandingPatch
	if err := decodeBody(w, r, &b, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.UpdateCompanyBranding(r.Context(), id, b)
	s.respond(w, r, http.StatusOK, c, err)
}

func (s *Server) handleCompanyArchive(w http.ResponseWriter, r *http.Request) {
	c, err := s.store.ArchiveCompany(r.Context(), mux.Vars(r)["companyId"])
	s.respond(w, r, http.StatusOK, c, err)
}

func (s *Server) handleCompanyDelete(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.CompanyDeletionEnabled {
		s.writeError(w, r, &store.Error{Code: store.EFORBIDDEN, Message: "Company deletion is disabled on this instance", Tag: "company_deletion_disabled"})
		return
	}
	id := mux.Vars(r)["companyId"]
	if err := s.store.DeleteCompany(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.logger.Info("company deleted", "company_id", id, "actor_type", actorOf(r).Kind)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) handleFeedbackTraces(w http.ResponseWriter, r *http.Request) {
	f := store.FeedbackTraceFilter{CompanyID: mux.Vars(r)["companyId"]}
	var err error
	q := r.URL.Query()
	f.IssueID, f.ProjectID = q.Get("issueId"), q.Get("projectId")
	steps := []func() error{
		func() (e error) {
			f.TargetType, e = queryEnum(r, "targetType", "issue_comment", "issue_document_revision")
			return
		},
		func() (e error) { f.Vote, e = queryEnum(r, "vote", "up", "down"); return },
		func() (e error) {
			f.Status, e = queryEnum(r, "status", "local_only", "pending", "sent", "failed")
			return
		},
		func() (e error) { f.From, e = queryTime(r, "from"); return },
		func() (e error) { f.To, e = queryTime(r, "to"); return },
		func() (e error) { f.SharedOnly, e = queryBool(r, "sharedOnly"); return },
		func() (e error) { f.IncludePayload, e = queryBool(r, "includePayload"); return },
	}
	for _, step := range steps {
		if err = step(); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	list, err := s.store.FindFeedbackTraces(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

// respond writes v with status, or the error.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, v)
}
