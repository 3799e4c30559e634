package server_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// postZip sends a zip as application/zip with the rest of the body in ?meta=.
func postZip(e *env, path string, data []byte, meta map[string]any) resp {
	e.t.Helper()
	raw, _ := json.Marshal(meta)
	return e.do("POST", path+"?meta="+url.QueryEscape(string(raw)), data, "Content-Type", "application/zip")
}

var newTarget = map[string]any{"target": map[string]any{"mode": "new_company"}}

// TestImportFromZipAndMultipart imports one exported zip both ways.
func TestImportFromZipAndMultipart(t *testing.T) {
	a := newEnv(t)
	f := seedPortability(t, a)
	z := a.do("POST", "/api/companies/"+f.companyID+"/export?format=zip", map[string]any{})
	if z.Status != 200 {
		t.Fatalf("zip export: %d", z.Status)
	}
	b := newEnv(t)
	pv := postZip(b, "/api/companies/import/preview", z.Body, newTarget)
	if pv.Status != 200 || pv.JSON()["targetCompanyName"] != "Lean Dev Shop" {
		t.Fatalf("zip preview: %d %s", pv.Status, pv.Body)
	}
	if r := postZip(b, "/api/companies/import", z.Body, newTarget); r.Status != 201 {
		t.Fatalf("zip apply: %d %s", r.Status, r.Body)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("package", "pkg.zip")
	fw.Write(z.Body)
	mw.WriteField("meta", `{"target":{"mode":"new_company","newCompanyName":"From Multipart"}}`)
	mw.Close()
	r := b.do("POST", "/api/companies/import", buf.Bytes(), "Content-Type", mw.FormDataContentType())
	if r.Status != 201 || r.JSON()["company"].(map[string]any)["name"] != "From Multipart" {
		t.Fatalf("multipart apply: %d %s", r.Status, r.Body)
	}
	if n := companyCount(t, b); n != 2 {
		t.Fatalf("%d companies", n)
	}
}

// TestImportRefusesBadPackages: every malformed or hostile package is a 4xx with a
// clear error naming the problem, and nothing is written.
func TestImportRefusesBadPackages(t *testing.T) {
	e := newEnv(t)
	company := []byte("---\nname: Evil\n---\n")
	zeros := bytes.Repeat([]byte{'0'}, 1<<20+1)
	cases := []struct {
		name   string
		send   func() resp
		status int
		want   string
	}{
		{"zip traversal", func() resp {
			return postZip(e, "/api/companies/import", zipOf(t, map[string][]byte{"COMPANY.md": company, "../evil.md": []byte("x")}), newTarget)
		}, 422, "Invalid package path: ../evil.md"},
		{"zip absolute", func() resp {
			return postZip(e, "/api/companies/import", zipOf(t, map[string][]byte{"COMPANY.md": company, "/etc/cron.d/x": []byte("x")}), newTarget)
		}, 422, "Invalid package path: /etc/cron.d/x"},
		{"zip symlink", func() resp {
			return postZip(e, "/api/companies/import", zipOf(t, map[string][]byte{"COMPANY.md": company, "agents/x/AGENTS.md": nil}), newTarget)
		}, 422, "Invalid package path: agents/x/AGENTS.md"},
		{"zip bomb entry", func() resp {
			return postZip(e, "/api/companies/import", zipOf(t, map[string][]byte{"COMPANY.md": company, "README.md": zeros}), newTarget)
		}, 422, "Package file too large: README.md"},
		{"not a zip", func() resp { return postZip(e, "/api/companies/import", []byte("PK nope"), newTarget) }, 422, "Invalid zip archive"},
		{"inline traversal", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": inline(map[string]any{"COMPANY.md": string(company), "a/../../x": "y"}),
				"target": newTarget["target"]})
		}, 422, "Invalid package path: a/../../x"},
		{"no COMPANY.md", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": inline(map[string]any{"agents/a/AGENTS.md": "hi"}), "target": newTarget["target"]})
		}, 422, "Not a company package (COMPANY.md missing)"},
		{"malformed front matter", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": inline(map[string]any{"COMPANY.md": string(company),
				"agents/ceo/AGENTS.md": "---\nname: CEO\ntitle: [unclosed\n---\nbody\n"}), "target": newTarget["target"]})
		}, 422, "Malformed YAML in agents/ceo/AGENTS.md: line "},
		{"unclosed front matter", func() resp {
			return e.do("POST", "/api/companies/import/preview", map[string]any{"source": inline(map[string]any{"COMPANY.md": "---\nname: X\n"}),
				"target": newTarget["target"]})
		}, 422, "Malformed front matter in COMPANY.md line 1"},
		{"yaml alias", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": inline(map[string]any{"COMPANY.md": string(company),
				".paperclip.yaml": "schema: paperclip/v1\nschemaVersion: 1\nlabels:\n  - &a {name: x, color: '#ffffff'}\n  - *a\n"}), "target": newTarget["target"]})
		}, 422, "Unsupported YAML feature in .paperclip.yaml line 4"},
		{"newer schema", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": inline(map[string]any{"COMPANY.md": string(company),
				".paperclip.yaml": "schema: paperclip/v1\nschemaVersion: 2\n"}), "target": newTarget["target"]})
		}, 422, "Package requires a newer paperclip (schemaVersion 2)"},
		{"invalid role", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": inline(map[string]any{"COMPANY.md": string(company),
				"agents/x/AGENTS.md": "---\nname: X\n---\n", ".paperclip.yaml": "schema: paperclip/v1\nschemaVersion: 1\nagents:\n  x: {role: overlord}\n"}),
				"target": newTarget["target"]})
		}, 422, "Import package has errors"},
		{"github source", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": map[string]any{"type": "github"}, "target": newTarget["target"]})
		}, 422, "GitHub sources are not supported yet"},
		{"bad strategy", func() resp {
			return e.do("POST", "/api/companies/import", map[string]any{"source": inline(map[string]any{"COMPANY.md": string(company)}),
				"target": newTarget["target"], "collisionStrategy": "merge"})
		}, 400, "Validation error"},
		{"body over 64 MiB", func() resp {
			return e.do("POST", "/api/companies/import", `{"source":{"type":"inline","files":{"COMPANY.md":"`+strings.Repeat("a", 65<<20)+`"}}}`)
		}, 413, "Request body too large"},
	}
	for _, c := range cases {
		r := c.send()
		msg, _ := r.JSON()["error"].(string)
		if r.Status != c.status || !strings.HasPrefix(msg, c.want) {
			t.Errorf("%s: %d %s, want %d %q", c.name, r.Status, truncate(r.Body), c.status, c.want)
		}
	}
	if n := companyCount(t, e); n != 0 {
		t.Fatalf("a refused import wrote %d companies", n)
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

// TestPreviewReportsUnknownReferences: references to entities not in the package are
// warnings in the preview (dropped on apply), and a vendor-neutral package without a
// sidecar imports with defaults, its process agent paused for configuration.
func TestPreviewReportsUnknownReferences(t *testing.T) {
	e := newEnv(t)
	files := map[string]any{
		"COMPANY.md":            "---\nschema: agentcompanies/v1\nkind: company\nname: Neutral\ngoals: [Grow]\n---\n\nA plain package.\n",
		"agents/lead/AGENTS.md": "---\nname: Lead\nreportsTo: ghost-boss\nskills: [missing-skill]\n---\n\nLead the way.\n",
		"tasks/t-1/TASK.md":     "---\nname: First task\nassignee: nobody\nproject: nowhere\n---\n",
		"notes/random.txt":      "hello",
	}
	body := map[string]any{"source": inline(files), "target": newTarget["target"], "include": map[string]any{"issues": true}}
	pv := e.do("POST", "/api/companies/import/preview", body)
	if pv.Status != 200 {
		t.Fatalf("preview: %d %s", pv.Status, pv.Body)
	}
	warnings, _ := json.Marshal(pv.JSON()["warnings"])
	for _, want := range []string{"reportsTo ghost-boss is not in the import", "skill missing-skill is not in the package",
		"assignee nobody is not in the import", "project nowhere is not in the import", "Unknown file ignored: notes/random.txt",
		"Agent lead needs configuration"} {
		if !strings.Contains(string(warnings), want) {
			t.Errorf("warnings lack %q: %s", want, warnings)
		}
	}
	if companyCount(t, e) != 0 {
		t.Fatal("preview wrote")
	}
	r := e.do("POST", "/api/companies/import", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	cid := r.JSON()["company"].(map[string]any)["id"].(string)
	agents := e.do("GET", "/api/companies/"+cid+"/agents", nil).List()
	if len(agents) != 1 || agents[0]["status"] != "paused" || agents[0]["reportsTo"] != nil {
		t.Fatalf("agents: %v", agents)
	}
	goals := e.do("GET", "/api/companies/"+cid+"/goals", nil).List()
	if len(goals) != 1 || goals[0]["title"] != "Grow" || goals[0]["level"] != "company" {
		t.Fatalf("goals: %v", goals)
	}
	issues := e.do("GET", "/api/companies/"+cid+"/issues", nil).List()
	if len(issues) != 1 || issues[0]["assigneeAgentId"] != nil || issues[0]["identifier"] != "NEU-1" {
		t.Fatalf("issues: %v", issues)
	}
}
