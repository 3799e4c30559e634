package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// TestRouteIndexMatchesAsTheWholeRouter asks the router of the whole table and the
// index's router for the same request which route and handler answer it, for every
// route template filled in, one segment more or less, a trailing slash, and paths of
// no route, in every method: they must agree on all of them. Paths gorilla cleans
// (a double slash, a dot segment) must get the same redirect.
func TestRouteIndexMatchesAsTheWholeRouter(t *testing.T) {
	s := &Server{cfg: Config{}.withDefaults(), logger: slog.New(slog.DiscardHandler)}
	x, ok := s.buildRouter().(*routeIndex)
	if !ok {
		t.Fatal("the route table is no longer indexable: every request would try every route")
	}
	vars := regexp.MustCompile(`\{[^}]+\}`)
	paths := []string{"/", "/api", "/api/", "/api/nope", "/api/nope/x", "/issues/x", "/api/issues/", "/api/companies//issues"}
	for _, rt := range s.routes() {
		p := vars.ReplaceAllString(rt.path, "x1")
		paths = append(paths, p, p+"/", p+"/more", p[:strings.LastIndexByte(p, '/')], strings.ToUpper(p))
	}
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}
	checked := 0
	for _, p := range paths {
		for _, m := range methods {
			req := httptest.NewRequest(m, "http://127.0.0.1"+p, nil)
			want, got := describeMatch(x.all, req), describeMatch(x.routerFor(req.URL.Path), req)
			if got != want {
				t.Errorf("%s %s: index answers %s, the whole router %s", m, p, got, want)
			}
			checked++
		}
	}
	for _, p := range []string{"/api//issues/x1", "/api/issues/x1/../../companies/x1", "/api/issues/./x1", "/api/companies/x1//issues"} {
		want, got := httptest.NewRecorder(), httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+p, nil)
		x.all.ServeHTTP(want, req)
		x.routerFor(req.URL.Path).ServeHTTP(got, req)
		if got.Code != want.Code || got.Header().Get("Location") != want.Header().Get("Location") || want.Code != http.StatusMovedPermanently {
			t.Errorf("GET %s: index %d %q, whole router %d %q", p, got.Code, got.Header().Get("Location"), want.Code, want.Header().Get("Location"))
		}
	}
	if len(x.groups) < 20 || checked < 1000 {
		t.Fatalf("%d groups, %d requests checked: the test no longer covers the table", len(x.groups), checked)
	}
}

// describeMatch is what r decides for req: whether it matched, the route's template
// and methods, the match error and the handler's code (handlers are shared between
// the routers, and each router's own fallbacks are closures of the same code).
func describeMatch(r *mux.Router, req *http.Request) string {
	var m mux.RouteMatch
	ok := r.Match(req, &m)
	route := "no route"
	if m.Route != nil {
		tpl, _ := m.Route.GetPathTemplate()
		methods, _ := m.Route.GetMethods()
		route = tpl + " " + strings.Join(methods, ",")
	}
	handler := uintptr(0)
	if m.Handler != nil {
		handler = reflect.ValueOf(m.Handler).Pointer()
	}
	return fmt.Sprintf("%v %s err=%v handler=%#x vars=%v", ok, route, m.MatchErr, handler, m.Vars)
}
