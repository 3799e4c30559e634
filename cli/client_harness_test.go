package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"paperclip/server"
	"paperclip/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// apiEnv is a CLI environment pointed at a real server over a real SQLite store.
type apiEnv struct {
	*cliEnv
	srv   *httptest.Server
	store *store.Store

	mu       sync.Mutex
	requests []seenRequest // every request the server saw, for header and body assertions
}

// seenRequest is one request as the server received it.
type seenRequest struct {
	*http.Request
	body string
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	e := &apiEnv{cliEnv: newCLIEnv(t)}
	dir := t.TempDir()
	cfg := server.Config{
		Version: "test", DeploymentMode: server.ModeLocalTrusted, Exposure: server.ExposurePrivate,
		Host: "127.0.0.1", InstanceDir: dir, DatabasePath: filepath.Join(dir, "db", "paperclip.db"),
		StorageDir: filepath.Join(dir, "data", "storage"), BackupDir: filepath.Join(dir, "data", "backups"),
		RunLogDir: filepath.Join(dir, "data", "run-logs"), CompanyDeletionEnabled: true,
		AgentJWTSecret: strings.Repeat("ab", 32),
	}
	st, err := store.Open(context.Background(), cfg.DatabasePath, store.Options{StorageDir: cfg.StorageDir, RunLogDir: cfg.RunLogDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureLocalBoard(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := server.New(cfg, st, nil, nil).Handler()
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(data))
		e.mu.Lock()
		e.requests = append(e.requests, seenRequest{r.Clone(context.Background()), string(data)})
		e.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		e.srv.Close()
		st.Close()
	})
	e.store = st
	e.env["PAPERCLIP_API_URL"] = e.srv.URL
	return e
}

// lastRequest is the most recent request whose path starts with prefix.
func (e *apiEnv) lastRequest(t *testing.T, method, prefix string) seenRequest {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := len(e.requests) - 1; i >= 0; i-- {
		if r := e.requests[i]; r.Method == method && strings.HasPrefix(r.URL.Path, prefix) {
			return r
		}
	}
	t.Fatalf("no %s %s request seen", method, prefix)
	return seenRequest{}
}

// mustJSON runs a command with --json and decodes its stdout.
func (e *apiEnv) mustJSON(v any, args ...string) {
	e.t.Helper()
	r := e.mustRun("", append(args, "--json")...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		e.t.Fatalf("paperclip %v: stdout is not JSON: %v\n%s", args, err, r.stdout)
	}
}

// entity is the id-bearing part of an API answer.
type entity struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	Status     string `json:"status"`
	CompanyID  string `json:"companyId"`
	Token      string `json:"token"`
}

// company creates a company through the CLI and makes it the default company.
func (e *apiEnv) company(name string) string {
	e.t.Helper()
	var co entity
	e.mustJSON(&co, "company", "create", "--payload-json", `{"name":"`+name+`"}`)
	e.env["PAPERCLIP_COMPANY_ID"] = co.ID
	return co.ID
}

// agent creates a process agent in the default company.
func (e *apiEnv) agent(name string) entity {
	e.t.Helper()
	var ag entity
	e.mustJSON(&ag, "agent", "create", "--payload-json", `{"name":"`+name+`","role":"general","adapterType":"process","adapterConfig":{"command":"true"}}`)
	return ag
}

// agentKey creates an API key for an agent and returns the token.
func (e *apiEnv) agentKey(agentID string) string {
	e.t.Helper()
	res, err := http.Post(e.srv.URL+"/api/agents/"+agentID+"/keys", "application/json", strings.NewReader(`{"name":"test"}`))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var k entity
	if err := json.NewDecoder(res.Body).Decode(&k); err != nil || k.Token == "" {
		e.t.Fatalf("agent key: %v %+v", err, k)
	}
	return k.Token
}

// insertRun adds a running heartbeat run row for an agent, the way the runtime does
// before it starts the agent process, and returns its id.
func (e *apiEnv) insertRun(companyID, agentID string) string {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.store.Path()+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(on)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	id, now := store.NewID(), store.FormatTime(time.Now())
	if _, err := db.Exec(`INSERT INTO heartbeat_runs (id, company_id, agent_id, invocation_source, status, created_at, updated_at)
		VALUES (?, ?, ?, 'on_demand', 'running', ?, ?)`, id, companyID, agentID, now, now); err != nil {
		e.t.Fatal(err)
	}
	return id
}

var (
	uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`)
)

// normalize replaces what changes between runs (ids, times, the server URL, temp dirs).
func (e *apiEnv) normalize(s string) string {
	s = strings.ReplaceAll(s, e.srv.URL, "<api>")
	s = strings.ReplaceAll(s, e.home, "<home>")
	s = uuidPattern.ReplaceAllString(s, "<uuid>")
	return timePattern.ReplaceAllString(s, "<time>")
}

// golden compares got with testdata/<name>.golden; -update rewrites the file.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test ./cli -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
