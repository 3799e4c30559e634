package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) issueRoutes() []route {
	return []route{
		{http.MethodGet, "/api/issues", whoAny, "Guard for a missing company in the issue list path", s.handleCompanyIssuesGuard},
		{http.MethodGet, "/api/companies/{companyId}/issues", whoCRead, "List, filter and search issues", s.handleIssueList},
		{http.MethodPost, "/api/companies/{companyId}/issues", whoCWrite, "Create an issue", s.handleIssueCreate},
		{http.MethodPost, "/api/issues/{id}/children", whoCustom, "Create a sub-issue", s.handleIssueChildCreate},
		{http.MethodGet, "/api/issues/{id}", whoCustom, "Get an issue with its tree, relations and documents", s.handleIssueGet},
		{http.MethodPatch, "/api/issues/{id}", whoCustom, "Update an issue (status machine, assignment, comment)", s.handleIssuePatch},
		{http.MethodDelete, "/api/issues/{id}", whoCustom, "Delete an issue", s.handleIssueDelete},
	}
}

// errIssueNotFound answers an issue that is missing or of a company the caller may not
// read, built once rather than on every request that finds its issue.
var errIssueNotFound = store.NotFound("Issue")

// issueKey is the issue path parameter (routes name it id or issueId).
func issueKey(r *http.Request) string {
	v := mux.Vars(r)
	if id, ok := v["id"]; ok {
		return id
	}
	return v["issueId"]
}

// issueFor loads the path issue and checks the caller may use its company at level;
// another company's issue answers exactly like a missing one.
func (s *Server) issueFor(r *http.Request, level string) (store.Issue, error) {
	is, err := s.store.FindIssueByID(r.Context(), issueKey(r))
	if err != nil {
		return is, err
	}
	return is, s.rowAccess(r, is.CompanyID, level, errIssueNotFound)
}

// listUser resolves a user-id query parameter; "me" is the calling board user.
func listUser(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if v != "me" {
		return v, nil
	}
	a := actorOf(r)
	if !a.IsBoard() {
		return "", errorf(store.EFORBIDDEN, "%s=me requires board authentication", name)
	}
	return a.UserID, nil
}

// csvParam collects comma-separated and repeated values of a query parameter.
func csvParam(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for _, part := range strings.Split(v, ",") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func (s *Server) handleIssueList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.IssueFilter{
		CompanyID: mux.Vars(r)["companyId"], Statuses: csvParam(r, "status"), Priorities: csvParam(r, "priority"),
		AssigneeAgent: q.Get("assigneeAgentId"), ProjectID: q.Get("projectId"), GoalID: q.Get("goalId"),
		LabelID: q.Get("labelId"), DescendantOf: q.Get("descendantOf"), Q: q.Get("q"),
	}
	parent := q.Get("parentId")
	if parent == "" {
		parent = q.Get("parentIssueId")
	}
	if parent == "null" {
		f.ParentNull = true
	} else {
		f.ParentID = parent
	}
	var err error
	for _, p := range []struct {
		name string
		dst  *string
	}{{"assigneeUserId", &f.AssigneeUserID}, {"touchedByUserId", &f.TouchedByUserID}, {"unreadForUserId", &f.UnreadForUserID}} {
		if *p.dst, err = listUser(r, p.name); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if f.IncludeHidden, err = queryBool(r, "includeHidden"); err != nil {
		s.writeError(w, r, err)
		return
	}
	f.IncludeHidden = f.IncludeHidden && actorOf(r).IsBoard()
	switch f.SortField = q.Get("sortField"); f.SortField {
	case "", "priority", "updated", "created":
	default:
		s.writeError(w, r, errorf(store.EINVALID, "sortField must be one of priority, updated, created"))
		return
	}
	switch f.SortDir = q.Get("sortDir"); f.SortDir {
	case "", "asc", "desc":
	default:
		s.writeError(w, r, errorf(store.EINVALID, "sortDir must be asc or desc"))
		return
	}
	f.Limit = 500
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			s.writeError(w, r, errorf(store.EINVALID, "limit must be a positive integer up to 1000"))
			return
		}
		f.Limit = min(n, 1000)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.writeError(w, r, errorf(store.EINVALID, "offset must be a non-negative integer"))
			return
		}
		f.Offset = n
	}
	list, err := s.store.FindIssues(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

// writeCreated answers a create: 201, or 200 when an earlier issue was returned.
func (s *Server) writeCreated(w http.ResponseWriter, r *http.Request, out store.IssueCreated, err error) {
	status := http.StatusCreated
	if !out.Created {
		status = http.StatusOK
	}
	s.respond(w, r, status, out, err)
}

func (s *Server) handleIssueCreate(w http.ResponseWriter, r *http.Request) {
	var in store.IssueInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.CreateIssue(r.Context(), mux.Vars(r)["companyId"], in)
	s.writeCreated(w, r, out, err)
}

func (s *Server) handleIssueChildCreate(w http.ResponseWriter, r *http.Request) {
	parent, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.IssueInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.CreateChildIssue(r.Context(), parent.ID, in)
	s.writeCreated(w, r, out, err)
}

// handleIssueGet loads the detail view once and checks its company, rather than
// loading the issue for the check and then again for the view (a quarter of the
// handler's time in its profile). The answers are issueFor's: a missing issue and
// another company's both answer "Issue not found", and no detail leaves before the
// check.
//
// The detail view reads on a context without the request's cancellation. On a
// context that can end, database/sql and the SQLite driver each start a goroutine
// per query to watch it (two per query, about ten queries per view), which cost a
// request over HTTP about half a store detail get; cancelling a view made of
// primary-key and index lookups that ends within a millisecond saves nothing, and
// a client that left just does not read the answer.
func (s *Server) handleIssueGet(w http.ResponseWriter, r *http.Request) {
	d, err := s.store.FindIssueDetail(context.WithoutCancel(r.Context()), issueKey(r))
	if err == nil {
		err = s.rowAccess(r, d.CompanyID, whoCRead, errIssueNotFound)
	}
	s.respond(w, r, http.StatusOK, d, err)
}

func (s *Server) handleIssuePatch(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.IssuePatch
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.UpdateIssue(r.Context(), is.ID, in)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleIssueDelete(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.DeleteIssue(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, out, err)
}
