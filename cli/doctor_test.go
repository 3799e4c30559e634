package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paperclip/store"
	"paperclip/store/storetest"
)

var checkNames = []string{"Config file", "Deployment/auth mode", "Agent JWT secret", "Secrets key", "Storage",
	"Database", "Backups", "Log directory", "Server port", "Agent CLIs", "LLM provider"}

// checkLines returns the "<mark> <Name>: <message>" lines of a doctor run.
func checkLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "✓ ") || strings.HasPrefix(l, "! ") || strings.HasPrefix(l, "✗ ") {
			lines = append(lines, l)
		}
	}
	return lines
}

func doctorJSON(t *testing.T, r result) doctorReport {
	t.Helper()
	var rep doctorReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("doctor --json output is not JSON: %v\n%s", err, r.stdout)
	}
	return rep
}

func findCheck(rep doctorReport, name string) checkResult {
	for _, c := range rep.Checks {
		if c.Name == name {
			return c
		}
	}
	return checkResult{}
}

func TestDoctorWithoutConfigStopsAfterFirstCheck(t *testing.T) {
	e := newCLIEnv(t)
	r := e.run("", "doctor")
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	want := "✗ Config file: No config found at " + e.configPath() + "\n    Run: paperclip onboard\n\n0 passed, 0 warnings, 1 failed\nSome checks failed. Fix the issues above and re-run doctor.\n"
	if r.stdout != want {
		t.Fatalf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}

	r = e.run("", "doctor", "--json")
	rep := doctorJSON(t, r)
	if r.code != 1 || len(rep.Checks) != 1 || rep.Failed != 1 || rep.Checks[0].Status != "fail" || rep.Checks[0].Hint != "Run: paperclip onboard" {
		t.Fatalf("exit %d report %+v", r.code, rep)
	}
}

func TestDoctorFreshInstance(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	e.env["PORT"] = "0"
	r := e.mustRun("", "doctor")
	lines := checkLines(r.stdout)
	if len(lines) != len(checkNames) {
		t.Fatalf("%d check lines, want %d:\n%s", len(lines), len(checkNames), r.stdout)
	}
	for i, name := range checkNames {
		if !strings.Contains(lines[i], " "+name+": ") {
			t.Errorf("check %d = %q, want %s", i+1, lines[i], name)
		}
	}
	root := e.instDir("default")
	r.has(t,
		"✓ Config file: Valid config at "+e.configPath(),
		"✓ Deployment/auth mode: local_trusted mode is configured for loopback-only access",
		"✓ Agent JWT secret: PAPERCLIP_AGENT_JWT_SECRET is set in "+filepath.Join(root, ".env"),
		"✓ Secrets key: Master key file is valid: "+filepath.Join(root, "secrets", "master.key"),
		"✓ Storage: Local disk storage is writable: "+filepath.Join(root, "data", "storage"),
		"! Database: SQLite database will be created on first run: "+filepath.Join(root, "db", "paperclip.db"),
		"! Backups: No backups yet in "+filepath.Join(root, "data", "backups"),
		"✓ Log directory: Log directory is writable: "+filepath.Join(root, "logs"),
		"✓ Server port: Port 0: a free port is chosen at start",
		"✓ Agent CLIs: No agents yet",
		"✓ LLM provider: Not configured (optional)",
		"9 passed, 2 warnings, 0 failed\nAll critical checks passed with some warnings.\n",
	)
	if _, err := os.Stat(filepath.Join(root, "db", "paperclip.db")); !os.IsNotExist(err) {
		t.Error("doctor without --repair created the database")
	}

	// --repair -y creates and migrates the database.
	r = e.mustRun("", "doctor", "--repair", "-y", "--json")
	rep := doctorJSON(t, r)
	db := findCheck(rep, "Database")
	if db.Status != "pass" || !db.Repaired || !strings.Contains(db.Message, fmt.Sprintf("(schema v%d)", store.SchemaVersion())) {
		t.Fatalf("database after repair: %+v", db)
	}
	if rep.Passed != 10 || rep.Warned != 1 || rep.Failed != 0 || len(rep.Checks) != 11 {
		t.Fatalf("counts %d/%d/%d", rep.Passed, rep.Warned, rep.Failed)
	}
}

