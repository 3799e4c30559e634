package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"paperclip/server/heartbeat"
	"paperclip/server/live"
	"paperclip/store"
)

// ShutdownTimeout bounds how long in-flight requests get to finish on shutdown.
const ShutdownTimeout = 10 * time.Second

// Component is a background part of the running server beside the HTTP API: the
// automatic backup loop today, the heartbeat scheduler and the live-event hub next. It
// runs until ctx is cancelled and returns only once all of its work has stopped (the
// scheduler after its runs' grace period), because the store closes after it. An error
// returned before ctx is cancelled stops the whole server.
type Component func(ctx context.Context) error

// Runner is the composition root of one running control plane: it owns the HTTP server
// on a listener, the background components, and the order they stop in. The cli builds
// one after it has resolved the instance, config, doctor and lock.
//
// The store is the caller's: it opened it and closes it after Run returns. Run returns
// only when nothing it started uses the store any more.
type Runner struct {
	Config Config
	Store  *store.Store
	Logger *slog.Logger
	// UI is the embedded board UI, served when Config.ServeUI.
	UI fs.FS
	// Components are started in order after the backup loop and stopped in reverse
	// order after the HTTP server, so a component may use the ones before it (the
	// scheduler publishes to the hub) until it has stopped.
	Components []Component
	// Live is the live-events hub behind the events socket; its Run belongs in
	// Components (before the scheduler) and it is the store's Publisher. Nil: the
	// socket answers 404.
	Live *live.Hub
	// Heartbeat is the runtime the wakeup, invoke and cancel routes use; the cli also
	// lists its Run among Components.
	Heartbeat *heartbeat.Scheduler
	// Ready is called once the listener is about to be served (the cli prints its banner
	// and opens the browser).
	Ready func()
	// Bootstrap is told, before Ready, about the first-admin invite of an
	// authenticated instance that has no admin yet: the URL of the invite this start
	// created, or "" when an earlier one is still active (only its hash is kept, so
	// its URL cannot be shown again; paperclip auth bootstrap-ceo makes a new one).
	Bootstrap func(url, expiresAt string)
	// BackupInterval replaces Config.BackupIntervalMinutes when positive (tests).
	BackupInterval time.Duration
	// SessionPruneInterval replaces the hourly pruning of expired sessions (tests).
	SessionPruneInterval time.Duration
	// Now names backup files; nil is the wall clock.
	Now func() time.Time
}

// Run serves until ctx is cancelled, then shuts down in this order: the HTTP server
// (in-flight requests get ShutdownTimeout), then the components in reverse order (the
// scheduler waits out its runs' grace), then the backup loop. ln is Run's: it is closed
// when Run returns.
func (r Runner) Run(ctx context.Context, ln net.Listener) error {
	defer ln.Close()
	logger := r.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := checkExposure(r.Config, ln); err != nil {
		return err
	}
	if r.Config.DeploymentMode == ModeLocalTrusted {
		if err := r.Store.EnsureLocalBoard(ctx); err != nil {
			return fmt.Errorf("prepare local board: %w", err)
		}
	}

	if err := r.Config.checkSecretKey(); err != nil {
		return err
	}

	pending := false
	if r.Config.DeploymentMode == ModeAuthenticated {
		var err error
		if pending, err = r.ensureBootstrapInvite(ctx, ln, logger); err != nil {
			return fmt.Errorf("prepare bootstrap invite: %w", err)
		}
	}

	components := append([]Component{r.sessionPruner(logger).run}, r.Components...)
	if r.Config.BackupEnabled {
		components = append([]Component{r.backupLoop(logger).run}, components...)
	}
	running := startComponents(ctx, components)
	defer running.stop()

	srv := New(r.Config, r.Store, logger.With("component", "http"), r.UI).WithRuntime(r.Heartbeat)
	srv.SetLive(r.Live)
	if pending {
		if err := r.openBoardClaim(ctx, srv, ln, logger); err != nil {
			return fmt.Errorf("prepare board claim: %w", err)
		}
	}
	// Requests get their own context so a signal does not cancel in-flight work before
	// Shutdown has let it finish; it is cancelled once Shutdown returns.
	baseCtx, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		// No Read/WriteTimeout: uploads, run-log streams and WebSockets are long-lived.
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// Ready runs before Serve: ln already queues connections, so whatever it prints (the
	// banner) is out before the first response, and a browser it opens is served.
	if r.Ready != nil {
		r.Ready()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()

	var failure error
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		failure = fmt.Errorf("server stopped unexpectedly: %w", err)
	case err := <-running.failed:
		failure = err
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("graceful shutdown timed out; closing connections", "error", err.Error())
		httpSrv.Close()
	}
	cancelBase()
	// Async import jobs are the server's own work, not requests: cancelled (their
	// transactions roll back) and waited for before the components and the store go.
	srv.Close()
	running.stop()
	if failure != nil {
		return failure
	}
	logger.Info("server stopped")
	return nil
}

func (r Runner) backupLoop(logger *slog.Logger) *backupLoop {
	interval := time.Duration(r.Config.BackupIntervalMinutes) * time.Minute
	if r.BackupInterval > 0 {
		interval = r.BackupInterval
	}
	if interval <= 0 {
		interval = time.Hour
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	return &backupLoop{dbPath: r.Config.DatabasePath, dir: r.Config.BackupDir, prefix: BackupPrefix,
		retentionDays: r.Config.BackupRetentionDays, interval: interval, now: now, commits: r.Store.CommitCount,
		logger: logger.With("component", "backup")}
}

// runningComponents are started components, each with its own cancel so they stop one
// at a time in reverse order rather than all at once when the parent context ends.
type runningComponents struct {
	cancels []context.CancelFunc
	done    []chan struct{}
	failed  chan error
}

func startComponents(ctx context.Context, cs []Component) *runningComponents {
	rc := &runningComponents{failed: make(chan error, len(cs))}
	for _, c := range cs {
		cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		rc.cancels, rc.done = append(rc.cancels, cancel), append(rc.done, done)
		go func() {
			defer close(done)
			if err := c(cctx); err != nil && cctx.Err() == nil {
				rc.failed <- err
			} else if err == nil && cctx.Err() == nil {
				rc.failed <- errors.New("a background component stopped on its own")
			}
		}()
	}
	return rc
}

// stop cancels the components last to first, waiting for each; calling it again is a
// no-op.
func (rc *runningComponents) stop() {
	for i := len(rc.cancels) - 1; i >= 0; i-- {
		rc.cancels[i]()
		<-rc.done[i]
	}
	rc.cancels, rc.done = nil, nil
}
