package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestPortabilityRoundTrip exports a company with issues, imports the package into a
// fresh instance with a preview first, and exports again: the two packages are the
// same file for file (only exportedAt differs).
func TestPortabilityRoundTrip(t *testing.T) {
	a := newEnv(t)
	f := seedPortability(t, a)
	all := map[string]any{"include": map[string]any{"issues": true}}
	first := exportFiles(t, a, f.companyID, all)
	for _, p := range []string{"COMPANY.md", ".paperclip.yaml", "README.md", "agents/ceo/AGENTS.md", "agents/cto/AGENTS.md",
		"projects/website/PROJECT.md", "tasks/lea-1/TASK.md", "tasks/lea-1/docs/plan.md", "skills/research/SKILL.md",
		"skills/research/references/deep.md", "assets/logo.png"} {
		if _, ok := first[p]; !ok {
			t.Errorf("export lacks %s; has %v", p, keys(first))
		}
	}
	if !strings.Contains(first["agents/ceo/AGENTS.md"].(string), "Plan the roadmap.") {
		t.Errorf("instructions not exported: %q", first["agents/ceo/AGENTS.md"])
	}
	side := first[".paperclip.yaml"].(string)
	for _, want := range []string{"ANTHROPIC_API_KEY:", "kind: secret", "LOG_LEVEL:", "default: debug", "repoUrl: https://github.com/acme/site",
		"blockedBy:", "parent: lea-1", "authorAgentSlug: cto"} {
		if !strings.Contains(side, want) {
			t.Errorf("sidecar lacks %q:\n%s", want, side)
		}
	}
	if strings.Contains(side, "/home/me/work") || strings.Contains(side, "instructionsFilePath") {
		t.Errorf("machine-specific values exported:\n%s", side)
	}

	b := newEnv(t)
	body := map[string]any{"source": inline(first), "target": map[string]any{"mode": "new_company"}}
	pv := b.do("POST", "/api/companies/import/preview", body)
	if w := pv.JSON()["warnings"].([]any); len(w) != 2 || w[0] != "agent ceo needs ANTHROPIC_API_KEY" {
		t.Errorf("preview warnings without secret values: %v", w)
	}
	body["secretValues"] = map[string]any{"ANTHROPIC_API_KEY": "new-instance-key", "GITHUB_TOKEN": "new-token"}
	pv = b.do("POST", "/api/companies/import/preview", body)
	if pv.Status != 200 {
		t.Fatalf("preview: %d %s", pv.Status, pv.Body)
	}
	plan := pv.JSON()["plan"].(map[string]any)
	if plan["companyAction"] != "create" || len(plan["agentPlans"].([]any)) != 2 || len(plan["issuePlans"].([]any)) != 3 {
		t.Fatalf("plan: %s", pv.Body)
	}
	if companyCount(t, b) != 0 {
		t.Fatal("preview wrote a company")
	}
	res := b.do("POST", "/api/companies/import", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("apply: %d %s", res.Status, res.Body)
	}
	newID := res.JSON()["company"].(map[string]any)["id"].(string)
	if w := b.wakes.take(); len(w) != 0 {
		t.Errorf("import woke agents: %v", w)
	}
	for _, ag := range b.do("GET", "/api/companies/"+newID+"/agents", nil).List() {
		hb := ag["runtimeConfig"].(map[string]any)["heartbeat"].(map[string]any)
		if hb["enabled"] != false {
			t.Errorf("agent %v heartbeat enabled: %v", ag["name"], hb)
		}
	}
	if c := b.do("GET", "/api/companies/"+newID, nil).JSON(); c["logoUrl"] == nil || c["brandColor"] != "#2563eb" {
		t.Errorf("imported company branding: %v", c)
	}
	second := exportFiles(t, b, newID, all)
	if got, want := comparable(second), comparable(first); !reflect.DeepEqual(got, want) {
		for p := range want {
			if got[p] != want[p] {
				t.Errorf("%s differs after the round trip:\n--- first\n%s\n--- second\n%s", p, want[p], got[p])
			}
		}
		for p := range got {
			if _, ok := want[p]; !ok {
				t.Errorf("second export has extra %s", p)
			}
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestExportNeverContainsSecretValues greps every byte of the JSON export, its preview
// and the zip export for the seeded secret value and the sensitive plain value.
func TestExportNeverContainsSecretValues(t *testing.T) {
	e := newEnv(t)
	f := seedPortability(t, e)
	body := map[string]any{"include": map[string]any{"issues": true}}
	var blobs [][]byte
	for _, p := range []string{"/export", "/exports", "/exports/preview"} {
		r := e.do("POST", "/api/companies/"+f.companyID+p, body)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", p, r.Status, r.Body)
		}
		blobs = append(blobs, r.Body)
	}
	z := e.do("POST", "/api/companies/"+f.companyID+"/export?format=zip", body)
	if z.Status != 200 || z.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip export: %d %s", z.Status, z.Header)
	}
	if cd := z.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="lean-dev-shop-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	zr, err := zip.NewReader(bytes.NewReader(z.Body), int64(len(z.Body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "lean-dev-shop/") {
			t.Errorf("zip entry %s not under the root folder", zf.Name)
		}
		rc, _ := zf.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		blobs = append(blobs, data)
	}
	if len(zr.File) < 8 {
		t.Fatalf("zip has %d entries", len(zr.File))
	}
	for i, b := range blobs {
		for _, secret := range []string{fixtureSecretValue, fixturePlainToken} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("blob %d contains a secret value %q", i, secret)
			}
		}
	}
	if !bytes.Contains(blobs[0], []byte("GITHUB_TOKEN")) {
		t.Error("the sensitive input is not even declared by name")
	}
}

