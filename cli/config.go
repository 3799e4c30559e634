package cli

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"paperclip/store"
)

// Config is the typed content of config.json (cli.md §3). Paths are absolute once read;
// on disk those inside the instance directory are relative to it.
type Config struct {
	Meta      ConfigMeta      `json:"$meta"`
	LLM       *LLMConfig      `json:"llm,omitempty"`
	Database  DatabaseConfig  `json:"database"`
	Logging   LoggingConfig   `json:"logging"`
	Server    ServerConfig    `json:"server"`
	Auth      AuthConfig      `json:"auth"`
	Storage   StorageConfig   `json:"storage"`
	Secrets   SecretsConfig   `json:"secrets"`
	Heartbeat HeartbeatConfig `json:"heartbeat"`

	// raw is the document as read, kept so unknown keys survive a rewrite.
	raw map[string]any
}

// ConfigMeta records who wrote the file last.
type ConfigMeta struct {
	Version   int    `json:"version"`
	UpdatedAt string `json:"updatedAt"`
	Source    string `json:"source,omitempty"`
}

// LLMConfig is the optional model provider used by the doctor key check.
type LLMConfig struct {
	Provider string `json:"provider"`
	APIKey   string `json:"apiKey,omitempty"`
}

// DatabaseConfig locates the SQLite file and its backups.
type DatabaseConfig struct {
	Mode string `json:"mode"`
	Path string `json:"path"`
	// Synchronous is "normal" (the default when empty) or "full" (ours): full makes
	// every commit wait for the disk, so a power loss cannot drop acknowledged writes
	// (docs/durability.md).
	Synchronous string       `json:"synchronous,omitempty"`
	Backup      BackupConfig `json:"backup"`
}

// BackupConfig drives the automatic backup loop.
type BackupConfig struct {
	Enabled         bool   `json:"enabled"`
	IntervalMinutes int    `json:"intervalMinutes"`
	RetentionDays   int    `json:"retentionDays"`
	Dir             string `json:"dir"`
}

// LoggingConfig places the server log and the run logs.
type LoggingConfig struct {
	Mode                string `json:"mode"`
	Level               string `json:"level"`
	LogDir              string `json:"logDir"`
	MaxSizeMB           int    `json:"maxSizeMB"`
	MaxFiles            int    `json:"maxFiles"`
	RunLogDir           string `json:"runLogDir"`
	RunLogRetentionDays int    `json:"runLogRetentionDays"`
	RunLogMaxBytes      int64  `json:"runLogMaxBytes"`
	// RunLogMaxTotalBytes bounds the whole run-log directory (0: 5 GiB).
	RunLogMaxTotalBytes int64 `json:"runLogMaxTotalBytes,omitempty"`
}

// ServerConfig is how the server is reached.
type ServerConfig struct {
	DeploymentMode   string   `json:"deploymentMode"`
	Exposure         string   `json:"exposure"`
	Bind             string   `json:"bind"`
	Host             string   `json:"host"`
	Port             int      `json:"port"`
	AllowedHostnames []string `json:"allowedHostnames"`
	ServeUI          bool     `json:"serveUi"`
}

// AuthConfig decides the public base URL.
type AuthConfig struct {
	BaseURLMode   string  `json:"baseUrlMode"`
	PublicBaseURL *string `json:"publicBaseUrl"`
	DisableSignUp bool    `json:"disableSignUp"`
}

// StorageConfig places uploaded files.
type StorageConfig struct {
	Provider  string           `json:"provider"`
	LocalDisk LocalDiskStorage `json:"localDisk"`
}

// LocalDiskStorage is the local_disk provider's directory.
type LocalDiskStorage struct {
	BaseDir string `json:"baseDir"`
}

// SecretsConfig locates the master key of local_encrypted secrets.
type SecretsConfig struct {
	Provider       string               `json:"provider"`
	StrictMode     bool                 `json:"strictMode"`
	LocalEncrypted LocalEncryptedSecret `json:"localEncrypted"`
}

