package server

import (
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) secretRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/secret-providers", whoCBoard, "Secret providers of this instance", s.handleSecretProviders},
		{http.MethodGet, "/api/companies/{companyId}/secrets", whoCBoard, "A company's secrets (metadata only)", s.handleSecretList},
		{http.MethodPost, "/api/companies/{companyId}/secrets", whoCBoard, "Create a secret", s.handleSecretCreate},
		{http.MethodGet, "/api/secrets/{id}", whoBoard, "One secret's metadata", s.handleSecretGet},
		{http.MethodPatch, "/api/secrets/{id}", whoBoard, "Rename, re-key, describe or disable a secret", s.handleSecretPatch},
		{http.MethodPost, "/api/secrets/{id}/rotate", whoBoard, "Store a new version of a secret", s.handleSecretRotate},
		{http.MethodDelete, "/api/secrets/{id}", whoBoard, "Delete an unreferenced secret", s.handleSecretDelete},
		{http.MethodGet, "/api/secrets/{id}/usage", whoBoard, "Env bindings that reference a secret", s.handleSecretUsage},
	}
}

// masterKey loads the key for a write that encrypts; a missing or bad key is the
// server's misconfiguration, logged without the key and answered as internal.
func (s *Server) masterKey() (*store.SecretKey, error) {
	k, err := s.secretKey()
	if err != nil {
		return nil, fmt.Errorf("secrets master key: %w", err)
	}
	return k, nil
}

// secretFor loads the path's secret and checks board access to its company; a secret
// of a company the caller cannot use is "Secret not found".
func (s *Server) secretFor(r *http.Request, level string) (store.Secret, error) {
	sec, err := s.store.FindSecretByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return sec, err
	}
	return sec, s.entityAccess(r, sec.CompanyID, level, store.NotFound("Secret"))
}

func (s *Server) handleSecretProviders(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, store.SecretProviders())
}

func (s *Server) handleSecretList(w http.ResponseWriter, r *http.Request) {
	f := store.SecretFilter{CompanyID: mux.Vars(r)["companyId"], Status: r.URL.Query().Get("status")}
	var err error
	if f.Limit, f.Offset, err = page(r, 0, 500); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.FindSecrets(r.Context(), f)
	s.respond(w, r, http.StatusOK, out, err)
}

// decodeSecretValue decodes and validates a body that carries a secret value (create,
// rotate) and returns the master key that will seal it; a bad body is reported before
// a missing or unreadable key.
func (s *Server) decodeSecretValue(w http.ResponseWriter, r *http.Request, in interface{ Validate() error }) (*store.SecretKey, error) {
	if err := decodeBody(w, r, in, false); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.masterKey()
}

func (s *Server) handleSecretCreate(w http.ResponseWriter, r *http.Request) {
	var in store.SecretInput
	key, err := s.decodeSecretValue(w, r, &in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.CreateSecret(r.Context(), key, mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusCreated, out, err)
}

func (s *Server) handleSecretGet(w http.ResponseWriter, r *http.Request) {
	sec, err := s.secretFor(r, whoCBoard)
	s.respond(w, r, http.StatusOK, sec, err)
}

func (s *Server) handleSecretPatch(w http.ResponseWriter, r *http.Request) {
	sec, err := s.secretFor(r, whoCBoard)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.SecretPatch
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.UpdateSecret(r.Context(), sec.ID, in)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleSecretRotate(w http.ResponseWriter, r *http.Request) {
	sec, err := s.secretFor(r, whoCBoard)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in store.SecretRotation
	key, err := s.decodeSecretValue(w, r, &in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.RotateSecret(r.Context(), key, sec.ID, in)
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleSecretDelete(w http.ResponseWriter, r *http.Request) {
	sec, err := s.secretFor(r, whoCBoard)
	if err == nil {
		err = s.store.DeleteSecret(r.Context(), sec.ID)
	}
	s.respond(w, r, http.StatusOK, map[string]bool{"ok": true}, err)
}

func (s *Server) handleSecretUsage(w http.ResponseWriter, r *http.Request) {
	sec, err := s.secretFor(r, whoCBoard)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.FindSecretUsage(r.Context(), sec)
	s.respond(w, r, http.StatusOK, out, err)
}
