package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
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

// The access log line of the whole middleware chain, field by field and in order:
// withActor hands the actor kind to the log through the chain's status recorder, so
// a middleware that wrapped the writer between them would log "none" here.
func TestAccessLogLineThroughTheWholeChain(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{logger: slog.New(slog.NewJSONHandler(&logs, nil)), cfg: Config{DeploymentMode: ModeLocalTrusted}.withDefaults()}
	s.router = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := s.Handler()
	line := regexp.MustCompile(`^\{"time":"[^"]+","level":"INFO","msg":"request","method":"(\w+)","path":"([^"]+)","status":(\d+),"duration_ms":\d+,"actor_type":"(\w+)"\}\n$`)
	for _, c := range []struct{ method, path, host, status, actor string }{
		{"GET", "/api/issues/x", "127.0.0.1:3100", "418", "board"},
		{"POST", "/api/companies", "localhost", "418", "board"},
		{"GET", "/api/health", "evil.example", "403", "none"}, // refused by the host guard before withActor
	} {
		logs.Reset()
		req := httptest.NewRequest(c.method, c.path, nil)
		req.Host = c.host
		h.ServeHTTP(httptest.NewRecorder(), req)
		m := line.FindStringSubmatch(logs.String())
		if m == nil || m[1] != c.method || m[2] != c.path || m[3] != c.status || m[4] != c.actor {
			t.Errorf("%s %s: access log %q", c.method, c.path, logs.String())
		}
	}
	logs.Reset()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/assets/app.js", nil))
	if logs.Len() != 0 {
		t.Errorf("non-API request logged: %s", logs.String())
	}
}