// TestImportPreviewListsCollisions imports a company's own package back into it: every
// agent and project collides, and each strategy plans what it says.
func TestImportPreviewListsCollisions(t *testing.T) {
	e := newEnv(t)
	f := seedPortability(t, e)
	files := exportFiles(t, e, f.companyID, nil)
	target := map[string]any{"mode": "existing_company", "companyId": f.companyID}
	plans := func(strategy string) map[string]any {
		r := e.do("POST", "/api/companies/import/preview", map[string]any{"source": inline(files), "target": target, "collisionStrategy": strategy})
		if r.Status != 200 {
			t.Fatalf("%s preview: %d %s", strategy, r.Status, r.Body)
		}
		return r.JSON()["plan"].(map[string]any)
	}
	agentPlan := func(plan map[string]any, slug string) map[string]any {
		for _, p := range plan["agentPlans"].([]any) {
			if p.(map[string]any)["slug"] == slug {
				return p.(map[string]any)
			}
		}
		t.Fatalf("no plan for %s: %v", slug, plan)
		return nil
	}
	ren := agentPlan(plans("rename"), "ceo")
	if ren["action"] != "create" || ren["plannedName"] != "CEO 2" || !strings.Contains(ren["reason"].(string), "Renamed from") {
		t.Errorf("rename plan: %v", ren)
	}
	skip := plans("skip")
	if p := agentPlan(skip, "ceo"); p["action"] != "skip" || p["existingAgentId"] != f.ceoID {
		t.Errorf("skip plan: %v", p)
	}
	if p := skip["projectPlans"].([]any)[0].(map[string]any); p["action"] != "skip" || p["existingProjectId"] != f.projectID {
		t.Errorf("skip project plan: %v", p)
	}
	if p := skip["skillPlans"].([]any)[0].(map[string]any); p["action"] != "skip" {
		t.Errorf("skip skill plan: %v", p)
	}
	if p := agentPlan(plans("replace"), "cto"); p["action"] != "update" || p["existingAgentId"] != f.ctoID {
		t.Errorf("replace plan: %v", p)
	}
	if p := plans("rename")["skillPlans"].([]any)[0].(map[string]any); p["plannedSlug"] != "research-2" {
		t.Errorf("rename skill plan: %v", p)
	}

	// Applying skip keeps the company as it was but resolves references to what exists.
	before := len(e.do("GET", "/api/companies/"+f.companyID+"/agents", nil).List())
	r := e.do("POST", "/api/companies/import", map[string]any{"source": inline(files), "target": target, "collisionStrategy": "skip"})
	if r.Status != 200 {
		t.Fatalf("skip apply: %d %s", r.Status, r.Body)
	}
	if after := len(e.do("GET", "/api/companies/"+f.companyID+"/agents", nil).List()); after != before {
		t.Errorf("skip created agents: %d → %d", before, after)
	}
	// Rename adds new agents whose org tree points at the renamed manager.
	r = e.do("POST", "/api/companies/import", map[string]any{"source": inline(files), "target": target})
	if r.Status != 200 {
		t.Fatalf("rename apply: %d %s", r.Status, r.Body)
	}
	var newCEO, newCTO map[string]any
	for _, ag := range e.do("GET", "/api/companies/"+f.companyID+"/agents", nil).List() {
		switch ag["name"] {
		case "CEO 2":
			newCEO = ag
		case "CTO 2":
			newCTO = ag
		}
	}
	if newCEO == nil || newCTO == nil || newCTO["reportsTo"] != newCEO["id"] {
		t.Fatalf("renamed agents: ceo %v cto %v", newCEO, newCTO)
	}
}

