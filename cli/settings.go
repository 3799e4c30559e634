package cli

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"paperclip/server"
	"paperclip/store"
)

// settings is everything a server start needs, resolved once with the precedence
// environment > config file > default (§3). Server is handed to server.New as is; the
// other fields are used by the cli itself (logging, doctor, banner) or wait for the
// features that will consume them.
type settings struct {
	Server server.Config

	BaseURLMode   string
	DisableSignUp bool

	LogLevel            slog.Level
	LogMaxSizeMB        int
	LogMaxFiles         int
	RunLogRetentionDays int
	RunLogMaxBytes      int64
	RunLogMaxTotalBytes int64
	RunDefaultTimeout   time.Duration

	SecretsStrict bool

	JWTSecretSource string // "environment", ".env" or "" when missing
	DatabaseURLSet  bool
	// DatabaseSynchronous is store.SyncNormal or store.SyncFull, for store.Open.
	DatabaseSynchronous string
}

// envError is an environment variable whose value cannot be used.
func envError(key, val, want string) error {
	return fmt.Errorf("Invalid %s %q: %s", key, val, want)
}

func (a *app) envString(key, def string) string {
	if v := a.getenv(key); v != "" {
		return v
	}
	return def
}

func (a *app) envInt(key string, def, lo, hi int) (int, error) {
	v := strings.TrimSpace(a.getenv(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, envError(key, v, fmt.Sprintf("expected a whole number between %d and %d", lo, hi))
	}
	return n, nil
}

func (a *app) envBool(key string, def bool) (bool, error) {
	v := strings.TrimSpace(a.getenv(key))
	if v == "" {
		return def, nil
	}
	b, ok := parseBool(v)
	if !ok {
		return false, envError(key, v, "expected true or false")
	}
	return b, nil
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on", "y":
		return true, true
	case "0", "false", "no", "off", "n":
		return false, true
	}
	return false, false
}