func TestDoctorBrokenConfig(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"unparsable", `"port": 3100,`, `"port": 3100,,`, "✗ Config file: Could not parse "},
		{"wrong type", `"port": 3100`, `"port": "3100"`, "server.port must be a number"},
		{"cross-field", `"exposure": "private"`, `"exposure": "public"`, "local_trusted mode requires server.exposure private"},
		{"meta version", `"version": 1`, `"version": 2`, "$meta.version must be 1 (got 2)"},
		{"synchronous", `"mode": "sqlite",`, `"mode": "sqlite", "synchronous": "off",`, `database.synchronous must be normal or full (got "off")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCLIEnv(t)
			e.mustRun("", "onboard", "--yes", "--no-run")
			mustWrite(t, e.configPath(), strings.Replace(mustRead(t, e.configPath()), tt.from, tt.to, 1))
			r := e.run("", "doctor")
			r.has(t, tt.want, "0 passed, 0 warnings, 1 failed")
			if r.code != 1 || len(checkLines(r.stdout)) != 1 {
				t.Fatalf("exit %d, lines %v", r.code, checkLines(r.stdout))
			}
		})
	}
}

func TestDoctorUnknownKeysWarnAndSurviveRewrite(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	text := strings.Replace(mustRead(t, e.configPath()), `"serveUi": true`, `"serveUi": true, "prot": 8080`, 1)
	text = strings.Replace(text, `"heartbeat": {`, `"telemetry": {"on": false}, "heartbeat": {`, 1)
	mustWrite(t, e.configPath(), text)
	r := e.run("", "doctor", "--json")
	c := findCheck(doctorJSON(t, r), "Config file")
	if c.Status != "warn" || !strings.Contains(c.Message, "server.prot (did you mean server.port?)") || !strings.Contains(c.Message, "telemetry") {
		t.Fatalf("config check %+v", c)
	}

	inst := &instance{ID: "default", ConfigPath: e.configPath(), Root: e.instDir("default"), UserHome: e.home}
	cfg, err := readConfig(inst)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.Port = 3200
	if err := writeConfig(inst, cfg.Config, "configure", e.now); err != nil {
		t.Fatal(err)
	}
	after := readJSON(t, e.configPath())
	if dig(after, "server.prot") != 8080.0 || dig(after, "telemetry.on") != false || dig(after, "server.port") != 3200.0 || dig(after, "$meta.source") != "configure" {
		t.Fatalf("rewritten config lost data: %v", after)
	}
	if mustRead(t, e.configPath()+".backup") != text {
		t.Fatal("backup is not the previous file")
	}
	if fileMode(t, e.configPath()) != 0o600 || fileMode(t, e.configPath()+".backup") != 0o600 {
		t.Fatal("config files are not 0600")
	}
}

func TestDoctorRepairs(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	root := e.instDir("default")
	os.Remove(filepath.Join(root, ".env"))
	os.Remove(filepath.Join(root, "secrets", "master.key"))
	os.RemoveAll(filepath.Join(root, "data", "storage"))
	os.RemoveAll(filepath.Join(root, "logs"))
	e.env["PORT"] = "0"

	// Without --repair nothing changes and the missing secret fails the run.
	r := e.run("", "doctor")
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	r.has(t, "✗ Agent JWT secret: PAPERCLIP_AGENT_JWT_SECRET is missing", "! Secrets key: Master key file is missing (no secrets stored yet)",
		"✗ Storage: Local disk storage is not writable", "✗ Log directory: Log directory is not writable")

	// --repair without --yes and without a terminal does not repair.
	if r := e.run("", "doctor", "--repair"); r.code != 1 {
		t.Fatalf("non-TTY --repair repaired: exit %d", r.code)
	}
	// On a terminal each repair is confirmed; declining the first keeps it failing.
	e.tty = true
	r = e.run("n\ny\ny\ny\ny\n", "doctor", "--repair")
	r.has(t, `Repair "Agent JWT secret"? (Y/n)`, `Repair "Storage"? (Y/n)`)
	if r.code != 1 {
		t.Fatalf("declined repair still passed: exit %d\n%s", r.code, r.stdout)
	}
	e.tty = false
	r = e.mustRun("", "doctor", "--fix", "-y", "--json")
	rep := doctorJSON(t, r)
	if c := findCheck(rep, "Agent JWT secret"); c.Status != "pass" || !c.Repaired {
		t.Fatalf("jwt %+v", c)
	}
	if rep.Failed != 0 {
		t.Fatalf("failed after repair: %+v", rep)
	}
	for _, p := range []string{"data/storage", "logs"} {
		if fileMode(t, filepath.Join(root, p)) != 0o700 {
			t.Errorf("%s not recreated 0700", p)
		}
	}
	if len(parseDotenv([]byte(mustRead(t, filepath.Join(root, ".env"))))[jwtSecretKey]) != 64 {
		t.Error("repaired secret is not 64 hex chars")
	}
}

func TestDoctorSecretsKeyNeverRecreatedOverSecrets(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	root := e.instDir("default")
	seedDB(t, filepath.Join(root, "db", "paperclip.db"), nil,
		`INSERT INTO company_secrets (id, company_id, key, name, created_at, updated_at) VALUES ('s1', '$COMPANY', 'K', 'K', 'now', 'now')`)
	os.Remove(filepath.Join(root, "secrets", "master.key"))
	r := e.run("", "doctor", "--repair", "--yes")
	r.has(t, "✗ Secrets key: Master key file "+filepath.Join(root, "secrets", "master.key")+" is missing while 1 encrypted secrets exist")
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	if _, err := os.Stat(filepath.Join(root, "secrets", "master.key")); !os.IsNotExist(err) {
		t.Fatal("repair created a new master key over existing secrets")
	}
}

func TestDoctorAgentCLIs(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	root := e.instDir("default")
	sh := "/bin/sh"
	seedDB(t, filepath.Join(root, "db", "paperclip.db"), func(st *store.Store, cid string) {
		agent := func(name, adapter string, config map[string]any) {
			in := store.AgentInput{AdapterType: store.Some(adapter)}
			if config != nil {
				in.AdapterConfig = store.Some(config)
			}
			storetest.Agent(t, st, cid, name, in)
		}
		agent("CEO", "claude_local", map[string]any{"command": sh})
		agent("Dev", "codex_local", map[string]any{"command": "paperclip-no-such-cli"})
		agent("Bot", "process", nil)
	})
	rep := doctorJSON(t, e.run("", "doctor", "--json"))
	c := findCheck(rep, "Agent CLIs")
	if c.Status != "warn" || !strings.Contains(c.Message, "paperclip-no-such-cli (used by codex_local agents)") || c.Hint != "Install it or set adapterConfig.command" {
		t.Fatalf("agent CLIs %+v", c)
	}
	if c := findCheck(rep, "Database"); c.Status != "pass" || !strings.Contains(c.Message, "SQLite database OK") {
		t.Fatalf("database %+v", c)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDoctorLLMCheck(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	mustWrite(t, e.configPath(), strings.Replace(mustRead(t, e.configPath()), `"database": {`, `"llm": {"provider": "openai", "apiKey": "sk-test"}, "database": {`, 1))
	inst := &instance{ID: "default", ConfigPath: e.configPath(), Root: e.instDir("default"), UserHome: e.home}
	cfg, err := readConfig(inst)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		status int
		err    error
		want   string
	}{
		{200, nil, "pass"}, {401, nil, "fail"}, {0, errors.New("dial tcp: no route to host"), "warn"}, {500, nil, "warn"},
	}
	for _, tt := range tests {
		a := newApp(strings.NewReader(""), io.Discard, io.Discard)
		a.httpClient = &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			if r.Header.Get("Authorization") != "Bearer sk-test" || r.URL.Host != "api.openai.com" {
				t.Errorf("request %s %v", r.URL, r.Header)
			}
			if tt.err != nil {
				return nil, tt.err
			}
			return &http.Response{StatusCode: tt.status, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}}, nil
		})}
		d := &doctorRun{a: a, inst: inst, cfg: cfg}
		if got := d.checkLLM(t.Context()); got.Status != tt.want {
			t.Errorf("status %d err %v: %+v, want %s", tt.status, tt.err, got, tt.want)
		}
	}
}
