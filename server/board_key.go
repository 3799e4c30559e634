package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// Board API keys: the CLI's and scripts' credential, acting as the user who made it.
func (s *Server) boardKeyRoutes() []route {
	return []route{
		{http.MethodGet, "/api/board-api-keys", whoBoard, "List the caller's board API keys", s.handleBoardKeyList},
		{http.MethodPost, "/api/board-api-keys", whoBoard, "Create a board API key (token shown once)", s.handleBoardKeyCreate},
		{http.MethodDelete, "/api/board-api-keys/{keyId}", whoBoard, "Revoke one of the caller's board API keys", s.handleBoardKeyRevoke},
	}
}

func (s *Server) handleBoardKeyList(w http.ResponseWriter, r *http.Request) {
	inactive, err := queryBool(r, "includeInactive")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	keys, err := s.store.FindBoardKeys(r.Context(), store.BoardKeyFilter{UserID: actorOf(r).UserID, IncludeInactive: inactive})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, keys)
}

func (s *Server) handleBoardKeyCreate(w http.ResponseWriter, r *http.Request) {
	var in store.BoardKeyInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	a := actorOf(r)
	k, err := s.store.CreateBoardKey(r.Context(), a.UserID, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.logger.Info("board API key created", "user_id", a.UserID, "key_id", k.ID)
	writeJSON(w, http.StatusCreated, k)
}

func (s *Server) handleBoardKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(strings.TrimSpace(mux.Vars(r)["keyId"]))
	if !store.IsUUID(id) {
		s.writeError(w, r, errorf(store.EINVALID, "Invalid key id"))
		return
	}
	a := actorOf(r)
	if err := s.store.RevokeBoardKey(r.Context(), a.UserID, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.logger.Info("board API key revoked", "user_id", a.UserID, "key_id", id)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "keyId": id})
}
