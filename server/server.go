// Package server is the running control plane: the HTTP API under /api, actors and
// access checks, the board UI, and (later) live events and the heartbeat runtime.
package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"paperclip/server/heartbeat"
	"paperclip/server/live"
	"paperclip/store"
)

// Deployment modes and exposures.
const (
	ModeLocalTrusted  = "local_trusted"
	ModeAuthenticated = "authenticated"
	ExposurePrivate   = "private"
	ExposurePublic    = "public"
)

// Config is everything the server needs, resolved once by the cli (flags, env, file,
// defaults) and passed down as plain values.
type Config struct {
	Version          string
	DeploymentMode   string
	Exposure         string
	Host             string
	Port             int
	AllowedHostnames []string
	PublicBaseURL    string
	TrustProxy       bool
	ServeUI          bool
	// DisableSignUp refuses new accounts (auth.disableSignUp).
	DisableSignUp bool

	InstanceID   string
	InstanceDir  string
	DatabasePath string
	StorageDir   string
	BackupDir    string
	RunLogDir    string
	LogDir       string
	ConfigPath   string

	BackupEnabled         bool
	BackupIntervalMinutes int
	BackupRetentionDays   int

	// AgentJWTSecret signs run JWTs. It reaches the server only here, never through the
	// process environment, so no child process can inherit it.
	AgentJWTSecret   string
	AgentJWTTTL      time.Duration
	AgentJWTIssuer   string
	AgentJWTAudience string

	CompanyDeletionEnabled bool
	// AttachmentMaxBytes is the instance-wide upload cap (PAPERCLIP_ATTACHMENT_MAX_BYTES).
	AttachmentMaxBytes int64
	// AllowedAttachmentTypes replaces the default upload allowlist when set
	// (PAPERCLIP_ALLOWED_ATTACHMENT_TYPES).
	AllowedAttachmentTypes []string

	SchedulerEnabled  bool
	SchedulerInterval time.Duration

	// BodyIdleTimeout, BodyGrace and BodyMinRate (bytes per second) bound how long a
	// request body may take to arrive; see body_deadline.go. Zero means the default.
	BodyIdleTimeout time.Duration
	BodyGrace       time.Duration
	BodyMinRate     int64

	// SecretsMasterKey is PAPERCLIP_SECRETS_MASTER_KEY (base64), used instead of the key
	// file at SecretsMasterKeyFile. Like the JWT secret they are config, never environment.
	SecretsMasterKey     string
	SecretsMasterKeyFile string

	// ChildEnv are the instance .env variables that child processes (adapters, CLI
	// logins) receive on top of the server's own environment, which wins on a clash.
	// The cli fills it; server-only secrets are never passed on.
	ChildEnv map[string]string

	// OSUser is the account the server runs as, read once by the cli at start: its
	// name and home are what censorUsernameInLogs hides in run output.
	OSUser heartbeat.OSUser
}

// withDefaults fills zero values so tests can pass a nearly empty Config.
func (c Config) withDefaults() Config {
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.DeploymentMode == "" {
		c.DeploymentMode = ModeLocalTrusted
	}
	if c.Exposure == "" || c.DeploymentMode == ModeLocalTrusted {
		c.Exposure = ExposurePrivate
	}
	if c.AttachmentMaxBytes <= 0 {
		c.AttachmentMaxBytes = store.DefaultAttachmentMaxBytes
	}
	if c.AgentJWTTTL <= 0 {
		c.AgentJWTTTL = 48 * time.Hour
	}
	if c.AgentJWTIssuer == "" {
		c.AgentJWTIssuer = "paperclip"
	}
	if c.AgentJWTAudience == "" {
		c.AgentJWTAudience = "paperclip-api"
	}
	if c.BackupIntervalMinutes <= 0 {
		c.BackupIntervalMinutes = 60
	}
	if c.BackupRetentionDays <= 0 {
		c.BackupRetentionDays = 30
	}
	if c.SchedulerInterval <= 0 {
		c.SchedulerInterval = 30 * time.Second
	}
	if c.BodyIdleTimeout <= 0 {
		c.BodyIdleTimeout = defaultBodyIdleTimeout
	}
	if c.BodyGrace <= 0 {
		c.BodyGrace = defaultBodyGrace
	}
	if c.BodyMinRate <= 0 {
		c.BodyMinRate = defaultBodyMinRate
	}
	return c
}

