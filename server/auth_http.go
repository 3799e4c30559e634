package server

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// SessionCookie is the name of the sign-in session cookie.
const SessionCookie = "paperclip_session"

// forwardedHostPort is the Host the client used, port included: X-Forwarded-Host
// replaces Host only when the instance sits behind a proxy it trusts.
func (s *Server) forwardedHostPort(r *http.Request) string {
	if s.cfg.TrustProxy {
		if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" {
			return strings.TrimSpace(strings.Split(fwd, ",")[0])
		}
	}
	return r.Host
}

// requestIsHTTPS reports whether the client reached us over TLS, directly or (with
// trustProxy) at the proxy.
func (s *Server) requestIsHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if s.cfg.TrustProxy {
		proto := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])
		return strings.EqualFold(proto, "https")
	}
	return false
}

// clientIP is the caller's address: the first X-Forwarded-For hop only with
// trustProxy, since anyone can send that header.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			if ip := strings.TrimSpace(strings.Split(fwd, ",")[0]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// baseURL is the origin links handed out should use: the public base URL when one is
// configured, else the one this request came in on.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicBaseURL != "" {
		return strings.TrimRight(s.cfg.PublicBaseURL, "/")
	}
	scheme := "http"
	if s.requestIsHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + s.forwardedHostPort(r)
}

// secureCookies reports whether the session cookie must be Secure: always when the
// instance is public, and whenever the request itself is HTTPS.
func (s *Server) secureCookies(r *http.Request) bool {
	return s.cfg.Exposure == ExposurePublic || s.requestIsHTTPS(r)
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		MaxAge: int(expires.Sub(s.store.Now()).Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies(r)})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secureCookies(r)})
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}
