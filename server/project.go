package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) projectRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/projects", whoCRead, "List projects (archived on request)", s.handleProjectList},
		{http.MethodPost, "/api/companies/{companyId}/projects", whoCWrite, "Create a project (optionally with a workspace)", s.handleProjectCreate},
		{http.MethodGet, "/api/projects/{id}", whoCustom, "Get a project by id or url key", s.handleProjectGet},
		{http.MethodPatch, "/api/projects/{id}", whoCustom, "Update a project", s.handleProjectPatch},
		{http.MethodDelete, "/api/projects/{id}", whoCustom, "Delete a project (board); its issues stay", s.handleProjectDelete},
		{http.MethodGet, "/api/projects/{id}/workspaces", whoCustom, "List a project's workspaces, primary first", s.handleWorkspaceList},
		{http.MethodPost, "/api/projects/{id}/workspaces", whoCustom, "Add a workspace to a project", s.handleWorkspaceCreate},
		{http.MethodPatch, "/api/projects/{id}/workspaces/{workspaceId}", whoCustom, "Update a project workspace", s.handleWorkspacePatch},
		{http.MethodDelete, "/api/projects/{id}/workspaces/{workspaceId}", whoCustom, "Delete a project workspace", s.handleWorkspaceDelete},
	}
}

var errProjectNotFound = store.NotFound("Project")

// projectFor resolves the {id} of a project route, a UUID or a url key (README §7), to a
// project the caller may use at level. Url keys are looked up in the agent's own
// company, or for board callers in the ?companyId= company.
func (s *Server) projectFor(r *http.Request, level string) (store.Project, error) {
	ref := strings.TrimSpace(mux.Vars(r)["id"])
	var p store.Project
	var err error
	if store.IsUUID(ref) {
		p, err = s.store.FindProjectByID(r.Context(), ref)
	} else {
		companyID := actorOf(r).CompanyID
		if !actorOf(r).IsAgent() {
			companyID = strings.ToLower(strings.TrimSpace(r.URL.Query().Get("companyId")))
			if companyID == "" {
				return p, errorf(store.EUNPROCESSABLE, "Project shortname lookup requires companyId query parameter")
			}
			// Checked first so that an inaccessible company cannot be probed through
			// the ambiguity answer.
			if err := s.entityAccess(r, companyID, whoCRead, errProjectNotFound); err != nil {
				return p, err
			}
		}
		p, err = s.store.FindProjectByURLKey(r.Context(), companyID, ref)
	}
	if err != nil {
		return p, err
	}
	return p, s.entityAccess(r, p.CompanyID, level, errProjectNotFound)
}

func (s *Server) handleProjectList(w http.ResponseWriter, r *http.Request) {
	f := store.ProjectFilter{CompanyID: mux.Vars(r)["companyId"]}
	var err error
	if f.IncludeArchived, err = queryBool(r, "includeArchived"); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Status, err = queryEnum(r, "status", store.ProjectStatuses...); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit, f.Offset, err = page(r, 0, 1000); err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindProjects(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleProjectCreate(w http.ResponseWriter, r *http.Request) {
	var in store.ProjectInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.store.CreateProject(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusCreated, p, err)
}

func (s *Server) handleProjectGet(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r, whoCRead)
	s.respond(w, r, http.StatusOK, p, err)
}

func (s *Server) handleProjectPatch(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.ProjectInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err = s.store.UpdateProject(r.Context(), p.ID, in)
	s.respond(w, r, http.StatusOK, p, err)
}

func (s *Server) handleProjectDelete(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r, whoCBoard)
	if err == nil {
		p, err = s.store.DeleteProject(r.Context(), p.ID)
	}
	s.respond(w, r, http.StatusOK, p, err)
}

func (s *Server) handleWorkspaceList(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindProjectWorkspaces(r.Context(), p.ID)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleWorkspaceCreate(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.WorkspaceInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	ws, err := s.store.CreateProjectWorkspace(r.Context(), p.ID, in)
	s.respond(w, r, http.StatusCreated, ws, err)
}

func (s *Server) handleWorkspacePatch(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.WorkspaceInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	ws, err := s.store.UpdateProjectWorkspace(r.Context(), p.ID, mux.Vars(r)["workspaceId"], in)
	s.respond(w, r, http.StatusOK, ws, err)
}

func (s *Server) handleWorkspaceDelete(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ws, err := s.store.DeleteProjectWorkspace(r.Context(), p.ID, mux.Vars(r)["workspaceId"])
	s.respond(w, r, http.StatusOK, ws, err)
}
