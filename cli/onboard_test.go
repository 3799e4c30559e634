package cli

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(mustRead(t, path)), &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func dig(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[k]
	}
	return v
}

func TestOnboardYesWritesInstance(t *testing.T) {
	e := newCLIEnv(t)
	r := e.mustRun("", "onboard", "--yes", "--no-run")
	root := e.instDir("default")
	r.has(t,
		"Paperclip onboard — home: "+e.pcHome+" | instance: default | config: "+e.configPath(),
		"Created PAPERCLIP_AGENT_JWT_SECRET in "+filepath.Join(root, ".env"),
		"Configuration saved",
		"  Database: sqlite "+filepath.Join(root, "db", "paperclip.db"),
		"  Server: local_trusted/private @ 127.0.0.1:3100",
		"  Allowed hosts: (loopback only)",
		"  Auth URL mode: auto",
		"  Storage: local_disk "+filepath.Join(root, "data", "storage"),
		"  Secrets: local_encrypted (strict mode off)",
		"  Backups: every 60m, keep 30d",
		"  Agent auth: PAPERCLIP_AGENT_JWT_SECRET configured",
		"Next commands\n  paperclip run\n  paperclip configure\n  paperclip doctor",
	)
	if strings.Contains(r.stdout, "Paperclip dev —") {
		t.Fatal("onboard --yes without --run started the server")
	}

	for _, f := range []string{"config.json", ".env", "secrets/master.key"} {
		if m := fileMode(t, filepath.Join(root, f)); m != 0o600 {
			t.Errorf("%s mode %o, want 600", f, m)
		}
	}
	for _, d := range []string{".", "db", "data/storage", "data/backups", "data/run-logs", "logs", "secrets"} {
		if m := fileMode(t, filepath.Join(root, d)); m != 0o700 {
			t.Errorf("%s mode %o, want 700", d, m)
		}
	}
	env := parseDotenv([]byte(mustRead(t, filepath.Join(root, ".env"))))
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(env[jwtSecretKey]) {
		t.Errorf(".env secret = %q, want 64 hex chars", env[jwtSecretKey])
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(mustRead(t, filepath.Join(root, "secrets", "master.key"))))
	if err != nil || len(key) != 32 {
		t.Errorf("master key: %d bytes, err %v", len(key), err)
	}

	cfg := readJSON(t, e.configPath())
	for path, want := range map[string]any{
		"$meta.version": 1.0, "$meta.source": "onboard", "$meta.updatedAt": "2026-11-22T10:00:00.000Z",
		"database.mode": "sqlite", "database.path": "db/paperclip.db",
		"database.backup.dir": "data/backups", "server.port": 3100.0,
		"server.deploymentMode": "local_trusted", "server.bind": "loopback", "server.host": "127.0.0.1",
		"auth.publicBaseUrl": nil, "heartbeat.schedulerIntervalMs": 30000.0,
		"secrets.localEncrypted.keyFilePath": "secrets/master.key",
	} {
		if got := dig(cfg, path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if hosts, ok := dig(cfg, "server.allowedHostnames").([]any); !ok || len(hosts) != 0 {
		t.Errorf("allowedHostnames = %#v, want []", dig(cfg, "server.allowedHostnames"))
	}

	// A second onboard keeps the valid config and the secret untouched.
	before := mustRead(t, e.configPath())
	e.now = e.now.Add(3600e9)
	r = e.mustRun("", "onboard", "--yes", "--no-run")
	r.has(t, "Using existing PAPERCLIP_AGENT_JWT_SECRET in "+filepath.Join(root, ".env"), "Existing configuration kept at "+e.configPath())
	if mustRead(t, e.configPath()) != before {
		t.Error("onboard rewrote a valid config")
	}
	if parseDotenv([]byte(mustRead(t, filepath.Join(root, ".env"))))[jwtSecretKey] != env[jwtSecretKey] {
		t.Error("onboard replaced the JWT secret")
	}
}

func TestOnboardNeedsTerminal(t *testing.T) {
	e := newCLIEnv(t)
	r := e.run("", "onboard")
	if r.code != 1 || strings.TrimSpace(r.stderr) != "onboard needs an interactive terminal; use --yes for quickstart defaults" {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(e.configPath()); !os.IsNotExist(err) {
		t.Fatal("config written without --yes or a terminal")
	}
}

func TestOnboardYesIgnoresModeVariables(t *testing.T) {
	e := newCLIEnv(t)
	e.env["PAPERCLIP_DEPLOYMENT_MODE"] = "authenticated"
	e.env["PAPERCLIP_DEPLOYMENT_EXPOSURE"] = "public"
	e.env["PORT"] = "4100"
	e.env["PAPERCLIP_ALLOWED_HOSTNAMES"] = "Box.local, nas"
	r := e.mustRun("", "onboard", "-y", "--no-run")
	r.has(t, "Ignored PAPERCLIP_DEPLOYMENT_MODE: quickstart uses trusted local loopback",
		"Ignored PAPERCLIP_DEPLOYMENT_EXPOSURE: quickstart uses trusted local loopback",
		"Server: local_trusted/private @ 127.0.0.1:4100", "Allowed hosts: box.local, nas")
}

func TestOnboardBindLAN(t *testing.T) {
	e := newCLIEnv(t)
	r := e.mustRun("", "onboard", "--yes", "--no-run", "--bind", "lan")
	r.has(t, "Server: authenticated/private @ 0.0.0.0:3100", "A one-time bootstrap invite for the first admin is printed when the server starts")
	cfg := readJSON(t, e.configPath())
	if dig(cfg, "server.bind") != "lan" || dig(cfg, "server.deploymentMode") != "authenticated" {
		t.Fatalf("config server = %v", cfg["server"])
	}
	if r := e.run("", "onboard", "--yes", "--no-run", "--bind", "tailnet"); r.code != 1 {
		t.Fatalf("--bind tailnet accepted")
	}
}

// TestOnboardAdvancedInteractive answers every Advanced prompt from a buffer.
func TestOnboardAdvancedInteractive(t *testing.T) {
	e := newCLIEnv(t)
	e.tty = true
	answers := strings.Join([]string{
		"2",              // Advanced setup
		"store/pc.db",    // SQLite path, relative to the instance root
		"y", "120", "14", // backups on, every 120 min, keep 14 days
		"2", "sk-ant-test", // Claude with a key
		"~/paperclip-logs", // log directory
		"2",                // Authenticated
		"1",                // Private network
		"2",                // LAN
		"abc", "0",         // two invalid ports, re-asked
		"3911",           // port
		"NAS.local, box", // allowed hostnames
		"",               // upload directory: default
		"", "y",          // master key default, strict mode on
		"n", // do not start
	}, "\n") + "\n"
	r := e.mustRun(answers, "onboard")
	r.has(t, "Choose setup path", "Enter a port between 1 and 65535.", "Configuration saved",
		"Server: authenticated/private @ 0.0.0.0:3911", "Allowed hosts: nas.local, box",
		"Secrets: local_encrypted (strict mode on)", "Backups: every 120m, keep 14d", "Start Paperclip now?")
	cfg := readJSON(t, e.configPath())
	for path, want := range map[string]any{
		"database.path": "store/pc.db", "database.backup.intervalMinutes": 120.0,
		"database.backup.retentionDays": 14.0, "llm.provider": "claude", "llm.apiKey": "sk-ant-test",
		"logging.logDir": filepath.Join(e.home, "paperclip-logs"), "server.deploymentMode": "authenticated",
		"server.exposure": "private", "server.bind": "lan", "server.port": 3911.0, "secrets.strictMode": true,
		"storage.localDisk.baseDir": "data/storage",
	} {
		if got := dig(cfg, path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if fileMode(t, filepath.Join(e.home, "paperclip-logs")) != 0o700 {
		t.Error("custom log directory not created 0700")
	}
}

func TestOnboardInvalidExistingConfig(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	broken := strings.Replace(mustRead(t, e.configPath()), `"port": 3100`, `"port": 70000`, 1)
	mustWrite(t, e.configPath(), broken)

	r := e.run("", "onboard", "--yes", "--no-run")
	if r.code != 1 || !strings.Contains(r.stderr, "server.port must be between 1 and 65535 (got 70000)") {
		t.Fatalf("non-TTY invalid config: exit %d stderr %q", r.code, r.stderr)
	}
	copies, _ := filepath.Glob(e.configPath() + ".invalid-*")
	if len(copies) != 1 || mustRead(t, copies[0]) != broken || !strings.HasSuffix(copies[0], ".invalid-20261122-100000") {
		t.Fatalf("invalid copies = %v", copies)
	}
	if mustRead(t, e.configPath()) != broken {
		t.Fatal("non-TTY onboard replaced the invalid config")
	}

	e.tty = true
	r = e.mustRun("y\n", "onboard", "--yes", "--no-run")
	r.has(t, "Configuration saved")
	if got := dig(readJSON(t, e.configPath()), "server.port"); got != 3100.0 {
		t.Fatalf("port after replace = %v", got)
	}
	if mustRead(t, e.configPath()+".backup") != broken {
		t.Fatal("config.json.backup is not the previous file")
	}
}

func TestUpstreamConfigRefused(t *testing.T) {
	upstream := `{"$meta":{"version":1},"database":{"mode":"embedded-postgres","embeddedPostgresDataDir":"~/.paperclip/instances/default/db"},"server":{"port":3100}}`
	for _, cmd := range [][]string{{"onboard", "--yes", "--no-run"}, {"doctor"}, {"run", "--no-open"}} {
		e := newCLIEnv(t)
		mustWrite(t, e.configPath(), upstream)
		r := e.run("", cmd...)
		want := `Instance "default" was created by upstream Paperclip (database mode embedded-postgres); this build uses SQLite. Use another instance: paperclip run --instance <new-id>`
		if r.code != 1 || !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("%v: exit %d\nstdout %s\nstderr %s", cmd, r.code, r.stdout, r.stderr)
		}
		if mustRead(t, e.configPath()) != upstream {
			t.Errorf("%v touched the upstream config", cmd)
		}
		entries, _ := os.ReadDir(e.instDir("default"))
		if len(entries) != 1 {
			t.Errorf("%v created files in the upstream instance: %v", cmd, entries)
		}
	}
}

func TestPostgresModeRejected(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	mustWrite(t, e.configPath(), strings.Replace(mustRead(t, e.configPath()), `"mode": "sqlite"`, `"mode": "postgres"`, 1))
	r := e.run("", "doctor")
	r.has(t, `✗ Config file: Invalid config at `+e.configPath()+`: database.mode "postgres" is not supported by this version`)
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
}
