package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"paperclip/store"
)

// statusRecorder remembers the status for the access log, and the kind of actor
// withActor resolved: withActor finds it as its ResponseWriter (the middleware between
// them do not wrap the writer), which spares every request a context value and a copy
// of the request to carry one string outwards.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	actor  string
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// withRecover turns a handler panic into a logged 500 JSON answer: one bad request must
// never take the control plane down.
func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if !rec.wrote {
					writeJSON(rec, http.StatusInternalServerError, errorBody{Error: "Internal server error"})
				}
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// withAccessLog writes one line per API request; never bodies or tokens.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, ok := w.(*statusRecorder)
		if !ok {
			rec = &statusRecorder{ResponseWriter: w}
		}
		// withActor, further in, fills in rec.actor once it knows who is calling.
		next.ServeHTTP(rec, r)
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			return
		}
		actorType := "none"
		if rec.actor != "" {
			actorType = rec.actor
		}
		// LogAttrs writes the line Info would, without boxing each value in an any.
		s.logger.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Int64("duration_ms", time.Since(start).Milliseconds()), slog.String("actor_type", actorType))
	})
}

// requestHost is the host name of the request without port, lower-cased, and
// whether the Host value was well formed (a name, "[v6]", either with an optional
// numeric port, or a bare IPv6 literal).
func (s *Server) requestHost(r *http.Request) (string, bool) {
	host := r.Host
	if s.cfg.TrustProxy {
		if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" {
			host = strings.TrimSpace(strings.Split(fwd, ",")[0])
		}
	}
	return splitHostName(host)
}

// splitHostName strips the port from a Host value. It is strict, because a guard
// that guessed ("127.0.0.1:x", "[::1") would let odd spellings through.
func splitHostName(host string) (string, bool) {
	name, port := host, ""
	switch {
	case strings.HasPrefix(host, "["):
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return strings.ToLower(host), false
		}
		name, port = host[1:end], host[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return strings.ToLower(host), false
		}
		port = strings.TrimPrefix(port, ":")
	case strings.Count(host, ":") == 1:
		name, port, _ = strings.Cut(host, ":")
	}
	for _, c := range port {
		if c < '0' || c > '9' {
			return strings.ToLower(name), false
		}
	}
	return strings.ToLower(name), name != ""
}

// isLoopbackName reports the three loopback names the spec allows, spelled exactly:
// 127.0.0.2, [::ffff:127.0.0.1] or 0:0:0:0:0:0:0:1 reach this machine too but no
// browser shows them for a local board, so a page that uses one is up to something.
func isLoopbackName(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// withHostGuard refuses requests whose Host is not this instance's (access-auth §7.1):
// in local_trusted mode only loopback names, which stops DNS-rebinding pages from
// driving the unauthenticated board.
func (s *Server) withHostGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.DeploymentMode == ModeAuthenticated && s.cfg.Exposure == ExposurePublic {
			next.ServeHTTP(w, r)
			return
		}
		host, ok := s.requestHost(r)
		if host == "" {
			s.rejectHost(w, r, "Missing Host header. If you want to allow a hostname, run paperclip allowed-hostname <host>.")
			return
		}
		if ok && s.hostAllowed(host) {
			next.ServeHTTP(w, r)
			return
		}
		s.rejectHost(w, r, "Hostname '"+host+"' is not allowed for this Paperclip instance. If you want to allow this hostname, please run paperclip allowed-hostname "+host)
	})
}

func (s *Server) hostAllowed(host string) bool {
	if isLoopbackName(host) {
		return true
	}
	if s.cfg.DeploymentMode != ModeAuthenticated {
		return false
	}
	bind := strings.ToLower(s.cfg.Host)
	if host == bind && bind != "0.0.0.0" && bind != "::" {
		return true
	}
	for _, h := range s.cfg.AllowedHostnames {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

func (s *Server) rejectHost(w http.ResponseWriter, r *http.Request, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" {
		writeJSON(w, http.StatusForbidden, errorBody{Error: msg})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	w.Write([]byte(msg + "\n"))
}

// trustedOrigin implements access-auth §7.2 for browser mutations.
func (s *Server) trustedOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		if ref := r.Header.Get("Referer"); ref != "" {
			origin = originOf(ref)
		}
	}
	if origin == "" {
		return true
	}
	origin = strings.ToLower(strings.TrimRight(origin, "/"))
	host := strings.ToLower(s.forwardedHostPort(r))
	allowed := []string{"http://" + host, "https://" + host}
	if s.cfg.PublicBaseURL != "" {
		allowed = append(allowed, strings.ToLower(originOf(s.cfg.PublicBaseURL)))
	}
	if _, port, err := net.SplitHostPort(r.Host); err == nil {
		allowed = append(allowed, "http://localhost:"+port, "http://127.0.0.1:"+port)
	}
	for _, a := range allowed {
		if origin == a {
			return true
		}
	}
	return false
}

func originOf(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host
}

func isMutation(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

var _ = store.ActorBoard
