package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) issueDocumentRoutes() []route {
	return []route{
		{http.MethodGet, "/api/issues/{id}/documents", whoCustom, "List issue documents (no bodies)", s.handleDocumentList},
		{http.MethodGet, "/api/issues/{id}/documents/{key}", whoCustom, "Get an issue document", s.handleDocumentGet},
		{http.MethodPut, "/api/issues/{id}/documents/{key}", whoCustom, "Create or update an issue document", s.handleDocumentPut},
		{http.MethodDelete, "/api/issues/{id}/documents/{key}", whoCustom, "Delete an issue document (board)", s.handleDocumentDelete},
		{http.MethodGet, "/api/issues/{id}/documents/{key}/revisions", whoCustom, "Document revisions, newest first", s.handleDocumentRevisions},
		{http.MethodPost, "/api/issues/{id}/documents/{key}/revisions/{revisionId}/restore", whoCustom, "Restore a document revision", s.handleDocumentRestore},
	}
}

func (s *Server) handleDocumentList(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindIssueDocuments(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleDocumentGet(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.store.FindIssueDocumentByKey(r.Context(), is.ID, mux.Vars(r)["key"])
	s.respond(w, r, http.StatusOK, d, err)
}

func (s *Server) handleDocumentPut(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.DocumentInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	d, created, err := s.store.PutIssueDocument(r.Context(), is.ID, mux.Vars(r)["key"], in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.respond(w, r, status, d, err)
}

func (s *Server) handleDocumentDelete(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err == nil && !actorOf(r).IsBoard() {
		err = errorf(store.EFORBIDDEN, "Board authentication required")
	}
	if err == nil {
		err = s.store.DeleteIssueDocument(r.Context(), is.ID, mux.Vars(r)["key"])
	}
	s.respond(w, r, http.StatusOK, map[string]bool{"ok": true}, err)
}

func (s *Server) handleDocumentRevisions(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindDocumentRevisions(r.Context(), is.ID, mux.Vars(r)["key"])
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleDocumentRestore(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := mux.Vars(r)
	d, err := s.store.RestoreDocumentRevision(r.Context(), is.ID, v["key"], v["revisionId"])
	s.respond(w, r, http.StatusOK, d, err)
}
