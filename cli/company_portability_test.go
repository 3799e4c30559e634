package cli

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedExportable builds a small company through the CLI: a CEO, a CTO reporting to
// it, a project led by the CTO.
func seedExportable(t *testing.T, e *apiEnv) (companyID, ceoID string) {
	t.Helper()
	companyID = e.company("Lean Dev Shop")
	var ceo, cto entity
	e.mustJSON(&ceo, "agent", "create", "--payload-json", `{"name":"CEO","role":"ceo","adapterType":"process","adapterConfig":{"command":"true"}}`)
	e.mustJSON(&cto, "agent", "create", "--payload-json", `{"name":"CTO","role":"cto","reportsTo":"`+ceo.ID+`","adapterType":"process","adapterConfig":{"command":"true"}}`)
	var p entity
	e.mustJSON(&p, "project", "create", "--name", "Website", "--lead-agent-id", cto.ID)
	return companyID, ceo.ID
}

// TestCompanyExportImportThroughTheCLI exports a company to a folder and a zip, then
// imports it into another server: a dry run prints the plan, a non-terminal without
// --yes is refused, --yes applies.
func TestCompanyExportImportThroughTheCLI(t *testing.T) {
	src := newAPIEnv(t)
	cid, _ := seedExportable(t, src)
	out := filepath.Join(t.TempDir(), "pkg")
	r := src.mustRun("", "company", "export", cid, "--out", out)
	r.has(t, "Exported Lean Dev Shop to "+out+": ", "(agents 2, projects 1, issues 0, skills 0)")
	for _, p := range []string{"COMPANY.md", ".paperclip.yaml", "agents/ceo/AGENTS.md", "agents/cto/AGENTS.md", "projects/website/PROJECT.md"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("exported folder lacks %s: %v", p, err)
		}
	}
	if r := src.run("", "company", "export", cid, "--out", out); r.code != 1 || !strings.Contains(r.stderr, "is not empty") {
		t.Errorf("export into a non-empty folder: %d %s", r.code, r.stderr)
	}
	zipPath := filepath.Join(t.TempDir(), "shop.zip")
	src.mustRun("", "company", "export", cid, "--out", zipPath, "--zip")
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	zr.Close()
	if !names["lean-dev-shop/COMPANY.md"] || !names["lean-dev-shop/agents/cto/AGENTS.md"] {
		t.Errorf("zip entries: %v", names)
	}

	dst := newAPIEnv(t)
	plan := dst.mustRun("", "company", "import", out, "--dry-run")
	plan.has(t, `Import plan → new company "Lean Dev Shop" (collision: rename)`,
		`  agents    create ceo "CEO", create cto "CTO"`, `  projects  create website "Website"`)
	if r := dst.run("", "company", "import", out); r.code != 1 || !strings.Contains(r.stderr, "Refusing to import without --yes") {
		t.Fatalf("non-tty import without --yes: %d %s", r.code, r.stderr)
	}
	var list []entity
	dst.mustJSON(&list, "company", "list")
	if len(list) != 0 {
		t.Fatalf("dry run or refusal wrote: %v", list)
	}
	res := dst.mustRun("", "company", "import", zipPath, "--yes")
	res.has(t, "Imported into Lean Dev Shop (LEA): agents 2 created, projects 1 created", "Open: "+dst.srv.URL+"/LEA/dashboard")
	dst.tty = true
	res = dst.mustRun("y\n", "company", "import", out, "--new-company-name", "Second Shop")
	res.has(t, "Apply this import?", "Imported into Second Shop")
	dst.mustJSON(&list, "company", "list")
	if len(list) != 2 {
		t.Fatalf("companies after two imports: %v", list)
	}
	if r := dst.run("", "company", "import", "https://example.com/pkg.zip"); r.code != 1 ||
		!strings.Contains(r.stderr, "Importing from URLs is not supported yet; download the package first") {
		t.Errorf("URL import: %d %s", r.code, r.stderr)
	}
}

// TestCompanyImportWithAgentKeyUsesTheSafeRoutes: a CEO key imports into its own
// company through imports/preview and imports/apply; replace is refused there.
func TestCompanyImportWithAgentKeyUsesTheSafeRoutes(t *testing.T) {
	e := newAPIEnv(t)
	cid, ceoID := seedExportable(t, e)
	out := filepath.Join(t.TempDir(), "pkg")
	e.mustRun("", "company", "export", cid, "--out", out)
	e.env["PAPERCLIP_API_KEY"] = e.agentKey(ceoID)
	res := e.mustRun("", "company", "import", out, "--yes")
	res.has(t, `Import plan → existing company "Lean Dev Shop" (collision: rename)`, `rename ceo → "CEO 2"`, "agents 2 created")
	if got := e.lastRequest(t, "POST", "/api/companies/").URL.Path; got != "/api/companies/"+cid+"/imports/apply" {
		t.Errorf("applied through %s", got)
	}
	r := e.run("", "company", "import", out, "--collision", "replace", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "Safe import route does not allow replace collision strategy") {
		t.Errorf("agent replace: %d %s", r.code, r.stderr)
	}
}
