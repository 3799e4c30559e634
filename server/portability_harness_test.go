package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Known secret material seeded into the portability fixture: none of it may appear in
// any exported byte.
const (
	fixtureSecretValue = "sk-ant-fixture-SECRET-7f3a9c"
	fixturePlainToken  = "plain-token-value-SHOULD-NOT-LEAK-42"
)

// fixtureLogo is a PNG header plus bytes that are not valid UTF-8, so a logo that
// travelled as text would not survive.
var fixtureLogo = append([]byte("\x89PNG\r\n\x1a\n"), 0xff, 0xfe, 0x00, 0x01, 0x80)

// portabilityFixture is a company with every exported part: goals in a tree, a CEO
// and a CTO with instructions, env bindings (a secret ref, a sensitive plain value, a
// plain value), a project with a repo workspace, tasks with a parent, a blocker,
// labels, agent comments and a document, and one company skill.
type portabilityFixture struct {
	companyID, ceoID, ctoID, projectID string
	ceoKey, ctoKey                     string
}

func seedPortability(t *testing.T, e *env) portabilityFixture {
	t.Helper()
	var f portabilityFixture
	c := e.do("POST", "/api/companies", map[string]any{"name": "Lean Dev Shop", "description": "We ship small tools.\nFast.",
		"budgetMonthlyCents": 50000}).JSON()
	f.companyID = c["id"].(string)
	cid := f.companyID
	if r := e.do("PATCH", "/api/companies/"+cid, map[string]any{"brandColor": "#2563eb"}); r.Status != 200 {
		t.Fatalf("branding: %d %s", r.Status, r.Body)
	}
	logo := e.upload("/api/companies/"+cid+"/logo", "file", "logo.png", "image/png", fixtureLogo, nil)
	if logo.Status != http.StatusCreated {
		t.Fatalf("logo: %d %s", logo.Status, logo.Body)
	}
	if r := e.do("PATCH", "/api/companies/"+cid, map[string]any{"logoAssetId": logo.JSON()["assetId"]}); r.Status != 200 {
		t.Fatalf("logo link: %d %s", r.Status, r.Body)
	}
	sec := e.do("POST", "/api/companies/"+cid+"/secrets", map[string]any{"name": "ANTHROPIC_API_KEY", "value": fixtureSecretValue})
	if sec.Status != http.StatusCreated {
		t.Fatalf("secret: %d %s", sec.Status, sec.Body)
	}
	goal := e.do("POST", "/api/companies/"+cid+"/goals", map[string]any{"title": "Ship v1", "level": "company", "status": "active"}).JSON()
	e.do("POST", "/api/companies/"+cid+"/goals", map[string]any{"title": "Docs", "level": "team", "parentId": goal["id"]})
	instr := filepath.Join(t.TempDir(), "ceo.md")
	if err := os.WriteFile(instr, []byte("You are the CEO.\n\nPlan the roadmap.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ceo := e.mustAgent(cid, map[string]any{"name": "CEO", "role": "ceo", "title": "Chief", "icon": "crown",
		"capabilities": "Plans the roadmap", "adapterType": "claude_local", "budgetMonthlyCents": 20000,
		"adapterConfig": map[string]any{"model": "claude-sonnet-4-5", "instructionsFilePath": instr, "cwd": "/home/me/work",
			"env": map[string]any{
				"ANTHROPIC_API_KEY": map[string]any{"type": "secret_ref", "secretId": sec.JSON()["id"]},
				"GITHUB_TOKEN":      map[string]any{"type": "plain", "value": fixturePlainToken},
				"LOG_LEVEL":         map[string]any{"type": "plain", "value": "debug"},
			}},
		"runtimeConfig": map[string]any{"heartbeat": map[string]any{"enabled": false, "intervalSec": 3600}}})
	f.ceoID = ceo["id"].(string)
	cto := e.mustAgent(cid, map[string]any{"name": "CTO", "role": "cto", "reportsTo": f.ceoID, "adapterType": "codex_local",
		"adapterConfig": map[string]any{"model": "gpt-5"}})
	f.ctoID = cto["id"].(string)
	e.do("PATCH", "/api/goals/"+goal["id"].(string), map[string]any{"ownerAgentId": f.ceoID})
	p := e.do("POST", "/api/companies/"+cid+"/projects", map[string]any{"name": "Website", "description": "The public site",
		"status": "in_progress", "leadAgentId": f.ctoID, "goalIds": []any{goal["id"]}, "color": "#3b82f6",
		"workspace": map[string]any{"name": "site", "sourceType": "git_repo", "repoUrl": "https://github.com/acme/site", "repoRef": "main"}})
	if p.Status != http.StatusCreated {
		t.Fatalf("project: %d %s", p.Status, p.Body)
	}
	f.projectID = p.JSON()["id"].(string)
	label := e.do("POST", "/api/companies/"+cid+"/labels", map[string]any{"name": "bug", "color": "#ef4444"}).JSON()
	parent := e.mustIssue(cid, map[string]any{"title": "Plan v1", "description": "Write the plan", "projectId": f.projectID})
	child := e.mustIssue(cid, map[string]any{"title": "Fix login", "status": "todo", "priority": "high", "parentId": parent["id"],
		"assigneeAgentId": f.ctoID, "labelIds": []any{label["id"]}, "billingCode": "web"})
	e.mustIssue(cid, map[string]any{"title": "Release", "blockedByIssueIds": []any{child["id"]}})
	f.ceoKey, f.ctoKey = e.agentKey(f.ceoID), e.agentKey(f.ctoID)
	if r := e.do("POST", "/api/issues/"+child["id"].(string)+"/comments", map[string]any{"body": "On it."}, bearer(f.ctoKey)...); r.Status != 201 {
		t.Fatalf("comment: %d %s", r.Status, r.Body)
	}
	if r := e.do("PUT", "/api/issues/"+parent["id"].(string)+"/documents/plan", map[string]any{"title": "Plan", "format": "markdown", "body": "# Plan\n\nShip it."}); r.Status >= 300 {
		t.Fatalf("document: %d %s", r.Status, r.Body)
	}
	// Skills only arrive by import: bring one in from a small package.
	skill := map[string]any{
		"COMPANY.md":                         "---\nname: Skill carrier\n---\n",
		"skills/research/SKILL.md":           "---\nname: Research\ndescription: How we research\n---\n\nRead first.\n",
		"skills/research/references/deep.md": "Deeper notes.\n",
	}
	r := e.do("POST", "/api/companies/import", map[string]any{"source": map[string]any{"type": "inline", "files": skill},
		"include": map[string]any{"company": false}, "target": map[string]any{"mode": "existing_company", "companyId": cid}})
	if r.Status != 200 {
		t.Fatalf("skill import: %d %s", r.Status, r.Body)
	}
	e.do("PATCH", "/api/agents/"+f.ceoID, map[string]any{"adapterConfig": map[string]any{"model": "claude-sonnet-4-5",
		"instructionsFilePath": instr, "cwd": "/home/me/work", "paperclipSkillSync": map[string]any{"desiredSkills": []any{"research"}},
		"env": ceo["adapterConfig"].(map[string]any)["env"]}})
	return f
}