// TestSafeImportRoutesRefuseReplaceAndOtherTargets: the company-scoped import routes
// only write into their own company and never replace.
func TestSafeImportRoutesRefuseReplaceAndOtherTargets(t *testing.T) {
	e := newEnv(t)
	f := seedPortability(t, e)
	other := e.mustCompany("Other")["id"].(string)
	files := exportFiles(t, e, f.companyID, nil)
	for _, route := range []string{"imports/preview", "imports/apply"} {
		for _, as := range [][]string{nil, bearer(f.ceoKey)} {
			path := "/api/companies/" + f.companyID + "/" + route
			r := e.do("POST", path, map[string]any{"source": inline(files), "collisionStrategy": "replace",
				"target": map[string]any{"mode": "existing_company", "companyId": f.companyID}}, as...)
			if r.Status != 403 || r.JSON()["error"] != "Safe import route does not allow replace collision strategy" {
				t.Errorf("%s replace as %v: %d %s", route, as, r.Status, r.Body)
			}
			for _, target := range []map[string]any{{"mode": "existing_company", "companyId": other}, {"mode": "new_company"}} {
				r = e.do("POST", path, map[string]any{"source": inline(files), "target": target}, as...)
				if r.Status != 403 || r.JSON()["error"] != "Safe import route can only target the route company" {
					t.Errorf("%s target %v as %v: %d %s", route, target, as, r.Status, r.Body)
				}
			}
		}
	}
	// The CEO may run the safe flow on its own company.
	r := e.do("POST", "/api/companies/"+f.companyID+"/imports/apply", map[string]any{"source": inline(files),
		"target": map[string]any{"mode": "existing_company", "companyId": f.companyID}}, bearer(f.ceoKey)...)
	if r.Status != 200 {
		t.Fatalf("CEO safe apply: %d %s", r.Status, r.Body)
	}
	if len(e.do("GET", "/api/companies/"+other+"/agents", nil).List()) != 0 {
		t.Error("the other company got agents")
	}
}

