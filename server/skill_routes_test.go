package server_test

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	pcembed "paperclip/embed"
	"paperclip/server"
)

// skillRoutesPending are routes the skill teaches that the runtime spec requires but
// that have not landed on this branch yet. The test fails once one is registered, so
// the entry is removed and the route is checked like the others from then on.
var skillRoutesPending = map[string]string{}

// TestSkillRoutesExist extracts every "METHOD /api/..." of the agent skill and requires
// each to be a route of this server: a skill teaching a route that answers 404 would
// send every agent into a failing call on every heartbeat.
func TestSkillRoutesExist(t *testing.T) {
	b, err := fs.ReadFile(pcembed.Skills(), "paperclip/SKILL.md")
	if err != nil {
		t.Fatal(err)
	}
	vars := regexp.MustCompile(`\{[^}/]*\}`)
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("(GET|POST|PATCH|PUT|DELETE) (/api/[^\\s`?\"]+)").FindAllStringSubmatch(string(b), -1) {
		named[m[1]+" "+vars.ReplaceAllString(m[2], "{}")] = true
	}
	if len(named) < 10 {
		t.Fatalf("only %d routes found in the skill: extraction broken?", len(named))
	}
	e := newEnv(t)
	registered := map[string]bool{}
	for p, methods := range e.do("GET", "/api/openapi.json", nil).JSON()["paths"].(map[string]any) {
		for m := range methods.(map[string]any) {
			registered[strings.ToUpper(m)+" "+vars.ReplaceAllString(p, "{}")] = true
		}
	}
	var missing []string
	for r := range named {
		_, pending := skillRoutesPending[r]
		switch {
		case registered[r] && pending:
			t.Errorf("%s is registered now: remove it from skillRoutesPending", r)
		case !registered[r] && !pending:
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("the skill names routes this server does not have:\n%s", strings.Join(missing, "\n"))
	}
	for r := range skillRoutesPending {
		if !named[r] {
			t.Errorf("pending route %s is no longer in the skill: remove it", r)
		}
	}
}

// TestSkillRoutesServeTheVersionedSkill: the index and the document are public, the
// document is markdown with this binary's version in place of the placeholder, and an
// unknown skill is the JSON 404 of the spec.
func TestSkillRoutesServeTheVersionedSkill(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.DeploymentMode, c.Version = server.ModeAuthenticated, "9.8.7" })
	idx := e.do("GET", "/api/skills/index", nil)
	if idx.Status != 200 || strings.TrimSpace(string(idx.Body)) != `{"skills":[{"name":"paperclip","path":"/api/skills/paperclip"}]}` {
		t.Fatalf("index without credentials: %d %s", idx.Status, idx.Body)
	}
	doc := e.do("GET", "/api/skills/paperclip", nil)
	if doc.Status != 200 || doc.Header.Get("Content-Type") != "text/markdown; charset=utf-8" {
		t.Fatalf("skill: %d %q", doc.Status, doc.Header.Get("Content-Type"))
	}
	body := string(doc.Body)
	if !strings.Contains(body, `paperclipVersion: "9.8.7"`) || strings.Contains(body, pcembed.SkillVersionPlaceholder) ||
		!strings.Contains(body, "\n<!-- paperclip-managed -->\n") {
		t.Errorf("served skill lacks the version or the marker:\n%.400s", body)
	}
	if installed, _ := server.AgentSkill("paperclip", "9.8.7"); string(installed) != body {
		t.Error("the bytes handed to the CLI adapters differ from the served ones")
	}
	for _, name := range []string{"nope", "paperclip.md", "Paperclip"} {
		r := e.do("GET", "/api/skills/"+name, nil)
		if r.Status != 404 || strings.TrimSpace(string(r.Body)) != `{"error":"Skill not found"}` {
			t.Errorf("GET /api/skills/%s: %d %s", name, r.Status, r.Body)
		}
	}
}
