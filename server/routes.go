package server

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/gorilla/mux"
)

// route is one entry of the API route table. The table drives registration, the access
// check that runs before the handler, and /api/openapi.json.
type route struct {
	method  string
	path    string
	who     string // access rule; see access.go. "custom": handler checks beyond "any"
	summary string
	handler http.HandlerFunc
}

const whoCustom = "custom"

// routes is the whole API. Order matters where a literal segment and a variable
// compete (/companies/stats before /companies/{companyId}).
func (s *Server) routes() []route {
	var rs []route
	rs = append(rs, s.healthRoutes()...)
	rs = append(rs, s.skillRoutes()...)
	rs = append(rs, s.authRoutes()...)
	rs = append(rs, s.boardKeyRoutes()...)
	rs = append(rs, s.boardClaimRoutes()...)
	rs = append(rs, s.inviteRoutes()...)
	rs = append(rs, s.joinRequestRoutes()...)
	rs = append(rs, s.memberRoutes()...)
	rs = append(rs, s.adminUserRoutes()...)
	rs = append(rs, s.portabilityRoutes()...)
	rs = append(rs, s.companyRoutes()...)
	rs = append(rs, s.assetRoutes()...)
	rs = append(rs, s.activityRoutes()...)
	rs = append(rs, s.eventRoutes()...)
	rs = append(rs, s.agentRoutes()...)
	rs = append(rs, s.issueRoutes()...)
	rs = append(rs, s.issueCheckoutRoutes()...)
	rs = append(rs, s.issueCommentRoutes()...)
	rs = append(rs, s.issueHeartbeatContextRoutes()...)
	rs = append(rs, s.issueAttachmentRoutes()...)
	rs = append(rs, s.issueDocumentRoutes()...)
	rs = append(rs, s.labelRoutes()...)
	rs = append(rs, s.issueExtraRoutes()...)
	rs = append(rs, s.goalRoutes()...)
	rs = append(rs, s.projectRoutes()...)
	rs = append(rs, s.approvalRoutes()...)
	rs = append(rs, s.oversightRoutes()...)
	return rs
}

func (s *Server) buildRouter() http.Handler {
	table := s.routes()
	table = append(table, route{http.MethodGet, "/api/openapi.json", whoPublic, "OpenAPI document of this API", nil})
	handlers := make([]http.Handler, len(table))
	for i, rt := range table {
		h := rt.handler
		if rt.path == "/api/openapi.json" {
			doc := openAPI(s.cfg.Version, table)
			h = func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, doc) }
		}
		handlers[i] = s.guard(rt, h)
	}
	apiNotFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{Error: "API route not found"})
	})
	ui := s.uiHandler()
	// newMux registers the routes picked (in table order) and the fallbacks.
	newMux := func(picked []int) *mux.Router {
		r := mux.NewRouter()
		for _, i := range picked {
			r.Handle(table[i].path, handlers[i]).Methods(table[i].method)
		}
		r.Path("/api").Handler(apiNotFound)
		r.PathPrefix("/api/").Handler(apiNotFound)
		r.PathPrefix("/").Handler(ui)
		// A known path with another method is answered like an unknown one (no 405).
		r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api") {
				apiNotFound(w, r)
				return
			}
			ui.ServeHTTP(w, r)
		})
		r.NotFoundHandler = r.MethodNotAllowedHandler
		return r
	}
	all := make([]int, len(table))
	for i := range all {
		all[i] = i
	}
	return newRouteIndex(table, newMux(all), newMux)
}

// guard runs the route's declarative access rule before its handler.
func (s *Server) guard(rt route, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := actorOf(r)
		switch rt.who {
		case whoCRead, whoCWrite, whoCBoard:
			if err := s.companyAccess(r, mux.Vars(r)["companyId"], rt.who); err != nil {
				s.writeError(w, r, err)
				return
			}
		case whoCExport, whoCImport:
			if err := s.portabilityAccess(r, rt.who); err != nil {
				s.writeError(w, r, err)
				return
			}
		case whoCustom:
			if err := checkWho(a, whoAny); err != nil {
				s.writeError(w, r, err)
				return
			}
		default:
			if err := checkWho(a, rt.who); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		h(w, r)
	})
}

var pathVarRe = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// openAPI renders a minimal OpenAPI 3 document from the route table.
func openAPI(version string, table []route) map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range table {
		p := paths[rt.path]
		if p == nil {
			p = map[string]any{}
			paths[rt.path] = p
		}
		var params []map[string]any
		for _, m := range pathVarRe.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		op := map[string]any{
			"summary":            rt.summary,
			"x-paperclip-access": rt.who,
			"responses":          map[string]any{"default": map[string]string{"description": "JSON entity or {\"error\": string}"}},
		}
		if params != nil {
			op["parameters"] = params
		}
		p[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]string{"title": "Paperclip API", "version": version},
		"servers": []map[string]string{{"url": "/"}},
		"paths":   paths,
	}
}