// exportFiles exports a company as the board and returns its file map as text.
func exportFiles(t *testing.T, e *env, companyID string, body map[string]any) map[string]any {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	r := e.do("POST", "/api/companies/"+companyID+"/export", body)
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	files, ok := r.JSON()["files"].(map[string]any)
	if !ok {
		t.Fatalf("export has no files: %s", r.Body)
	}
	return files
}

// comparable drops what legitimately differs between two exports of one company.
func comparable(files map[string]any) map[string]string {
	out := map[string]string{}
	for p, v := range files {
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		if p == ".paperclip.yaml" {
			var lines []string
			for _, l := range strings.Split(s, "\n") {
				if !strings.HasPrefix(l, "exportedAt:") {
					lines = append(lines, l)
				}
			}
			s = strings.Join(lines, "\n")
		}
		out[p] = s
	}
	return out
}

func inline(files map[string]any) map[string]any {
	return map[string]any{"type": "inline", "files": files}
}

// zipOf builds a zip from name → content; a nil content makes a symlink entry.
func zipOf(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate}
		if entries[n] == nil {
			h.SetMode(os.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if entries[n] == nil {
			w.Write([]byte("/etc/passwd"))
			continue
		}
		w.Write(entries[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func companyCount(t *testing.T, e *env) int {
	t.Helper()
	var list []any
	json.Unmarshal(e.do("GET", "/api/companies", nil).Body, &list)
	return len(list)
}
