package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"paperclip/server"
	"paperclip/store"
	"paperclip/web"
)

// syncBuffer is a log sink safe for the server's concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLoggedEnv is newEnv with the server's log kept, debug level, and a master key
// file in the instance directory.
func newLoggedEnv(t *testing.T) (*env, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "db", "paperclip.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Version: "test", DeploymentMode: server.ModeLocalTrusted, Exposure: server.ExposurePrivate,
		Host: "127.0.0.1", InstanceDir: dir, DatabasePath: st.Path(), AgentJWTSecret: strings.Repeat("ab", 32)}
	if err := st.EnsureLocalBoard(context.Background()); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewServer(server.New(cfg, st, logger, web.FS()).Handler())
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return &env{t: t, store: st, srv: srv, cfg: cfg}, logs
}

// TestSecretPlaintextIsNowhere creates secrets, binds them in an agent's env, rotates
// one, then reads every GET route of the API, the activity table, the server log, the
// config revisions and the database file itself, and finds the plaintext nowhere. The
// runtime's resolver still gets the values back, old versions included.
func TestSecretPlaintextIsNowhere(t *testing.T) {
	e, logs := newLoggedEnv(t)
	const first, second, plain = "pl41nt3xt-FIRST-value-7781", "pl41nt3xt-SECOND-value-9902", "pl41nt3xt-PLAIN-token-1234"
	cid := e.mustCompany("Vault Co")["id"].(string)

	r := e.do("POST", "/api/companies/"+cid+"/secrets", map[string]any{"name": "Anthropic key", "value": first, "description": "prod"})
	if r.Status != 201 {
		t.Fatalf("create secret: %d %s", r.Status, r.Body)
	}
	sec := r.JSON()
	sid := sec["id"].(string)
	if sec["key"] != "ANTHROPIC_KEY" || sec["latestVersion"] != float64(1) || sec["provider"] != "local_encrypted" {
		t.Fatalf("secret %v", sec)
	}
	other := e.do("POST", "/api/companies/"+cid+"/secrets", map[string]any{"name": "Spare", "value": second + "-spare"}).JSON()
	ag := e.mustAgent(cid, map[string]any{"name": "User", "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "true", "env": map[string]any{
			"ANTHROPIC_API_KEY": map[string]any{"type": "secret_ref", "secretId": sid},
			"PINNED":            map[string]any{"type": "secret_ref", "secretId": sid, "version": 1},
			"DEPLOY_PASSWORD":   plain, // plain but under a sensitive key: redacted on read
		}}})
	aid := ag["id"].(string)
	if r := e.do("POST", "/api/secrets/"+sid+"/rotate", map[string]any{"value": second}); r.Status != 200 || r.JSON()["latestVersion"] != float64(2) {
		t.Fatalf("rotate: %d %s", r.Status, r.Body)
	}
	// A config change after the rotation writes a second revision.
	if r := e.do("PATCH", "/api/agents/"+aid, map[string]any{"title": "Key user"}); r.Status != 200 {
		t.Fatalf("patch agent: %d %s", r.Status, r.Body)
	}
	issue := e.mustIssue(cid, map[string]any{"title": "Use the key", "status": "todo"})

	e.run(t, []scenario{
		{"duplicate name", "POST", "/api/companies/" + cid + "/secrets", map[string]any{"name": "Anthropic key", "value": "x"}, nil, 409, []string{"Secret already exists: Anthropic key"}},
		{"duplicate key", "POST", "/api/companies/" + cid + "/secrets", map[string]any{"name": "Other", "key": "ANTHROPIC_KEY", "value": "x"}, nil, 409, []string{"Secret key already exists: ANTHROPIC_KEY"}},
		{"unavailable provider", "POST", "/api/companies/" + cid + "/secrets", map[string]any{"name": "V", "value": "x", "provider": "vault"}, nil, 422, []string{"Secret provider not available: vault"}},
		{"missing value", "POST", "/api/companies/" + cid + "/secrets", map[string]any{"name": "V"}, nil, 400, nil},
		{"in use", "DELETE", "/api/secrets/" + sid, nil, nil, 409, []string{"Secret is in use by 2 env binding(s)", `"code":"secret_in_use"`}},
		{"usage", "GET", "/api/secrets/" + sid + "/usage", nil, nil, 200, []string{`"configPath":"env.ANTHROPIC_API_KEY"`, `"versionSelector":1`, `"versionSelector":"latest"`}},
		{"pinned past latest", "PATCH", "/api/agents/" + aid, map[string]any{"adapterConfig": map[string]any{"command": "true",
			"env": map[string]any{"K": map[string]any{"type": "secret_ref", "secretId": sid, "version": 9}}}}, nil, 422, []string{"Secret version not found"}},
		{"unknown secret ref", "PATCH", "/api/agents/" + aid, map[string]any{"adapterConfig": map[string]any{"command": "true",
			"env": map[string]any{"K": map[string]any{"type": "secret_ref", "secretId": "00000000-0000-4000-8000-000000000000"}}}}, nil, 404, []string{"Secret not found"}},
		{"status deleted only via DELETE", "PATCH", "/api/secrets/" + sid, map[string]any{"status": "deleted"}, nil, 400, nil},
		{"rename", "PATCH", "/api/secrets/" + other["id"].(string), map[string]any{"name": "Spare key"}, nil, 200, []string{`"name":"Spare key"`}},
		{"delete unreferenced", "DELETE", "/api/secrets/" + other["id"].(string), nil, nil, 200, []string{`"ok":true`}},
		{"deleted is gone", "GET", "/api/secrets/" + other["id"].(string), nil, nil, 404, []string{"Secret not found"}},
		{"providers", "GET", "/api/companies/" + cid + "/secret-providers", nil, nil, 200, []string{`"id":"local_encrypted"`, `"available":false`}},
	})
	list := e.do("GET", "/api/companies/"+cid+"/secrets", nil).List()
	if len(list) != 1 || list[0]["referenceCount"] != float64(2) {
		t.Fatalf("secret list %v", list)
	}

	// Every GET route, with every path variable bound to a real id where one fits.
	doc := e.do("GET", "/api/openapi.json", nil).JSON()
	ids := map[string]string{"{companyId}": cid, "{id}": aid, "{issueId}": issue["id"].(string)}
	varRe := regexp.MustCompile(`\{[A-Za-z]+\}`)
	var bodies []string
	var paths []string
	for p := range doc["paths"].(map[string]any) {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if _, ok := doc["paths"].(map[string]any)[p].(map[string]any)["get"]; !ok {
			continue
		}
		for _, idFor := range []map[string]string{ids, {"{id}": sid}, {"{id}": issue["id"].(string)}} {
			path := varRe.ReplaceAllStringFunc(p, func(v string) string {
				if x, ok := idFor[v]; ok {
					return x
				}
				if x, ok := ids[v]; ok {
					return x
				}
				return "00000000-0000-4000-8000-000000000000"
			})
			bodies = append(bodies, path+" "+string(e.do("GET", path, nil).Body))
		}
	}
	for _, body := range bodies {
		for _, secret := range []string{first, second, plain} {
			if strings.Contains(body, secret) {
				t.Errorf("plaintext %q in GET %s", secret, body[:min(len(body), 300)])
			}
		}
	}
	if len(bodies) < 100 {
		t.Fatalf("only %d GET responses read", len(bodies))
	}

	// The database file (activity rows, config revisions, secret versions, everything)
	// and the server log.
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	var files []string
	filepath.Walk(filepath.Dir(e.store.Path()), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	control := false // the plain binding is stored as given: proof the scan reads real bytes
	for _, f := range files {
		data, _ := os.ReadFile(f)
		control = control || bytes.Contains(data, []byte(plain))
		for _, secret := range []string{first, second} {
			for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))} {
				if bytes.Contains(data, []byte(form)) {
					t.Errorf("%s holds the secret value", f)
				}
			}
		}
	}
	if !control {
		t.Fatalf("the database scan of %v found not even the plain binding", files)
	}
	for _, secret := range []string{first, second, plain} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("server log holds %q", secret)
		}
	}
}