// LocalEncryptedSecret is the key file of the local_encrypted provider.
type LocalEncryptedSecret struct {
	KeyFilePath string `json:"keyFilePath"`
}

// HeartbeatConfig tunes the scheduler.
type HeartbeatConfig struct {
	SchedulerEnabled    bool `json:"schedulerEnabled"`
	SchedulerIntervalMs int  `json:"schedulerIntervalMs"`
	DefaultTimeoutSec   int  `json:"defaultTimeoutSec"`
}

// Enumerations of config.json.
const (
	modeLocalTrusted  = "local_trusted"
	modeAuthenticated = "authenticated"
	exposurePrivate   = "private"
	exposurePublic    = "public"
	bindLoopback      = "loopback"
	bindLAN           = "lan"
	bindCustom        = "custom"
)

// defaultConfig is §3's example for an instance rooted at root.
func defaultConfig(root string) *Config {
	return &Config{
		Meta: ConfigMeta{Version: 1},
		Database: DatabaseConfig{
			Mode: "sqlite",
			Path: filepath.Join(root, "db", "paperclip.db"),
			Backup: BackupConfig{Enabled: true, IntervalMinutes: 60, RetentionDays: 30,
				Dir: filepath.Join(root, "data", "backups")},
		},
		Logging: LoggingConfig{
			Mode: "file", Level: "info", LogDir: filepath.Join(root, "logs"), MaxSizeMB: 10, MaxFiles: 5,
			RunLogDir: filepath.Join(root, "data", "run-logs"), RunLogRetentionDays: 30, RunLogMaxBytes: 52428800,
		},
		Server: ServerConfig{
			DeploymentMode: modeLocalTrusted, Exposure: exposurePrivate, Bind: bindLoopback,
			Host: "127.0.0.1", Port: 3100, AllowedHostnames: []string{}, ServeUI: true,
		},
		Auth:    AuthConfig{BaseURLMode: "auto"},
		Storage: StorageConfig{Provider: "local_disk", LocalDisk: LocalDiskStorage{BaseDir: filepath.Join(root, "data", "storage")}},
		Secrets: SecretsConfig{Provider: "local_encrypted",
			LocalEncrypted: LocalEncryptedSecret{KeyFilePath: filepath.Join(root, "secrets", "master.key")}},
		Heartbeat: HeartbeatConfig{SchedulerEnabled: true, SchedulerIntervalMs: 30000, DefaultTimeoutSec: 14400},
	}
}

// resolvePaths makes every path of the config absolute (§2: "~" and relative accepted).
// A config written with absolute paths by an older build and then copied or moved still
// names the original instance's files; when every path is the default layout of one
// other instance directory, they are rebased onto this one and that directory is
// returned, so a copy never reads or writes the original's database.
func (c *Config) resolvePaths(inst *instance) (movedFrom string) {
	for _, p := range c.pathFields() {
		*p = inst.path(*p)
	}
	old := strings.TrimSuffix(c.Database.Path, string(filepath.Separator)+filepath.Join("db", "paperclip.db"))
	if old == c.Database.Path || old == inst.Root || !isMovedInstanceRoot(old, inst) {
		return ""
	}
	fields, layout := c.pathFields(), defaultLayout()
	for i, p := range fields {
		if *p != filepath.Join(old, layout[i]) {
			return "" // a path chosen on purpose: leave the config as it is
		}
	}
	for i, p := range fields {
		*p = filepath.Join(inst.Root, layout[i])
	}
	return old
}

// isMovedInstanceRoot reports whether dir is where this instance used to live: gone
// (moved), or another instance directory with a config.json of its own (copied).
func isMovedInstanceRoot(dir string, inst *instance) bool {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return true
	}
	theirs, err := os.Stat(filepath.Join(dir, "config.json"))
	if err != nil {
		return false
	}
	ours, err := os.Stat(inst.ConfigPath)
	return err == nil && !os.SameFile(theirs, ours)
}

func (c *Config) pathFields() []*string {
	return []*string{&c.Database.Path, &c.Database.Backup.Dir, &c.Logging.LogDir, &c.Logging.RunLogDir,
		&c.Storage.LocalDisk.BaseDir, &c.Secrets.LocalEncrypted.KeyFilePath}
}