// TestCEOPortabilityOnlyOwnCompany: a CEO agent previews and exports its own company;
// another company is 403, and a non-CEO agent is refused the strict flows.
func TestCEOPortabilityOnlyOwnCompany(t *testing.T) {
	e := newEnv(t)
	f := seedPortability(t, e)
	other := e.mustCompany("Other")["id"].(string)
	for _, p := range []string{"/export", "/exports", "/exports/preview"} {
		if r := e.do("POST", "/api/companies/"+f.companyID+p, map[string]any{}, bearer(f.ceoKey)...); r.Status != 200 {
			t.Errorf("CEO %s own company: %d %s", p, r.Status, r.Body)
		}
		if r := e.do("POST", "/api/companies/"+other+p, map[string]any{}, bearer(f.ceoKey)...); r.Status != 403 {
			t.Errorf("CEO %s other company: %d %s", p, r.Status, r.Body)
		}
	}
	r := e.do("POST", "/api/companies/"+f.companyID+"/exports/preview", map[string]any{}, bearer(f.ctoKey)...)
	if r.Status != 403 || r.JSON()["error"] != "Only CEO agents can manage company exports" {
		t.Errorf("CTO exports/preview: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/api/companies/"+f.companyID+"/export", map[string]any{}, bearer(f.ctoKey)...); r.Status != 200 {
		t.Errorf("CTO export (any company caller): %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/companies/"+f.companyID+"/imports/preview", map[string]any{}, bearer(f.ctoKey)...)
	if r.Status != 403 || r.JSON()["error"] != "Only CEO agents can manage company imports" {
		t.Errorf("CTO imports/preview: %d %s", r.Status, r.Body)
	}
	for _, p := range []string{"/api/companies/import/preview", "/api/companies/import"} {
		if r := e.do("POST", p, map[string]any{}, bearer(f.ceoKey)...); r.Status != 403 {
			t.Errorf("CEO on board route %s: %d %s", p, r.Status, r.Body)
		}
	}
	pv := e.do("POST", "/api/companies/"+f.companyID+"/exports/preview", map[string]any{}, bearer(f.ceoKey)...).JSON()
	if c := pv["counts"].(map[string]any); c["agents"] != float64(2) || c["projects"] != float64(1) {
		t.Errorf("preview counts: %v", c)
	}
	if r := e.do("POST", "/api/companies/"+f.companyID+"/export", map[string]any{"agents": []any{"nobody"}}); r.Status != 422 ||
		r.JSON()["error"] != "Unknown agent in selection: nobody" {
		t.Errorf("unknown selector: %d %s", r.Status, r.Body)
	}
}

// TestSkillRoutes lists, reads and deletes a company skill; deleting it takes it out
// of the agents that wanted it.
func TestSkillRoutes(t *testing.T) {
	e := newEnv(t)
	f := seedPortability(t, e)
	list := e.do("GET", "/api/companies/"+f.companyID+"/skills", nil).List()
	if len(list) != 1 || list[0]["slug"] != "research" || len(list[0]["usedByAgentIds"].([]any)) != 1 {
		t.Fatalf("skills: %v", list)
	}
	md := e.do("GET", "/api/companies/"+f.companyID+"/skills/research", nil)
	if md.Status != 200 || !strings.HasPrefix(md.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(string(md.Body), "Read first.") {
		t.Fatalf("skill get: %d %s %s", md.Status, md.Header, md.Body)
	}
	if r := e.do("GET", "/api/companies/"+f.companyID+"/skills/nope", nil); r.Status != 404 || r.JSON()["error"] != "Skill not found" {
		t.Errorf("unknown skill: %d %s", r.Status, r.Body)
	}
	if r := e.do("DELETE", "/api/companies/"+f.companyID+"/skills/paperclip", nil); r.Status != 403 {
		t.Errorf("delete built-in: %d %s", r.Status, r.Body)
	}
	if r := e.do("DELETE", "/api/companies/"+f.companyID+"/skills/research", nil, bearer(f.ceoKey)...); r.Status != 403 {
		t.Errorf("agent delete: %d %s", r.Status, r.Body)
	}
	if r := e.do("DELETE", "/api/companies/"+f.companyID+"/skills/research", nil); r.Status != 200 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	ceo := e.do("GET", "/api/agents/"+f.ceoID, nil).JSON()
	if d := ceo["adapterConfig"].(map[string]any)["paperclipSkillSync"].(map[string]any)["desiredSkills"].([]any); len(d) != 0 {
		t.Errorf("desiredSkills after delete: %v", d)
	}
}

// TestImportWritesInstructionsFile: an imported claude agent's instructions land in
// the instance's agents folder and its config points at them.
func TestImportWritesInstructionsFile(t *testing.T) {
	a := newEnv(t)
	f := seedPortability(t, a)
	files := exportFiles(t, a, f.companyID, nil)
	b := newEnv(t)
	res := b.do("POST", "/api/companies/import", map[string]any{"source": inline(files), "target": map[string]any{"mode": "new_company", "newCompanyName": "Copy"}})
	if res.Status != 201 {
		t.Fatalf("apply: %d %s", res.Status, res.Body)
	}
	for _, ag := range res.JSON()["agents"].([]any) {
		if ag.(map[string]any)["slug"] != "ceo" {
			continue
		}
		got := b.do("GET", "/api/agents/"+ag.(map[string]any)["id"].(string), nil).JSON()
		path, _ := got["adapterConfig"].(map[string]any)["instructionsFilePath"].(string)
		data, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(data), "Plan the roadmap.") || !strings.HasPrefix(path, b.cfg.InstanceDir) {
			t.Fatalf("instructions at %q: %v %q", path, err, data)
		}
		return
	}
	t.Fatal("no ceo imported")
}

// TestCEOImportKeepsBoardDecisions: through the company-scoped flow a CEO agent may
// bring agents and branding in, but not change the approval flag or budget, set
// secret values, or bind company secrets to the agents it imports.
func TestCEOImportKeepsBoardDecisions(t *testing.T) {
	e := newEnv(t)
	f := seedPortability(t, e)
	files := exportFiles(t, e, f.companyID, nil)
	side := files[".paperclip.yaml"].(string)
	files[".paperclip.yaml"] = strings.Replace(side, "budgetMonthlyCents: 50000", "budgetMonthlyCents: 99999\n  requireBoardApprovalForNewAgents: true", 1)
	path := "/api/companies/" + f.companyID + "/imports/apply"
	body := map[string]any{"source": inline(files), "target": map[string]any{"mode": "existing_company", "companyId": f.companyID}}
	body["secretValues"] = map[string]any{"ANTHROPIC_API_KEY": "from-the-agent"}
	if r := e.do("POST", path, body, bearer(f.ceoKey)...); r.Status != 403 || r.JSON()["error"] != "Only the board can set secret values" {
		t.Fatalf("agent secretValues: %d %s", r.Status, r.Body)
	}
	delete(body, "secretValues")
	r := e.do("POST", path, body, bearer(f.ceoKey)...)
	if r.Status != 200 {
		t.Fatalf("CEO apply: %d %s", r.Status, r.Body)
	}
	c := e.do("GET", "/api/companies/"+f.companyID, nil).JSON()
	if c["budgetMonthlyCents"] != float64(50000) || c["requireBoardApprovalForNewAgents"] != false {
		t.Errorf("a CEO import changed board settings: %v", c)
	}
	for _, ag := range r.JSON()["agents"].([]any) {
		if ag.(map[string]any)["slug"] != "ceo" {
			continue
		}
		got := e.do("GET", "/api/agents/"+ag.(map[string]any)["id"].(string), nil).JSON()
		if env, _ := got["adapterConfig"].(map[string]any)["env"].(map[string]any); env["ANTHROPIC_API_KEY"] != nil {
			t.Errorf("a CEO import bound a company secret: %v", env)
		}
	}
	if w, _ := json.Marshal(r.JSON()["warnings"]); !strings.Contains(string(w), "agent ceo needs ANTHROPIC_API_KEY: ask the board to bind it") {
		t.Errorf("warnings: %s", w)
	}
	// With board approval required, the CEO cannot bring agents in at all.
	e.do("PATCH", "/api/companies/"+f.companyID, map[string]any{"requireBoardApprovalForNewAgents": true})
	if r := e.do("POST", path, body, bearer(f.ceoKey)...); r.Status != 422 {
		t.Errorf("CEO import under board approval: %d %s", r.Status, r.Body)
	}
}
