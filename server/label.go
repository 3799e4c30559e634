package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) labelRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/labels", whoCRead, "List issue labels", s.handleLabelList},
		{http.MethodPost, "/api/companies/{companyId}/labels", whoCWrite, "Create an issue label", s.handleLabelCreate},
		{http.MethodDelete, "/api/labels/{labelId}", whoCustom, "Delete a label from every issue", s.handleLabelDelete},
	}
}

func (s *Server) handleLabelList(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.FindLabels(r.Context(), store.LabelFilter{CompanyID: mux.Vars(r)["companyId"]})
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleLabelCreate(w http.ResponseWriter, r *http.Request) {
	var in store.LabelInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	l, err := s.store.CreateLabel(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusCreated, l, err)
}

func (s *Server) handleLabelDelete(w http.ResponseWriter, r *http.Request) {
	l, err := s.store.FindLabelByID(r.Context(), mux.Vars(r)["labelId"])
	if err == nil {
		err = s.entityAccess(r, l.CompanyID, whoCWrite, store.NotFound("Label"))
	}
	if err == nil {
		l, err = s.store.DeleteLabel(r.Context(), l.ID)
	}
	s.respond(w, r, http.StatusOK, l, err)
}
