package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"paperclip/store"
)

var statusByCode = map[string]int{
	store.EINVALID:       http.StatusBadRequest,
	store.EUNAUTHORIZED:  http.StatusUnauthorized,
	store.EFORBIDDEN:     http.StatusForbidden,
	store.ENOTFOUND:      http.StatusNotFound,
	store.ECONFLICT:      http.StatusConflict,
	store.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	store.ERANGE:         http.StatusRequestedRangeNotSatisfiable,
	store.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	store.EINTERNAL:      http.StatusInternalServerError,
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error   string `json:"error"`
	Code    string `json:"code,omitempty"`
	Details any    `json:"details,omitempty"`
}

// writeError maps a domain error to its status. Anything that is not a *store.Error is
// an internal failure: logged in full, answered without detail.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errBodyTimeout) {
		writeBodyTimeout(w)
		return
	}
	var e *store.Error
	if !errors.As(err, &e) {
		s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err.Error())
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "Internal server error"})
		return
	}
	status, ok := statusByCode[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", e.Message)
	}
	writeJSON(w, status, errorBody{Error: e.Message, Code: e.Tag, Details: e.Details})
}

// writeJSON writes v as the JSON response body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func errorf(code, format string, args ...any) error { return store.Errorf(code, format, args...) }
