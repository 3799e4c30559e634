package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"

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
	store.ETOOMANY:       http.StatusTooManyRequests,
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

// writeJSON writes v as the JSON response body. A list is streamed one element at a
// time (see writeJSONList), so no reply is ever held whole in memory as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if rows, ok := v.([]store.IssueRow); ok && rows != nil {
		writeIssueRows(w, rows)
		return
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && !rv.IsNil() && rv.Type().Elem().Kind() != reflect.Uint8 {
		writeJSONList(w, rv)
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// writeJSONList writes the elements of list to w as one JSON array, byte for byte
// what json.Encoder would write for the whole slice. json.Encoder.Encode marshals its
// whole value into a buffer before writing, so a list of N large rows cost N rows of
// structs plus N rows of JSON; this keeps the JSON side to one row.
func writeJSONList(w io.Writer, list reflect.Value) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteByte('[')
	for i := 0; i < list.Len(); i++ {
		buf.Reset()
		if err := enc.Encode(list.Index(i).Interface()); err != nil {
			break // a value json cannot encode; the reply is cut, as Encode would fail too
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		if buf.Cap() > 1<<20 {
			buf = bytes.Buffer{} // do not keep one huge row's buffer for the rest
			enc = json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
		}
	}
	bw.WriteString("]\n")
	bw.Flush()
}

// writeIssueRows is writeJSONList for the issue list, byte for byte, at a third of
// its cost. json.Encoder calls a value's MarshalJSON and then re-scans the result
// to validate and compact it; for a page of 500 rows that pass was two thirds of the
// JSON time (profile of BenchmarkHandlerIssueList10k). IssueRow.MarshalJSON's bytes
// are json.Marshal's, compact and valid as they come, so they are written as they
// are (TestIssueListJSONIsTheEncoders compares both over varied rows).
func writeIssueRows(w io.Writer, rows []store.IssueRow) {
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteByte('[')
	for i := range rows {
		b, err := rows[i].MarshalJSON()
		if err != nil {
			break // as writeJSONList: the reply is cut
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(b)
	}
	bw.WriteString("]\n")
	bw.Flush()
}

func errorf(code, format string, args ...any) error { return store.Errorf(code, format, args...) }