// defaultLayout is each pathFields entry's default, relative to the instance root.
func defaultLayout() []string {
	return []string{filepath.Join("db", "paperclip.db"), filepath.Join("data", "backups"), "logs",
		filepath.Join("data", "run-logs"), filepath.Join("data", "storage"), filepath.Join("secrets", "master.key")}
}

// relativePaths is c with every path inside the instance root written relative to it,
// so the instance directory can be copied or moved as a whole (§2 accepts relative
// paths on read). Paths outside the root stay absolute.
func (c *Config) relativePaths(root string) *Config {
	out := *c
	for _, p := range out.pathFields() {
		if rel, err := filepath.Rel(root, *p); err == nil && filepath.IsAbs(*p) && rel != "." &&
			rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			*p = filepath.ToSlash(rel)
		}
	}
	return &out
}

// effectiveHost maps server.bind to the address to listen on.
func (s ServerConfig) effectiveHost() string {
	switch s.Bind {
	case bindLAN:
		return "0.0.0.0"
	case bindCustom:
		return s.Host
	default:
		if isLoopbackHost(s.Host) {
			return s.Host
		}
		return "127.0.0.1"
	}
}

func (c *Config) publicURL() string {
	if c.Auth.PublicBaseURL == nil {
		return ""
	}
	return *c.Auth.PublicBaseURL
}

