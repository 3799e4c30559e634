package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// settingsFor resolves the server settings of a fresh quickstart instance under env.
func settingsFor(t *testing.T, env map[string]string, dotenv string) (*settings, error) {
	t.Helper()
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	if dotenv != "" {
		mustWrite(t, filepath.Join(e.instDir("default"), ".env"), dotenv)
	}
	for k, v := range env {
		e.env[k] = v
	}
	a := newApp(strings.NewReader(""), os.Stdout, os.Stderr)
	a.lookupEnv = func(k string) (string, bool) { v, ok := e.env[k]; return v, ok }
	a.userHome = func() (string, error) { return e.home, nil }
	inst, err := a.resolveInstance("")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.loadDotenv(inst); err != nil {
		t.Fatal(err)
	}
	cfg, err := readConfig(inst)
	if err != nil {
		t.Fatal(err)
	}
	return a.resolveSettings(inst, cfg.Config)
}

func TestSettingsDefaults(t *testing.T) {
	s, err := settingsFor(t, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	sc := s.Server
	got := fmt.Sprintf("%s %s %s:%d ui=%v del=%v backup=%v/%d/%d jwt=%d/%s ttl=%s iss=%s aud=%s sched=%v/%s",
		sc.DeploymentMode, sc.Exposure, sc.Host, sc.Port, sc.ServeUI, sc.CompanyDeletionEnabled, sc.BackupEnabled,
		sc.BackupIntervalMinutes, sc.BackupRetentionDays, len(sc.AgentJWTSecret), s.JWTSecretSource, sc.AgentJWTTTL,
		sc.AgentJWTIssuer, sc.AgentJWTAudience, sc.SchedulerEnabled, sc.SchedulerInterval)
	want := "local_trusted private 127.0.0.1:3100 ui=true del=true backup=true/60/30 jwt=64/.env ttl=48h0m0s iss=paperclip aud=paperclip-api sched=true/30s"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if s.DatabaseSynchronous != "NORMAL" {
		t.Errorf("synchronous %q by default", s.DatabaseSynchronous)
	}
	if sc.InstanceID != "default" || !strings.HasSuffix(sc.DatabasePath, "db/paperclip.db") || !strings.HasSuffix(sc.StorageDir, "data/storage") {
		t.Fatalf("paths %+v", sc)
	}
}

func TestSettingsEnvironmentOverrides(t *testing.T) {
	s, err := settingsFor(t, map[string]string{
		"PORT": "0", "HOST": "::1", "SERVE_UI": "false", "PAPERCLIP_ALLOWED_HOSTNAMES": "A.example, b.example",
		"PAPERCLIP_AGENT_JWT_SECRET": "from-env", "PAPERCLIP_AGENT_JWT_TTL_SECONDS": "60",
		"PAPERCLIP_AGENT_JWT_ISSUER": "iss", "PAPERCLIP_AGENT_JWT_AUDIENCE": "aud",
		"PAPERCLIP_STORAGE_LOCAL_DIR": "files", "PAPERCLIP_DB_BACKUP_ENABLED": "false",
		"PAPERCLIP_DB_BACKUP_INTERVAL_MINUTES": "5", "PAPERCLIP_DB_BACKUP_RETENTION_DAYS": "2", "PAPERCLIP_DB_BACKUP_DIR": "/var/bk",
		"HEARTBEAT_SCHEDULER_ENABLED": "false", "HEARTBEAT_SCHEDULER_INTERVAL_MS": "500",
		"PAPERCLIP_ENABLE_COMPANY_DELETION": "false", "PAPERCLIP_ATTACHMENT_MAX_BYTES": "1024",
		"PAPERCLIP_ALLOWED_ATTACHMENT_TYPES": "image/png, Application/PDF", "PAPERCLIP_PUBLIC_URL": "https://pc.example.com/",
		"DATABASE_URL": "postgres://x", "PAPERCLIP_DB_SYNCHRONOUS": "Full",
	}, "PAPERCLIP_AGENT_JWT_SECRET=from-dotenv\n")
	if err != nil {
		t.Fatal(err)
	}
	sc := s.Server
	checks := map[string][2]any{
		"port":      {sc.Port, 0},
		"host":      {sc.Host, "::1"},
		"ui":        {sc.ServeUI, false},
		"hosts":     {strings.Join(sc.AllowedHostnames, ","), "a.example,b.example"},
		"jwt":       {sc.AgentJWTSecret, "from-env"},
		"jwtsrc":    {s.JWTSecretSource, "environment"},
		"ttl":       {sc.AgentJWTTTL, time.Minute},
		"iss":       {sc.AgentJWTIssuer, "iss"},
		"aud":       {sc.AgentJWTAudience, "aud"},
		"storage":   {sc.StorageDir, filepath.Join(sc.InstanceDir, "files")},
		"backup":    {sc.BackupEnabled, false},
		"interval":  {sc.BackupIntervalMinutes, 5},
		"retention": {sc.BackupRetentionDays, 2},
		"bkdir":     {sc.BackupDir, "/var/bk"},
		"sched":     {sc.SchedulerEnabled, false},
		"tick":      {sc.SchedulerInterval, 10 * time.Second},
		"delete":    {sc.CompanyDeletionEnabled, false},
		"maxbytes":  {sc.AttachmentMaxBytes, int64(1024)},
		"types":     {strings.Join(sc.AllowedAttachmentTypes, ","), "image/png,application/pdf"},
		"url":       {sc.PublicBaseURL, "https://pc.example.com"},
		"urlmode":   {s.BaseURLMode, "explicit"},
		"dburl":     {s.DatabaseURLSet, true},
		"sync":      {s.DatabaseSynchronous, "FULL"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %#v, want %#v", name, c[0], c[1])
		}
	}
}

func TestSettingsDotenvNeverOverridesEnvironment(t *testing.T) {
	s, err := settingsFor(t, map[string]string{"PORT": "4000"}, "PORT=5000\nexport HOST='localhost'\n# comment\nPAPERCLIP_AGENT_JWT_SECRET=\"quoted\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if s.Server.Port != 4000 || s.Server.Host != "localhost" || s.Server.AgentJWTSecret != "quoted" || s.JWTSecretSource != ".env" {
		t.Fatalf("port %d host %s secret %q (%s)", s.Server.Port, s.Server.Host, s.Server.AgentJWTSecret, s.JWTSecretSource)
	}
}

func TestSettingsAuthenticatedDefaultsAndRefusals(t *testing.T) {
	s, err := settingsFor(t, map[string]string{"PAPERCLIP_DEPLOYMENT_MODE": "authenticated"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Server.CompanyDeletionEnabled {
		t.Error("company deletion enabled by default in authenticated mode")
	}
	s, err = settingsFor(t, map[string]string{"HOST": "0.0.0.0"}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := "local_trusted mode only binds to loopback (got 0.0.0.0). Use authenticated mode to expose Paperclip."
	if err := s.checkBindAllowed(); err == nil || err.Error() != want {
		t.Fatalf("checkBindAllowed = %v", err)
	}
	for k, v := range map[string]string{"PORT": "70000", "SERVE_UI": "maybe", "PAPERCLIP_DEPLOYMENT_MODE": "open", "PAPERCLIP_DB_SYNCHRONOUS": "off"} {
		if _, err := settingsFor(t, map[string]string{k: v}, ""); err == nil || !strings.Contains(err.Error(), "Invalid "+k) {
			t.Errorf("%s=%s: err %v", k, v, err)
		}
	}
}

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.lock")
	held, _, err := probeLock(path)
	if err != nil || held {
		t.Fatalf("probe of a missing lock: %v %v", held, err)
	}
	l, err := acquireLock(path)
	if err != nil {
		t.Fatal(err)
	}
	info := lockInfo{PID: 42, URL: "http://127.0.0.1:1", StartedAt: "now", Version: "dev"}
	if err := l.write(info); err != nil {
		t.Fatal(err)
	}
	if _, err := acquireLock(path); !errors.Is(err, errLockHeld) {
		t.Fatalf("second acquire: %v", err)
	}
	held, got, err := probeLock(path)
	if err != nil || !held || got != info {
		t.Fatalf("probe: %v %+v %v", held, got, err)
	}
	if err := l.release(); err != nil {
		t.Fatal(err)
	}
	// The stale file stays and is simply locked again.
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	l2, err := acquireLock(path)
	if err != nil {
		t.Fatalf("re-acquire after release: %v", err)
	}
	l2.release()
}

func TestRotatingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "server.log")
	r, err := openRotating(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 59) + "\n"
	for i := 0; i < 7; i++ {
		if _, err := r.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	for _, name := range []string{path, path + ".1", path + ".2"} {
		if got := mustRead(t, name); got != line {
			t.Errorf("%s = %q", name, got)
		}
	}
	if _, err := os.Stat(path + ".3"); !os.IsNotExist(err) {
		t.Error("kept more than maxFiles rotated files")
	}
	if fileMode(t, path) != 0o600 {
		t.Error("server.log is not 0600")
	}
}

func TestEditDistanceAndSuggest(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"port", "prot", 2}, {"host", "host", 0}, {"", "abc", 3}, {"logDir", "logdir", 1}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q,%q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
	if s := suggest("sever", configSchema()); s != "server" {
		t.Errorf("suggest(sever) = %q", s)
	}
	if s := suggest("zzzzzz", configSchema()); s != "" {
		t.Errorf("suggest(zzzzzz) = %q", s)
	}
}

// TestConfigPathsAcceptTildeAndRelative checks §2: paths read from config.json may use
// "~" (user home) or be relative to the instance root.
func TestConfigPathsAcceptTildeAndRelative(t *testing.T) {
	e := newCLIEnv(t)
	e.mustRun("", "onboard", "--yes", "--no-run")
	root := e.instDir("default")
	text := strings.Replace(mustRead(t, e.configPath()), `"db/paperclip.db"`, `"store/p.db"`, 1)
	text = strings.Replace(text, `"logs"`, `"~/pc-logs"`, 1)
	mustWrite(t, e.configPath(), text)
	inst := &instance{ID: "default", ConfigPath: e.configPath(), Root: root, UserHome: e.home}
	cfg, err := readConfig(inst)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database.Path != filepath.Join(root, "store", "p.db") || cfg.Logging.LogDir != filepath.Join(e.home, "pc-logs") {
		t.Fatalf("database.path %s, logging.logDir %s", cfg.Database.Path, cfg.Logging.LogDir)
	}
	// Rewritten, a path outside the instance is absolute, one inside relative to it.
	if err := writeConfig(inst, cfg.Config, "doctor", e.now); err != nil {
		t.Fatal(err)
	}
	written := readJSON(t, e.configPath())
	if got := dig(written, "logging.logDir"); got != filepath.Join(e.home, "pc-logs") {
		t.Fatalf("written logDir %v", got)
	}
	if got := dig(written, "database.path"); got != "store/p.db" {
		t.Fatalf("written database.path %v", got)
	}
}

// TestSettingsOSUser: the server learns the account it runs as once, from the process
// (its home from the app's home lookup), for censorUsernameInLogs.
func TestSettingsOSUser(t *testing.T) {
	s, err := settingsFor(t, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	u := s.Server.OSUser
	if u.Name == "" || u.Name != currentUserName(os.LookupEnv) {
		t.Errorf("OSUser.Name %q, want the process's account %q", u.Name, currentUserName(os.LookupEnv))
	}
	if !filepath.IsAbs(u.Home) || !strings.HasPrefix(u.Home, os.TempDir()) {
		t.Errorf("OSUser.Home %q is not the test's home", u.Home)
	}
}
