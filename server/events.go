package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/server/live"
)

// eventsSocketSuffix ends the live-events path /api/companies/{companyId}/events/ws.
const eventsSocketSuffix = "/events/ws"

func (s *Server) eventRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}" + eventsSocketSuffix, whoCRead,
			"Live events of a company (WebSocket; bearer header or ?token=)", s.handleEventsSocket},
	}
}

// isEventsSocket reports whether r is for the live-events socket, the one route that
// accepts its bearer as a query parameter.
func isEventsSocket(r *http.Request) bool {
	p := r.URL.Path
	if r.Method != http.MethodGet || !strings.HasPrefix(p, "/api/companies/") || !strings.HasSuffix(p, eventsSocketSuffix) {
		return false
	}
	id := strings.TrimSuffix(strings.TrimPrefix(p, "/api/companies/"), eventsSocketSuffix)
	return id != "" && !strings.Contains(id, "/")
}

// SetLive attaches the live-events hub that serves the events socket. It is called
// once, before the handler serves; a server without a hub answers the socket 404.
func (s *Server) SetLive(h *live.Hub) { s.live = h }

// handleEventsSocket runs after the route's C:read check, so an unauthorised caller
// (no credential, another company's key) is refused with a JSON 401/403 before any
// upgrade happens.
func (s *Server) handleEventsSocket(w http.ResponseWriter, r *http.Request) {
	switch {
	case s.live == nil:
		writeJSON(w, http.StatusNotFound, errorBody{Error: "Live events are not available on this server"})
	case !live.IsUpgrade(r):
		w.Header().Set("Upgrade", "websocket")
		writeJSON(w, http.StatusUpgradeRequired, errorBody{Error: "WebSocket upgrade required"})
	case !s.trustedOrigin(r):
		// The same origin rule as board mutations: a page on another site must not
		// read a company's events through the local board's implicit session.
		writeJSON(w, http.StatusForbidden, errorBody{Error: "WebSocket origin not allowed"})
	default:
		s.live.ServeWS(w, r, mux.Vars(r)["companyId"])
	}
}