// isLoopbackHost reports whether h only accepts connections from this computer.
func isLoopbackHost(h string) bool {
	h = strings.Trim(strings.ToLower(strings.TrimSpace(h)), "[]")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// validSynchronous accepts what store.ParseSynchronous does: normal or full, any case,
// or nothing for the default.
func validSynchronous(v string) bool {
	_, err := store.ParseSynchronous(v)
	return err == nil
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// Validate checks every field and the cross-field rules of §3. It returns the first
// problem as a sentence naming the key.
func (c *Config) Validate() error {
	checks := []struct {
		bad bool
		msg string
	}{
		{c.Meta.Version != 1, fmt.Sprintf("$meta.version must be 1 (got %d)", c.Meta.Version)},
		{c.LLM != nil && !oneOf(c.LLM.Provider, "claude", "openai"), "llm.provider must be claude or openai"},
		{c.Database.Mode == "postgres", `database.mode "postgres" is not supported by this version`},
		{c.Database.Mode != "sqlite", fmt.Sprintf("database.mode must be sqlite (got %q)", c.Database.Mode)},
		{c.Database.Path == "", "database.path is required"},
		{!validSynchronous(c.Database.Synchronous), fmt.Sprintf("database.synchronous must be normal or full (got %q)", c.Database.Synchronous)},
		{c.Database.Backup.IntervalMinutes < 1 || c.Database.Backup.IntervalMinutes > 10080,
			fmt.Sprintf("database.backup.intervalMinutes must be between 1 and 10080 (got %d)", c.Database.Backup.IntervalMinutes)},
		{c.Database.Backup.RetentionDays < 1 || c.Database.Backup.RetentionDays > 3650,
			fmt.Sprintf("database.backup.retentionDays must be between 1 and 3650 (got %d)", c.Database.Backup.RetentionDays)},
		{c.Database.Backup.Dir == "", "database.backup.dir is required"},
		{c.Logging.Mode != "file", fmt.Sprintf("logging.mode must be file (got %q)", c.Logging.Mode)},
		{!oneOf(c.Logging.Level, "debug", "info", "warn", "error"), fmt.Sprintf("logging.level must be debug, info, warn or error (got %q)", c.Logging.Level)},
		{c.Logging.LogDir == "", "logging.logDir is required"},
		{c.Logging.MaxSizeMB < 1, "logging.maxSizeMB must be at least 1"},
		{c.Logging.MaxFiles < 1, "logging.maxFiles must be at least 1"},
		{c.Logging.RunLogDir == "", "logging.runLogDir is required"},
		{c.Logging.RunLogRetentionDays < 1, "logging.runLogRetentionDays must be at least 1"},
		{c.Logging.RunLogMaxBytes < 1048576, "logging.runLogMaxBytes must be at least 1048576"},
		{c.Logging.RunLogMaxTotalBytes < 0, "logging.runLogMaxTotalBytes must be 0 or more"},
		{!oneOf(c.Server.DeploymentMode, modeLocalTrusted, modeAuthenticated),
			fmt.Sprintf("server.deploymentMode must be local_trusted or authenticated (got %q)", c.Server.DeploymentMode)},
		{!oneOf(c.Server.Exposure, exposurePrivate, exposurePublic), fmt.Sprintf("server.exposure must be private or public (got %q)", c.Server.Exposure)},
		{!oneOf(c.Server.Bind, bindLoopback, bindLAN, bindCustom), fmt.Sprintf("server.bind must be loopback, lan or custom (got %q)", c.Server.Bind)},
		{c.Server.Bind == bindCustom && strings.TrimSpace(c.Server.Host) == "", "server.host is required when server.bind is custom"},
		{c.Server.Port < 1 || c.Server.Port > 65535, fmt.Sprintf("server.port must be between 1 and 65535 (got %d)", c.Server.Port)},
		{!oneOf(c.Auth.BaseURLMode, "auto", "explicit"), fmt.Sprintf("auth.baseUrlMode must be auto or explicit (got %q)", c.Auth.BaseURLMode)},
		{c.Storage.Provider != "local_disk", fmt.Sprintf("storage.provider must be local_disk (got %q)", c.Storage.Provider)},
		{c.Storage.LocalDisk.BaseDir == "", "storage.localDisk.baseDir is required"},
		{c.Secrets.Provider != "local_encrypted", fmt.Sprintf("secrets.provider must be local_encrypted (got %q)", c.Secrets.Provider)},
		{c.Secrets.LocalEncrypted.KeyFilePath == "", "secrets.localEncrypted.keyFilePath is required"},
		{c.Heartbeat.SchedulerIntervalMs < 10000, "heartbeat.schedulerIntervalMs must be at least 10000"},
		{c.Heartbeat.DefaultTimeoutSec < 0, "heartbeat.defaultTimeoutSec must be 0 or more"},
	}
	for _, ch := range checks {
		if ch.bad {
			return configError(ch.msg)
		}
	}
	for _, h := range c.Server.AllowedHostnames {
		if net.ParseIP(h) != nil && !strings.ContainsAny(h, "[]") {
			continue // an IP address, IPv6 included
		}
		if h != strings.ToLower(strings.TrimSpace(h)) || h == "" || strings.ContainsAny(h, "/: ") {
			return configError(fmt.Sprintf("server.allowedHostnames: %q must be a lower-case host name without port", h))
		}
	}
	return validateDeployment(c.Server.DeploymentMode, c.Server.Exposure, c.Server.effectiveHost(), c.Auth.BaseURLMode, c.publicURL())
}

// validateDeployment holds the cross-field rules; run and doctor apply it to the
// settings after environment overrides too.
func validateDeployment(mode, exposure, host, baseURLMode, publicURL string) error {
	if mode == modeLocalTrusted {
		if exposure != exposurePrivate {
			return configError("local_trusted mode requires server.exposure private")
		}
		if !isLoopbackHost(host) {
			return configError(fmt.Sprintf("local_trusted mode requires a loopback host (got %s)", host))
		}
	}
	if baseURLMode == "explicit" && publicURL == "" {
		return configError("auth.baseUrlMode explicit requires auth.publicBaseUrl")
	}
	if exposure == exposurePublic && (publicURL == "" || baseURLMode != "explicit") {
		return configError("public exposure requires auth.baseUrlMode explicit and auth.publicBaseUrl")
	}
	if publicURL != "" {
		u, err := url.Parse(publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return configError(fmt.Sprintf("auth.publicBaseUrl must be an absolute http(s) URL (got %q)", publicURL))
		}
	}
	return nil
}

// configError is an invalid-config reason.
type configError string

func (e configError) Error() string { return string(e) }
