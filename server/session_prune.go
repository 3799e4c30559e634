package server

import (
	"context"
	"log/slog"
	"time"

	"paperclip/store"
)

// SessionPruneInterval is how often expired sessions are deleted.
const SessionPruneInterval = time.Hour

// sessionPruner deletes expired sign-in sessions on a ticker; expired ones are already
// refused, so this only keeps the table small.
type sessionPruner struct {
	store    *store.Store
	interval time.Duration
	logger   *slog.Logger
}

func (r Runner) sessionPruner(logger *slog.Logger) *sessionPruner {
	interval := r.SessionPruneInterval
	if interval <= 0 {
		interval = SessionPruneInterval
	}
	return &sessionPruner{store: r.Store, interval: interval, logger: logger.With("component", "session_prune")}
}

// run is the Component: prune once at start, then every interval until ctx ends.
func (p *sessionPruner) run(ctx context.Context) error {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		if n, err := p.store.PruneExpiredSessions(ctx); err != nil && ctx.Err() == nil {
			p.logger.Warn("prune expired sessions failed", "error", err.Error())
		} else if n > 0 {
			p.logger.Info("pruned expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
