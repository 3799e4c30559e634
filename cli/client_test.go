package cli

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Shared client behaviour (cli.md §7) against a real server.

// deadBase is an address nothing listens on: a listener opened and closed at once.
func deadBase(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestClientConnectionFailure(t *testing.T) {
	e := newAPIEnv(t)
	dead := deadBase(t)
	r := e.run("", "company", "list", "--api-base", dead+"/api/")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Could not reach the Paperclip API at "+dead+": ") ||
		!strings.Contains(lines[0], "connection refused") ||
		lines[1] != "  Is the server running? Start it with: paperclip run (check: "+dead+"/api/health)" {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
	if r.stdout != "" {
		t.Fatalf("stdout on failure: %q", r.stdout)
	}
}

func TestClientAPIError(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	r := e.run("", "issue", "get", "ACM-999")
	if r.code != 1 || strings.TrimSpace(r.stderr) != "API error 404: Issue not found" {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	// Details, when the server sends them, follow as compact JSON.
	var is entity
	e.mustJSON(&is, "issue", "create", "--title", "Done already", "--status", "done")
	ag := e.agent("Writer")
	r = e.run("", "issue", "checkout", is.Identifier, "--agent-id", ag.ID, "--expected-statuses", "todo")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "API error 409: Issue checkout conflict details={") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
}

// TestClientResolution checks §7's precedence for API base, key, company and run id by
// looking at what the server received.
func TestClientResolution(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	dead := deadBase(t)

	// API base: --api-base beats PAPERCLIP_API_URL, which beats the profile.
	ctxFile := filepath.Join(e.home, "ctx.json")
	e.mustRun("", "context", "set", "--context", ctxFile, "--api-base", dead, "--company-id", "from-profile",
		"--api-key-env-var-name", "MY_KEY")
	e.env["PAPERCLIP_API_URL"] = dead
	e.mustRun("", "company", "list", "--context", ctxFile, "--api-base", e.srv.URL)
	delete(e.env, "PAPERCLIP_API_URL")
	if r := e.run("", "company", "list", "--context", ctxFile); r.code != 1 || !strings.Contains(r.stderr, dead) {
		t.Fatalf("profile apiBase not used: %q", r.stderr)
	}
	e.env["PAPERCLIP_API_URL"] = e.srv.URL + "/api"

	// Key: the profile's env var, then PAPERCLIP_API_KEY, then --api-key. The server
	// rejects these made-up keys (401); what counts is what it received.
	e.env["MY_KEY"] = "key-from-profile-var"
	e.run("", "company", "get", co, "--context", ctxFile)
	if got := e.lastRequest(t, "GET", "/api/companies/").Header.Get("Authorization"); got != "Bearer key-from-profile-var" {
		t.Errorf("Authorization = %q", got)
	}
	e.env["PAPERCLIP_API_KEY"] = "key-from-env"
	e.run("", "company", "get", co, "--context", ctxFile)
	if got := e.lastRequest(t, "GET", "/api/companies/").Header.Get("Authorization"); got != "Bearer key-from-env" {
		t.Errorf("Authorization = %q", got)
	}
	e.run("", "company", "get", co, "--context", ctxFile, "--api-key", "key-from-flag")
	req := e.lastRequest(t, "GET", "/api/companies/")
	if got := req.Header.Get("Authorization"); got != "Bearer key-from-flag" {
		t.Errorf("Authorization = %q", got)
	}
	if req.Header.Get("Accept") != "application/json" || !strings.HasPrefix(req.Header.Get("User-Agent"), "paperclip-cli/") {
		t.Errorf("headers %v", req.Header)
	}
	if req.Header.Get("X-Paperclip-Run-Id") != "" {
		t.Errorf("run id sent without one: %v", req.Header)
	}
	delete(e.env, "PAPERCLIP_API_KEY")
	delete(e.env, "MY_KEY")

	// Company: -C beats PAPERCLIP_COMPANY_ID, which beats the profile.
	e.env["PAPERCLIP_COMPANY_ID"] = "from-env"
	e.run("", "agent", "list", "--context", ctxFile, "-C", co)
	if p := e.lastRequest(t, "GET", "/api/companies/").URL.Path; p != "/api/companies/"+co+"/agents" {
		t.Errorf("path %s", p)
	}
	e.run("", "agent", "list", "--context", ctxFile)
	if p := e.lastRequest(t, "GET", "/api/companies/").URL.Path; p != "/api/companies/from-env/agents" {
		t.Errorf("path %s", p)
	}
	delete(e.env, "PAPERCLIP_COMPANY_ID")
	e.run("", "agent", "list", "--context", ctxFile)
	if p := e.lastRequest(t, "GET", "/api/companies/").URL.Path; p != "/api/companies/from-profile/agents" {
		t.Errorf("path %s", p)
	}

	// Run id: --run-id beats PAPERCLIP_RUN_ID; both are sent on every request.
	e.env["PAPERCLIP_RUN_ID"] = "11111111-1111-4111-8111-111111111111"
	e.mustRun("", "company", "get", co)
	if got := e.lastRequest(t, "GET", "/api/companies/").Header.Get("X-Paperclip-Run-Id"); got != "11111111-1111-4111-8111-111111111111" {
		t.Errorf("run id %q", got)
	}
	e.mustRun("", "company", "get", co, "--run-id", "22222222-2222-4222-8222-222222222222")
	if got := e.lastRequest(t, "GET", "/api/companies/").Header.Get("X-Paperclip-Run-Id"); got != "22222222-2222-4222-8222-222222222222" {
		t.Errorf("run id %q", got)
	}
}

func TestClientAPIBaseFromLocalConfig(t *testing.T) {
	e := newAPIEnv(t)
	delete(e.env, "PAPERCLIP_API_URL")
	e.mustRun("", "onboard", "--yes", "--no-run")
	cfgPath := e.configPath()
	// The instance's port, then PAPERCLIP_SERVER_HOST/PORT, decide where the CLI goes.
	e.mustRun("", "configure", "--set", "server.port=1")
	r := e.run("", "company", "list")
	if !strings.Contains(r.stderr, "at http://127.0.0.1:1:") {
		t.Fatalf("config port not used (%s):\n%s", mustRead(t, cfgPath), r.stderr)
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(e.srv.URL, "http://"))
	e.env["PAPERCLIP_SERVER_HOST"], e.env["PAPERCLIP_SERVER_PORT"] = "127.0.0.1", port
	e.mustRun("", "company", "list")
}

func TestClientCompanyRequired(t *testing.T) {
	e := newAPIEnv(t)
	for _, args := range [][]string{{"issue", "list"}, {"agent", "list"}, {"issue", "create", "--title", "x"},
		{"goal", "list"}, {"project", "list"}, {"cost", "summary"}, {"dashboard", "get"}, {"approval", "list"}, {"activity", "list"}} {
		r := e.run("", args...)
		if r.code != 1 || strings.TrimSpace(r.stderr) != "Company ID is required. Pass --company-id, set PAPERCLIP_COMPANY_ID, or set a profile companyId with: paperclip context set --company-id <id>" {
			t.Errorf("%v: exit %d stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestClientInvalidPayloadJSON(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	r := e.run("", "company", "create", "--payload-json", `{"name":`)
	if r.code != 1 || !strings.HasPrefix(r.stderr, "Invalid JSON in --payload-json: ") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	r = e.run("", "agent", "wake", "x", "--payload", `[1]`)
	if r.code != 1 || strings.TrimSpace(r.stderr) != "Invalid JSON in --payload: expected a JSON object" {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	n := len(e.requests)
	e.run("", "cost", "event:create", "--payload-json", "nope")
	if len(e.requests) != n {
		t.Fatal("a request was sent despite invalid JSON")
	}
}

func TestClientDeleteNeedsYes(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	var is entity
	e.mustJSON(&is, "issue", "create", "--title", "Keep me")
	for _, args := range [][]string{{"issue", "delete", is.ID}, {"agent", "delete", "x"}, {"goal", "delete", "x"},
		{"project", "delete", "x"}, {"company", "delete", "ACM"}} {
		r := e.run("", args...)
		if r.code != 1 || strings.TrimSpace(r.stderr) != "Refusing to delete without --yes" {
			t.Errorf("%v: exit %d stderr %q", args, r.code, r.stderr)
		}
	}
	e.mustRun("", "issue", "get", is.ID)
	e.mustRun("", "issue", "delete", is.ID, "--yes")
	if r := e.run("", "issue", "get", is.ID); r.code != 1 {
		t.Fatalf("issue still there: %s", r.stdout)
	}
}

func TestClientOutputFormats(t *testing.T) {
	e := newAPIEnv(t)
	co := e.company("Acme")
	// Empty list, human: "(empty)"; --json: "[]".
	if r := e.mustRun("", "issue", "list"); r.stdout != "(empty)\n" {
		t.Errorf("empty list: %q", r.stdout)
	}
	if r := e.mustRun("", "issue", "list", "--json"); r.stdout != "[]\n" {
		t.Errorf("empty list json: %q", r.stdout)
	}
	long := strings.Repeat("word ", 30)
	var is entity
	e.mustJSON(&is, "issue", "create", "--title", "Ship  the\tlaunch post", "--description", long, "--priority", "high")
	// A list line: the well-known keys first, values whitespace-collapsed, null as "-".
	r := e.mustRun("", "issue", "list")
	want := "identifier=" + is.Identifier + " id=" + is.ID + " status=backlog priority=high title=Ship the launch post assigneeAgentId=- projectId=-\n"
	if r.stdout != want {
		t.Errorf("list line:\n got %q\nwant %q", r.stdout, want)
	}
	// A single object is pretty JSON in both modes, with the server's key order.
	human := e.mustRun("", "company", "get", co).stdout
	js := e.mustRun("", "company", "get", co, "--json").stdout
	if human != js || !strings.HasPrefix(js, "{\n  \"id\": \""+co+"\",\n") || !strings.HasSuffix(js, "}\n") {
		t.Errorf("object output:\n%s", js)
	}
	// No run: null → "(null)" for humans, "null" for scripts.
	if r := e.mustRun("", "issue", "active-run", is.ID); r.stdout != "(null)\n" {
		t.Errorf("null: %q", r.stdout)
	}
	if r := e.mustRun("", "issue", "active-run", is.ID, "--json"); r.stdout != "null\n" {
		t.Errorf("null json: %q", r.stdout)
	}
	// Long strings are cut to 90 characters.
	line := formatRecord(mustOrdered(t, `{"title":"`+long+`","n":1,"ok":true,"nested":{"a":1},"list":[1],"x":null}`))
	if want := "title=" + strings.TrimSpace(long)[:87] + "... n=1 ok=true x=-"; line != want {
		t.Errorf("record:\n got %q\nwant %q", line, want)
	}
}

func mustOrdered(t *testing.T, s string) *orderedObject {
	t.Helper()
	v, err := decodeOrderedJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v.(*orderedObject)
}

func TestClientNullAndCSVFlags(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	ag := e.agent("Writer")
	var is entity
	e.mustJSON(&is, "issue", "create", "--title", "Assigned", "--assignee-agent-id", ag.ID, "--status", "todo")
	// "null" sends JSON null and clears the assignee.
	var got map[string]any
	e.mustJSON(&got, "issue", "update", is.ID, "--assignee-agent-id", "null", "--title", "Renamed")
	if got["assigneeAgentId"] != nil || got["title"] != "Renamed" {
		t.Fatalf("after update: %v", got)
	}
	body := e.lastRequest(t, "PATCH", "/api/issues/").body
	if body != `{"assigneeAgentId":null,"title":"Renamed"}` {
		t.Fatalf("PATCH body %s", body)
	}
	// CSV flags are split on "," and trimmed.
	e.mustRun("", "issue", "list", "--status", " todo , in_progress ,")
	if q := e.lastRequest(t, "GET", "/api/companies/").URL.Query().Get("status"); q != "todo,in_progress" {
		t.Fatalf("status query %q", q)
	}
	e.run("", "issue", "checkout", is.ID, "--agent-id", ag.ID, "--expected-statuses", "todo, backlog")
	var sent map[string]any
	json.Unmarshal([]byte(e.lastRequest(t, "POST", "/api/issues/").body), &sent)
	if l, _ := sent["expectedStatuses"].([]any); len(l) != 2 || l[1] != "backlog" {
		t.Fatalf("checkout body %v", sent)
	}
}

func TestClientProfileNeverStoresKeys(t *testing.T) {
	e := newAPIEnv(t)
	ctxFile := filepath.Join(e.home, "ctx.json")
	for _, bad := range []string{"pcp_board_abc123", "eyJhbGciOiJIUzI1NiJ9.x.y", "has space"} {
		r := e.run("", "context", "set", "--context", ctxFile, "--api-key-env-var-name", bad)
		if r.code != 1 {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := os.Stat(ctxFile); !os.IsNotExist(err) {
		t.Fatalf("context file written for a refused value: %v", err)
	}
}