func splitCSV(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// resolveSettings applies the environment (§4) over cfg.
func (a *app) resolveSettings(inst *instance, cfg *Config) (*settings, error) {
	ver, _ := buildVersion()
	s := &settings{
		BaseURLMode:         cfg.Auth.BaseURLMode,
		DisableSignUp:       cfg.Auth.DisableSignUp,
		LogMaxSizeMB:        cfg.Logging.MaxSizeMB,
		LogMaxFiles:         cfg.Logging.MaxFiles,
		RunLogRetentionDays: cfg.Logging.RunLogRetentionDays,
		RunLogMaxBytes:      cfg.Logging.RunLogMaxBytes,
		RunLogMaxTotalBytes: cfg.Logging.RunLogMaxTotalBytes,
		DatabaseURLSet:      a.getenv("DATABASE_URL") != "",
	}
	if err := s.LogLevel.UnmarshalText([]byte(cfg.Logging.Level)); err != nil {
		s.LogLevel = slog.LevelInfo
	}
	sc := server.Config{
		Version:      ver,
		InstanceID:   inst.ID,
		InstanceDir:  inst.Root,
		ConfigPath:   inst.ConfigPath,
		DatabasePath: cfg.Database.Path,
		LogDir:       cfg.Logging.LogDir,
		RunLogDir:    cfg.Logging.RunLogDir,

		SecretsMasterKey:     a.getenv("PAPERCLIP_SECRETS_MASTER_KEY"),
		SecretsMasterKeyFile: cfg.Secrets.LocalEncrypted.KeyFilePath,
		ChildEnv:             a.childEnv(),
		OSUser:               a.osUser(),
	}
	var err error
	sc.DeploymentMode = a.envString("PAPERCLIP_DEPLOYMENT_MODE", cfg.Server.DeploymentMode)
	if !oneOf(sc.DeploymentMode, modeLocalTrusted, modeAuthenticated) {
		return nil, envError("PAPERCLIP_DEPLOYMENT_MODE", sc.DeploymentMode, "expected local_trusted or authenticated")
	}
	sc.Exposure = a.envString("PAPERCLIP_DEPLOYMENT_EXPOSURE", cfg.Server.Exposure)
	if !oneOf(sc.Exposure, exposurePrivate, exposurePublic) {
		return nil, envError("PAPERCLIP_DEPLOYMENT_EXPOSURE", sc.Exposure, "expected private or public")
	}
	sc.Host = a.envString("HOST", cfg.Server.effectiveHost())
	// PORT may be 0: bind any free port (tests and side-by-side instances rely on it).
	if sc.Port, err = a.envInt("PORT", cfg.Server.Port, 0, 65535); err != nil {
		return nil, err
	}
	sc.AllowedHostnames = append([]string{}, cfg.Server.AllowedHostnames...)
	for _, h := range splitCSV(a.getenv("PAPERCLIP_ALLOWED_HOSTNAMES")) {
		h = strings.ToLower(h)
		if !oneOf(h, sc.AllowedHostnames...) {
			sc.AllowedHostnames = append(sc.AllowedHostnames, h)
		}
	}
	sc.PublicBaseURL = cfg.publicURL()
	if u := a.getenv("PAPERCLIP_PUBLIC_URL"); u != "" {
		sc.PublicBaseURL, s.BaseURLMode = strings.TrimRight(u, "/"), "explicit"
	}
	if sc.ServeUI, err = a.envBool("SERVE_UI", cfg.Server.ServeUI); err != nil {
		return nil, err
	}

	sc.StorageDir = inst.path(a.envString("PAPERCLIP_STORAGE_LOCAL_DIR", cfg.Storage.LocalDisk.BaseDir))
	if sc.BackupEnabled, err = a.envBool("PAPERCLIP_DB_BACKUP_ENABLED", cfg.Database.Backup.Enabled); err != nil {
		return nil, err
	}
	if sc.BackupIntervalMinutes, err = a.envInt("PAPERCLIP_DB_BACKUP_INTERVAL_MINUTES", cfg.Database.Backup.IntervalMinutes, 1, 10080); err != nil {
		return nil, err
	}
	if sc.BackupRetentionDays, err = a.envInt("PAPERCLIP_DB_BACKUP_RETENTION_DAYS", cfg.Database.Backup.RetentionDays, 1, 3650); err != nil {
		return nil, err
	}
	sc.BackupDir = inst.path(a.envString("PAPERCLIP_DB_BACKUP_DIR", cfg.Database.Backup.Dir))
	syncSetting := a.envString("PAPERCLIP_DB_SYNCHRONOUS", cfg.Database.Synchronous)
	if s.DatabaseSynchronous, err = store.ParseSynchronous(syncSetting); err != nil {
		return nil, envError("PAPERCLIP_DB_SYNCHRONOUS", syncSetting, "expected normal or full")
	}

	if v, ok := a.lookupEnv(jwtSecretKey); ok && v != "" {
		sc.AgentJWTSecret, s.JWTSecretSource = v, "environment"
	} else if v := a.dotenv[jwtSecretKey]; v != "" {
		sc.AgentJWTSecret, s.JWTSecretSource = v, ".env"
	}
	ttl, err := a.envInt("PAPERCLIP_AGENT_JWT_TTL_SECONDS", 172800, 1, 1<<31-1)
	if err != nil {
		return nil, err
	}
	sc.AgentJWTTTL = time.Duration(ttl) * time.Second
	sc.AgentJWTIssuer = a.envString("PAPERCLIP_AGENT_JWT_ISSUER", "paperclip")
	sc.AgentJWTAudience = a.envString("PAPERCLIP_AGENT_JWT_AUDIENCE", "paperclip-api")

	if sc.CompanyDeletionEnabled, err = a.envBool("PAPERCLIP_ENABLE_COMPANY_DELETION", sc.DeploymentMode == modeLocalTrusted); err != nil {
		return nil, err
	}
	if v := strings.TrimSpace(a.getenv("PAPERCLIP_ATTACHMENT_MAX_BYTES")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return nil, envError("PAPERCLIP_ATTACHMENT_MAX_BYTES", v, "expected a positive number of bytes")
		}
		sc.AttachmentMaxBytes = n
	}
	if v := a.getenv("PAPERCLIP_ALLOWED_ATTACHMENT_TYPES"); v != "" {
		sc.AllowedAttachmentTypes = splitCSV(strings.ToLower(v))
	}

	if sc.SchedulerEnabled, err = a.envBool("HEARTBEAT_SCHEDULER_ENABLED", cfg.Heartbeat.SchedulerEnabled); err != nil {
		return nil, err
	}
	ms, err := a.envInt("HEARTBEAT_SCHEDULER_INTERVAL_MS", cfg.Heartbeat.SchedulerIntervalMs, 1, 1<<31-1)
	if err != nil {
		return nil, err
	}
	sc.SchedulerInterval = time.Duration(max(ms, 10000)) * time.Millisecond
	timeout, err := a.envInt("PAPERCLIP_RUN_DEFAULT_TIMEOUT_SEC", cfg.Heartbeat.DefaultTimeoutSec, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	s.RunDefaultTimeout = time.Duration(timeout) * time.Second

	if f := a.getenv("PAPERCLIP_SECRETS_MASTER_KEY_FILE"); f != "" {
		sc.SecretsMasterKeyFile = inst.path(f)
	}
	if s.SecretsStrict, err = a.envBool("PAPERCLIP_SECRETS_STRICT_MODE", cfg.Secrets.StrictMode); err != nil {
		return nil, err
	}
	sc.DisableSignUp = s.DisableSignUp
	s.Server = sc
	return s, nil
}

// checkBindAllowed is the §6.1 step 7 refusal, applied to the settings after env overrides.
func (s *settings) checkBindAllowed() error {
	if s.Server.DeploymentMode == modeLocalTrusted && !isLoopbackHost(s.Server.Host) {
		return fmt.Errorf("local_trusted mode only binds to loopback (got %s). Use authenticated mode to expose Paperclip.", s.Server.Host)
	}
	return nil
}

// validate applies the §3 cross-field rules to the effective settings.
func (s *settings) validate() error {
	return validateDeployment(s.Server.DeploymentMode, s.Server.Exposure, s.Server.Host, s.BaseURLMode, s.Server.PublicBaseURL)
}

// serverLogPath is logs/server.log.
func (s *settings) serverLogPath() string { return filepath.Join(s.Server.LogDir, "server.log") }
