package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A panicking handler must answer 500 JSON, log the panic, and leave the server serving.
func TestRecoverTurnsPanicInto500(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	h := s.withRecover(s.withAccessLog(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/x", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"error":"Internal server error"`) {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "handler panic") || !strings.Contains(logs.String(), "boom") {
		t.Fatalf("panic not logged: %s", logs.String())
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Fatal("panic text leaked to the client")
	}
}

func TestParseRange(t *testing.T) {
	cases := []struct {
		h          string
		size       int64
		start, end int64
		full, ok   bool
	}{
		{"", 10, 0, 9, true, true},
		{"bytes=0-4", 10, 0, 4, false, true},
		{"bytes=5-", 10, 5, 9, false, true},
		{"bytes=-3", 10, 7, 9, false, true},
		{"bytes=-30", 10, 0, 9, false, true},
		{"bytes=8-100", 10, 8, 9, false, true},
		{"bytes=10-", 10, 0, 0, false, false},
		{"bytes=4-2", 10, 0, 0, false, false},
		{"bytes=0-1,2-3", 10, 0, 0, false, false},
		{"bytes=0-1", 0, 0, 0, false, false},
		{"bytes=x-1", 10, 0, 0, false, false},
	}
	for _, c := range cases {
		s, e, full, ok := parseRange(c.h, c.size)
		if ok != c.ok || (ok && (s != c.start || e != c.end || full != c.full)) {
			t.Errorf("parseRange(%q, %d) = %d %d %v %v", c.h, c.size, s, e, full, ok)
		}
	}
}

func TestAccessLogRecordsActor(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{logger: slog.New(slog.NewJSONHandler(&logs, nil)), cfg: Config{DeploymentMode: ModeLocalTrusted}}
	h := s.withAccessLog(s.withActor(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(204)
	})))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/x", nil))
	if !strings.Contains(logs.String(), `"actor_type":"board"`) || !strings.Contains(logs.String(), `"status":204`) {
		t.Fatalf("access log: %s", logs.String())
	}
}
