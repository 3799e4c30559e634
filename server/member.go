package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) memberRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/members", whoCRead, "List a company's human members", s.handleMemberList},
		{http.MethodPatch, "/api/companies/{companyId}/members/{memberId}", whoCWrite, "Change a member's role or status", s.handleMemberPatch},
		{http.MethodPatch, "/api/companies/{companyId}/members/{memberId}/permissions", whoCWrite, "Replace a member's explicit grants", s.handleMemberPermissions},
	}
}

func (s *Server) handleMemberList(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	if err := s.store.Authorize(r.Context(), store.ActMembersRead, store.Target{CompanyID: companyID}); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindCompanyMembers(r.Context(), companyID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func memberID(r *http.Request) (string, error) {
	id := strings.ToLower(mux.Vars(r)["memberId"])
	if !store.IsUUID(id) {
		return "", store.NotFound("Member")
	}
	return id, nil
}

func (s *Server) handleMemberPatch(w http.ResponseWriter, r *http.Request) {
	id, err := memberID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.MemberPatch
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	m, err := s.store.UpdateMember(r.Context(), mux.Vars(r)["companyId"], id, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleMemberPermissions(w http.ResponseWriter, r *http.Request) {
	id, err := memberID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		Grants store.Optional[[]store.GrantInput] `json:"grants"`
	}
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !in.Grants.Set || in.Grants.Null {
		var p store.Problems
		p.Required("grants")
		s.writeError(w, r, p.Err())
		return
	}
	m, err := s.store.SetMemberGrants(r.Context(), mux.Vars(r)["companyId"], id, in.Grants.Value)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) adminUserRoutes() []route {
	return []route{
		{http.MethodGet, "/api/admin/users", whoAdmin, "Search users (instance admin)", s.handleAdminUserList},
		{http.MethodPost, "/api/admin/users/{userId}/promote-instance-admin", whoAdmin, "Make a user an instance admin", s.handleAdminPromote},
		{http.MethodPost, "/api/admin/users/{userId}/demote-instance-admin", whoAdmin, "Remove a user's instance admin role", s.handleAdminDemote},
		{http.MethodGet, "/api/admin/users/{userId}/company-access", whoAdmin, "A user's company memberships", s.handleAdminCompanyAccessGet},
		{http.MethodPut, "/api/admin/users/{userId}/company-access", whoAdmin, "Set the companies a user belongs to", s.handleAdminCompanyAccessPut},
	}
}

func (s *Server) handleAdminUserList(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.FindAdminUsers(r.Context(), store.AdminUserFilter{Query: r.URL.Query().Get("query")})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) handleAdminPromote(w http.ResponseWriter, r *http.Request) {
	res, err := s.store.PromoteInstanceAdmin(r.Context(), mux.Vars(r)["userId"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) handleAdminDemote(w http.ResponseWriter, r *http.Request) {
	res, err := s.store.DemoteInstanceAdmin(r.Context(), mux.Vars(r)["userId"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) handleAdminCompanyAccessGet(w http.ResponseWriter, r *http.Request) {
	acc, err := s.store.FindUserCompanyAccess(r.Context(), mux.Vars(r)["userId"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, acc)
}

func (s *Server) handleAdminCompanyAccessPut(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CompanyIDs store.Optional[[]string] `json:"companyIds"`
	}
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	var p store.Problems
	if !in.CompanyIDs.Set || in.CompanyIDs.Null {
		p.Required("companyIds")
	}
	for i, id := range in.CompanyIDs.Value {
		if !store.IsUUID(id) {
			p.Add("invalid_string", "Invalid uuid", "companyIds", i)
		}
	}
	if err := p.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, err := s.store.SetCompanyAccess(r.Context(), mux.Vars(r)["userId"], in.CompanyIDs.Value)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, acc)
}