// TestSecretRotationKeepsOldVersions resolves env bindings the way the runtime will at
// run start: latest follows the rotation, a pinned version keeps its old value, and a
// disabled secret fails resolution by key name only.
func TestSecretRotationKeepsOldVersions(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Rotor")["id"].(string)
	sid := e.do("POST", "/api/companies/"+cid+"/secrets", map[string]any{"name": "token", "value": "v1-value"}).JSON()["id"].(string)
	for _, v := range []string{"v2-value", "v3-value"} {
		if r := e.do("POST", "/api/secrets/"+sid+"/rotate", map[string]any{"value": v}); r.Status != 200 {
			t.Fatalf("rotate: %d %s", r.Status, r.Body)
		}
	}
	aid := e.mustAgent(cid, map[string]any{"name": "Runner", "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "true", "env": map[string]any{
			"LATEST": map[string]any{"type": "secret_ref", "secretId": sid, "version": "latest"},
			"FIRST":  map[string]any{"type": "secret_ref", "secretId": sid, "version": 1},
			"SECOND": map[string]any{"type": "secret_ref", "secretId": sid, "version": 2},
			"PLAIN":  "hello",
		}}})["id"].(string)
	key, err := store.LoadSecretKey("", filepath.Join(e.cfg.InstanceDir, "secrets", "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	env, err := e.store.ResolveRunEnv(context.Background(), key, aid, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"LATEST": "v3-value", "FIRST": "v1-value", "SECOND": "v2-value", "PLAIN": "hello"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q (env %v)", k, env[k], v, env)
		}
	}
	// The runtime's resolver, as the cli wires it, finds the same key file.
	agent, err := e.store.FindAgentByID(context.Background(), aid)
	if err != nil {
		t.Fatal(err)
	}
	viaRuntime, err := server.SecretEnv(e.cfg, e.store).ResolveRunEnv(context.Background(), agent, "")
	if err != nil || viaRuntime["LATEST"] != "v3-value" {
		t.Fatalf("runtime resolver: %v %v", viaRuntime, err)
	}
	if s := e.do("GET", "/api/secrets/"+sid, nil).JSON(); s["lastResolvedAt"] == nil {
		t.Errorf("lastResolvedAt not stamped: %v", s)
	}
	// A project's env is merged over the agent's for a run on one of its issues.
	pr := e.do("POST", "/api/companies/"+cid+"/projects", map[string]any{"name": "Launch", "env": map[string]any{
		"LATEST": map[string]any{"type": "secret_ref", "secretId": sid, "version": 2}, "REGION": "eu"}})
	if pr.Status != 201 {
		t.Fatalf("project: %d %s", pr.Status, pr.Body)
	}
	is := e.mustIssue(cid, map[string]any{"title": "In the project", "projectId": pr.JSON()["id"]})
	env, err = e.store.ResolveRunEnv(context.Background(), key, aid, is["id"].(string))
	if err != nil || env["LATEST"] != "v2-value" || env["REGION"] != "eu" || env["FIRST"] != "v1-value" {
		t.Fatalf("project env over agent env: %v %v", env, err)
	}
	if u := e.do("GET", "/api/secrets/"+sid+"/usage", nil).JSON(); len(u["bindings"].([]any)) != 4 {
		t.Fatalf("usage with the project binding: %v", u)
	}
	wrong, _ := store.ParseSecretKey(strings.Repeat("cd", 32))
	if _, err := e.store.ResolveRunEnv(context.Background(), wrong, aid, ""); err == nil || !strings.Contains(err.Error(), "could not be resolved") ||
		strings.Contains(err.Error(), "value") {
		t.Errorf("wrong key: %v", err)
	}
	e.do("PATCH", "/api/secrets/"+sid, map[string]any{"status": "disabled"})
	if _, err := e.store.ResolveRunEnv(context.Background(), key, aid, ""); err == nil {
		t.Error("a disabled secret resolved")
	}
}

// TestRunnerRefusesABadMasterKey: a key file that holds no usable key stops start-up
// before the listener serves anything.
func TestRunnerRefusesABadMasterKey(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secrets", "master.key")
	os.MkdirAll(filepath.Dir(keyFile), 0o700)
	if err := os.WriteFile(keyFile, []byte("too short"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "paperclip.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := server.Runner{Config: server.Config{DeploymentMode: server.ModeAuthenticated, InstanceDir: dir}, Store: st}
	if err := r.Run(context.Background(), ln); err == nil || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("Run with a bad key file: %v", err)
	}
}
