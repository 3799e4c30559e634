package cli

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Tests of configure, env, allowed-hostname and auth bootstrap-ceo (cli.md §5).

func TestConfigureSet(t *testing.T) {
	e := newCLIEnv(t)
	if r := e.run("", "configure", "--set", "server.port=3200"); r.code != 1 ||
		strings.TrimSpace(r.stderr) != "No config found at "+e.configPath()+". Run: paperclip onboard" {
		t.Fatalf("missing config: %d %q", r.code, r.stderr)
	}
	e.mustRun("", "onboard", "--yes", "--no-run")
	r := e.mustRun("", "configure", "--set", "server.port=3200", "--set", "database.backup.retentionDays=14",
		"--set", "server.allowedHostnames=nas.local, box", "--set", "logging.logDir=other-logs")
	if r.stdout != "Updated server, database, logging configuration in "+e.configPath()+"\n" {
		t.Fatalf("stdout %q", r.stdout)
	}
	cfg := readJSON(t, e.configPath())
	for path, want := range map[string]any{
		"server.port": 3200.0, "database.backup.retentionDays": 14.0, "$meta.source": "configure",
		"logging.logDir": "other-logs",
	} {
		if got := dig(cfg, path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if h := dig(cfg, "server.allowedHostnames").([]any); len(h) != 2 || h[1] != "box" {
		t.Errorf("allowedHostnames %v", h)
	}
	if fileMode(t, e.configPath()) != 0o600 || mustRead(t, e.configPath()+".backup") == "" {
		t.Error("config not written 0600 with a backup")
	}
	before := mustRead(t, e.configPath())
	for _, tt := range []struct{ set, want string }{
		{"server.prot=1", `Unknown config key "server.prot" (did you mean server.port?)`},
		{"server.port=abc", "Invalid --set server.port=abc: expected a whole number"},
		{"server.port=0", "Invalid configuration: server.port must be between 1 and 65535 (got 0)"},
		{"server.host=0.0.0.0", ""}, // bind loopback ignores host: still valid
		{"server.bind=lan", "Invalid configuration: local_trusted mode requires a loopback host (got 0.0.0.0)"},
		{"server", `Invalid --set "server": expected key=value`},
		{"server=1", `Config key "server" is an object`},
		{"$meta.version=2", `Unknown config key "$meta.version"`},
	} {
		r := e.run("", "configure", "--set", tt.set)
		if tt.want == "" {
			if r.code != 0 {
				t.Errorf("--set %s: exit %d %q", tt.set, r.code, r.stderr)
			}
			before = mustRead(t, e.configPath())
			continue
		}
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("--set %s: exit %d stderr %q, want %q", tt.set, r.code, r.stderr, tt.want)
		}
		if mustRead(t, e.configPath()) != before {
			t.Errorf("--set %s changed the config", tt.set)
		}
	}
	if r := e.run("", "configure", "--section", "server", "--set", "database.path=x.db"); r.code != 1 ||
		!strings.Contains(r.stderr, `Config key "database.path" is not in section server`) {
		t.Fatalf("section mismatch: %d %q", r.code, r.stderr)
	}
	if r := e.run("", "configure", "--section", "network"); r.code != 1 || !strings.Contains(r.stderr, `Invalid --section "network"`) {
		t.Fatalf("bad section: %d %q", r.code, r.stderr)
	}
	if r := e.run("", "configure"); r.code != 1 || !strings.HasPrefix(r.stderr, "configure needs an interactive terminal\n") {
		t.Fatalf("non-TTY: %d %q", r.code, r.stderr)
	}
}

func TestConfigureInteractiveSection(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	e.tty = true
	// Without --section the section is asked first; only its prompts follow.
	r := e.mustRun(strings.Join([]string{"2", "db/other.db", "n"}, "\n")+"\n", "configure")
	r.has(t, "Which section do you want to configure?", "SQLite file path", "Enable automatic backups?",
		"Updated database configuration in "+e.configPath())
	if strings.Contains(r.stdout, "Deployment mode") {
		t.Fatal("another section was asked")
	}
	cfg := readJSON(t, e.configPath())
	if dig(cfg, "database.path") != "db/other.db" || dig(cfg, "database.backup.enabled") != false {
		t.Fatalf("config %v", cfg["database"])
	}
	// Restart hint while the instance lock is held.
	l, err := acquireLock(filepath.Join(e.instDir("default"), "server.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.release()
	r = e.mustRun("", "configure", "--section", "storage", "--set", "storage.localDisk.baseDir=files")
	r.has(t, "Restart Paperclip for the change to take effect.")
}

func TestEnvCommand(t *testing.T) {
	e := newCLIEnv(t)
	r := e.mustRun("", "env")
	r.has(t, "No config found at "+e.configPath()+"; showing defaults",
		"PAPERCLIP_AGENT_JWT_SECRET  missing  -",
		"export PAPERCLIP_AGENT_JWT_SECRET='<set-this-value>'")
	e.mustRun("", "onboard", "--yes", "--no-run")
	e.mustRun("", "configure", "--set", "server.port=3200")
	e.env["PAPERCLIP_DEPLOYMENT_EXPOSURE"] = "private"
	e.env["PAPERCLIP_INSTANCE_ID"] = "default"
	r = e.mustRun("", "env")
	golden(t, "env", strings.ReplaceAll(r.stdout, e.pcHome, "<home>"))
	secret := readDotenvValue(t, filepath.Join(e.instDir("default"), ".env"))
	if strings.Contains(r.stdout, secret) {
		t.Fatal("env printed the JWT secret without --show-secrets")
	}
	if r := e.mustRun("", "env", "--show-secrets"); !strings.Contains(r.stdout, "export PAPERCLIP_AGENT_JWT_SECRET='"+secret+"'") {
		t.Fatalf("--show-secrets:\n%s", r.stdout)
	}
	e.env["DATABASE_URL"] = "postgres://x"
	e.env["PAPERCLIP_HOME"] = e.pcHome
	r = e.mustRun("", "env")
	r.has(t, "DATABASE_URL                          set      environment  reserved (future PostgreSQL backend); ignored",
		"PAPERCLIP_HOME")
	if strings.Contains(r.stdout, "export DATABASE_URL") {
		t.Fatal("DATABASE_URL exported")
	}
}

func readDotenvValue(t *testing.T, path string) string {
	t.Helper()
	vars, err := readDotenv(path)
	if err != nil || vars[jwtSecretKey] == "" {
		t.Fatalf("no secret in %s: %v", path, err)
	}
	return vars[jwtSecretKey]
}

func TestAllowedHostname(t *testing.T) {
	e := newCLIEnv(t)
	if r := e.run("", "allowed-hostname", "box"); r.code != 1 || !strings.Contains(r.stderr, "No config found") {
		t.Fatalf("missing config: %d %q", r.code, r.stderr)
	}
	e.mustRun("", "onboard", "--yes", "--no-run", "--bind", "lan")
	r := e.mustRun("", "allowed-hostname", "HTTPS://User@My-Laptop.Local.:8443/board?x=1")
	if r.stdout != "Allowed hostname added: my-laptop.local\n" {
		t.Fatalf("stdout %q", r.stdout)
	}
	if r := e.mustRun("", "allowed-hostname", "my-laptop.local"); r.stdout != "Hostname already allowed: my-laptop.local\n" {
		t.Fatalf("again %q", r.stdout)
	}
	e.mustRun("", "allowed-hostname", "[::1]:3100")
	e.mustRun("", "allowed-hostname", "192.168.1.20")
	cfg := readJSON(t, e.configPath())
	if h := dig(cfg, "server.allowedHostnames").([]any); len(h) != 3 || h[0] != "my-laptop.local" || h[1] != "::1" || h[2] != "192.168.1.20" {
		t.Fatalf("allowedHostnames %v", h)
	}
	if dig(cfg, "$meta.source") != "allowed-hostname" {
		t.Fatalf("source %v", dig(cfg, "$meta.source"))
	}
	for _, bad := range []string{"", "bad_host", "a..b", "x-.com", "http://"} {
		if r := e.run("", "allowed-hostname", bad); r.code != 1 || !strings.Contains(r.stderr, "Invalid host") {
			t.Errorf("%q: exit %d stderr %q", bad, r.code, r.stderr)
		}
	}
	// local_trusted: added, with a note that it does not apply there.
	e2 := newCLIEnv(t)
	e2.mustRun("", "onboard", "--yes", "--no-run")
	e2.mustRun("", "allowed-hostname", "box").has(t, "Allowed hostname added: box\nNote: allowed hostnames only apply in authenticated/private mode.\n")
}

func TestAuthBootstrapCEO(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	r := e.mustRun("", "auth", "bootstrap-ceo")
	if r.stdout != "Deployment mode is local_trusted: no login, no bootstrap invite needed.\n" {
		t.Fatalf("local_trusted: %q", r.stdout)
	}

	e.mustRun("", "configure", "--set", "server.deploymentMode=authenticated", "--set", "server.port=3555")
	re := regexp.MustCompile(`^Bootstrap invite \(expires (\S+)\):\nhttp://127\.0\.0\.1:3555/invite/(pcp_bootstrap_[0-9a-f]{48})\n$`)
	first := re.FindStringSubmatch(e.mustRun("", "auth", "bootstrap-ceo", "--expires-hours", "5000").stdout)
	if first == nil {
		t.Fatalf("invite output:\n%s", r.stdout)
	}
	r = e.mustRun("", "auth", "bootstrap-ceo", "--base-url", "https://pc.example.com/")
	if !strings.Contains(r.stdout, "\nhttps://pc.example.com/invite/pcp_bootstrap_") {
		t.Fatalf("--base-url: %q", r.stdout)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(e.instDir("default"), "db", "paperclip.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sum := sha256.Sum256([]byte(first[2]))
	var revoked sql.NullString
	var expires string
	if err := db.QueryRowContext(context.Background(), `SELECT revoked_at, expires_at FROM invites WHERE token_hash = ? AND invite_type = 'bootstrap_ceo'`,
		hex.EncodeToString(sum[:])).Scan(&revoked, &expires); err != nil {
		t.Fatalf("first invite row: %v", err)
	}
	if !revoked.Valid || expires != first[1] {
		t.Fatalf("first invite: revoked %v expires %s (printed %s)", revoked, expires, first[1])
	}
	var active int
	db.QueryRow(`SELECT COUNT(*) FROM invites WHERE invite_type = 'bootstrap_ceo' AND revoked_at IS NULL`).Scan(&active)
	if active != 1 {
		t.Fatalf("%d active bootstrap invites", active)
	}

	// Once a real admin exists, --force is needed.
	for _, q := range []string{
		`INSERT INTO auth_users (id, email, name, email_verified, created_at, updated_at) VALUES ('u1', 'a@b.c', 'A', 1, 'x', 'x')`,
		`INSERT INTO instance_user_roles (id, user_id, role, created_at, updated_at) VALUES ('r1', 'u1', 'instance_admin', 'x', 'x')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if r := e.run("", "auth", "bootstrap-ceo"); r.code != 1 ||
		strings.TrimSpace(r.stderr) != "An instance admin already exists. Use --force to create a new bootstrap invite." {
		t.Fatalf("admin exists: %d %q", r.code, r.stderr)
	}
	e.mustRun("", "auth", "bootstrap-ceo", "--force")
}