// Server holds the dependencies of every handler.
type Server struct {
	cfg    Config
	store  *store.Store
	logger *slog.Logger
	ui     fs.FS
	router http.Handler
	// adapters are the installed agent adapters (models, env checks, docs).
	adapters *heartbeat.Registry
	// live serves the events socket; nil when the server runs without a hub.
	live *live.Hub
	// runtime executes wakes; nil leaves them queued in the store (tests of routes
	// that need no execution).
	runtime *heartbeat.Scheduler
	// secretKey loads the master key once, on first use (the key file is created then
	// when missing).
	secretKey func() (*store.SecretKey, error)
	// signIns throttles repeated failed sign-ins.
	signIns *signInLimiter
	// claim is the startup board-claim challenge, when one was opened.
	claim atomic.Pointer[boardClaim]
	// imports runs async company imports; Close cancels and waits for them.
	imports *importJobs
	// censor applies censorUsernameInLogs to run output on read.
	censor *LogCensor
	// importHold, when set (tests only), runs inside every async import's transaction
	// before its commit, so a test can hold a job open at a known point.
	importHold atomic.Pointer[func(ctx context.Context) error]
}

// WithRuntime makes the server's wakeup, invoke and cancel routes go through the
// heartbeat runtime. Call it before Handler.
func (s *Server) WithRuntime(rt *heartbeat.Scheduler) *Server {
	s.runtime = rt
	return s
}

// New builds the server over an open store. ui may be nil (API only).
func New(cfg Config, st *store.Store, logger *slog.Logger, ui fs.FS) *Server {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if !cfg.ServeUI {
		ui = nil
	}
	s := &Server{cfg: cfg, store: st, logger: logger, ui: ui, adapters: BuiltinAdapters(), signIns: newSignInLimiter(st.Now),
		imports: newImportJobs(st.Now, logger.With("component", "import_jobs")), censor: NewLogCensor(st, cfg.OSUser)}
	s.secretKey = sync.OnceValues(func() (*store.SecretKey, error) {
		return store.LoadSecretKey(cfg.SecretsMasterKey, cfg.secretKeyFile())
	})
	s.router = s.buildRouter()
	return s
}

// Config returns the effective configuration.
func (s *Server) Config() Config { return s.cfg }

// Handler is the whole HTTP surface with its middleware.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.router
	h = s.withActor(h)
	h = s.withHostGuard(h)
	h = s.withBodyDeadline(h)
	h = s.withAccessLog(h)
	h = s.withRecover(h)
	return h
}

// secretKeyFile is the configured master key file, else the instance's default path.
func (c Config) secretKeyFile() string {
	if c.SecretsMasterKeyFile != "" || c.InstanceDir == "" {
		return c.SecretsMasterKeyFile
	}
	return filepath.Join(c.InstanceDir, "secrets", "master.key")
}

// SecretKey is the instance master key of local_encrypted secrets, for the runtime to
// resolve env bindings with at run start.
func (s *Server) SecretKey() (*store.SecretKey, error) { return s.secretKey() }

// checkSecretKey fails start-up on a configured master key that cannot be used, so a
// bad key is found before any secret is written or resolved. A key file that does not
// exist yet is created at first use instead.
func (c Config) checkSecretKey() error {
	if c.SecretsMasterKey != "" {
		if _, err := store.ParseSecretKey(c.SecretsMasterKey); err != nil {
			return fmt.Errorf("PAPERCLIP_SECRETS_MASTER_KEY: %w", err)
		}
		return nil
	}
	path := c.secretKeyFile()
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	_, err := store.LoadSecretKey("", path)
	return err
}
