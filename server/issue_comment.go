package server

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) issueCommentRoutes() []route {
	return []route{
		{http.MethodGet, "/api/issues/{id}/comments", whoCustom, "List issue comments", s.handleCommentList},
		{http.MethodGet, "/api/issues/{id}/comments/{commentId}", whoCustom, "Get one issue comment", s.handleCommentGet},
		{http.MethodPost, "/api/issues/{id}/comments", whoCustom, "Comment on an issue (mentions wake agents)", s.handleCommentCreate},
	}
}

func (s *Server) handleCommentList(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.CommentFilter{IssueID: is.ID, Desc: true, After: q.Get("after")}
	if f.After == "" {
		f.After = q.Get("afterCommentId")
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc":
		f.Desc = false
	default:
		s.writeError(w, r, errorf(store.EINVALID, "order must be asc or desc"))
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			s.writeError(w, r, errorf(store.EINVALID, "Invalid 'limit' query parameter"))
			return
		}
		f.Limit = min(n, 500)
	}
	list, err := s.store.FindComments(r.Context(), f)
	s.respond(w, r, http.StatusOK, list, err)
}

func (s *Server) handleCommentGet(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.FindCommentByID(r.Context(), is.ID, mux.Vars(r)["commentId"])
	s.respond(w, r, http.StatusOK, c, err)
}

func (s *Server) handleCommentCreate(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCWrite)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.CommentInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.CreateComment(r.Context(), is.ID, in)
	s.respond(w, r, http.StatusCreated, c, err)
}
