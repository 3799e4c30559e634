package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestContextProfiles(t *testing.T) {
	e := newCLIEnv(t)
	path := filepath.Join(e.pcHome, "context.json")

	// Nothing written yet: show and list describe the empty default profile.
	r := e.mustRun("", "context", "show")
	if !strings.Contains(r.stdout, `"contextPath": "`+path+`"`) || !strings.Contains(r.stdout, `"currentProfile": "default"`) {
		t.Fatalf("show:\n%s", r.stdout)
	}
	if r := e.mustRun("", "context", "list"); r.stdout != "* default\n" {
		t.Fatalf("list %q", r.stdout)
	}

	r = e.mustRun("", "context", "set", "--api-base", "http://127.0.0.1:3100/api/", "--company-id", "co-1",
		"--api-key-env-var-name", "PAPERCLIP_API_KEY", "--persona", "board")
	if !strings.HasPrefix(r.stdout, "Updated profile default in "+path+"\n{") {
		t.Fatalf("set:\n%s", r.stdout)
	}
	if m := fileMode(t, path); m != 0o600 {
		t.Fatalf("context.json mode %o", m)
	}
	var cf map[string]any
	json.Unmarshal([]byte(mustRead(t, path)), &cf)
	def := cf["profiles"].(map[string]any)["default"].(map[string]any)
	if cf["version"] != float64(1) || def["apiBase"] != "http://127.0.0.1:3100" || def["companyId"] != "co-1" ||
		def["apiKeyEnvVarName"] != "PAPERCLIP_API_KEY" || def["persona"] != "board" {
		t.Fatalf("file:\n%s", mustRead(t, path))
	}

	// A second profile; --use makes it current, use switches back.
	r = e.mustRun("", "context", "set", "--profile", "worker", "--persona", "agent", "--agent-id", "ag-1", "--agent-name", "Writer",
		"--api-key-env-var-name", "WORKER_KEY", "--use", "--json")
	var view contextView
	if err := json.Unmarshal([]byte(r.stdout), &view); err != nil || view.CurrentProfile != "worker" || view.Profile.AgentID != "ag-1" {
		t.Fatalf("set --use --json: %v\n%s", err, r.stdout)
	}
	if r := e.mustRun("", "context", "list"); r.stdout != "  default apiBase=http://127.0.0.1:3100 companyId=co-1 persona=board apiKeyEnvVarName=PAPERCLIP_API_KEY\n"+
		"* worker persona=agent agentId=ag-1 agentName=Writer apiKeyEnvVarName=WORKER_KEY\n" {
		t.Fatalf("list:\n%s", r.stdout)
	}
	golden(t, "json/context_list", e.mustRun("", "context", "list", "--json").stdout)
	if r := e.mustRun("", "context", "use", "default"); r.stdout != "Using profile default\n" {
		t.Fatalf("use %q", r.stdout)
	}
	var shown contextView
	json.Unmarshal([]byte(e.mustRun("", "context", "show", "--profile", "worker", "--json").stdout), &shown)
	if shown.CurrentProfile != "default" || shown.ProfileName != "worker" || shown.Profile.AgentName != "Writer" {
		t.Fatalf("show --profile %+v", shown)
	}
	// An empty value clears one field and leaves the others.
	e.mustRun("", "context", "set", "--company-id", "")
	json.Unmarshal([]byte(mustRead(t, path)), &cf)
	def = cf["profiles"].(map[string]any)["default"].(map[string]any)
	if _, ok := def["companyId"]; ok || def["apiBase"] != "http://127.0.0.1:3100" {
		t.Fatalf("after clearing: %v", def)
	}
	// use creates a new empty profile.
	e.mustRun("", "context", "use", "fresh")
	if r := e.mustRun("", "context", "list"); !strings.Contains(r.stdout, "* fresh\n") {
		t.Fatalf("list after use fresh:\n%s", r.stdout)
	}
	if r := e.run("", "context", "show", "--profile", "ghost"); r.code != 1 || !strings.Contains(r.stderr, `Unknown profile "ghost"`) {
		t.Fatalf("unknown profile: %d %q", r.code, r.stderr)
	}
	if r := e.run("", "context", "set", "--persona", "robot"); r.code != 1 || !strings.Contains(r.stderr, `Invalid --persona "robot"`) {
		t.Fatalf("bad persona: %d %q", r.code, r.stderr)
	}
	// Keys never reach the file.
	if strings.Contains(mustRead(t, path), "pcp_") {
		t.Fatal("a key is stored")
	}
}

// TestContextFileLocation: --context, then -d / PAPERCLIP_HOME.
func TestContextFileLocation(t *testing.T) {
	e := newCLIEnv(t)
	other := filepath.Join(e.home, "elsewhere")
	e.mustRun("", "context", "use", "a", "-d", other)
	if !strings.Contains(mustRead(t, filepath.Join(other, "context.json")), `"currentProfile": "a"`) {
		t.Fatal("-d did not move context.json")
	}
	explicit := filepath.Join(e.home, "my-context.json")
	e.mustRun("", "context", "use", "b", "--context", explicit)
	if !strings.Contains(mustRead(t, explicit), `"currentProfile": "b"`) {
		t.Fatal("--context not used")
	}
	mustWrite(t, filepath.Join(e.pcHome, "context.json"), "{not json")
	if r := e.run("", "context", "list"); r.code != 1 || !strings.Contains(r.stderr, "Could not parse context file") {
		t.Fatalf("broken file: %d %q", r.code, r.stderr)
	}
}
