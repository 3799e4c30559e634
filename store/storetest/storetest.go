// Package storetest builds real stores and fixtures for tests of store and of the
// packages above it. Every builder goes through an exported store call, so a fixture
// obeys the same rules, writes the same activity rows and fails the same way as the
// API would; no test writes raw SQL to get a row the store can create.
package storetest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"paperclip/store"
)

// Start is where a Clock begins unless told otherwise: a fixed instant, so timestamps
// in a test are the same on every run.
func Start() time.Time { return time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC) }

// Clock is a fixed clock a test advances by hand. It is safe for concurrent use, so
// parallel requests may read it while the test advances it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's reading; it does not move on its own.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backward when d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Option changes how Open prepares the store.
type Option func(*config)

type config struct {
	clock     *Clock
	wallClock bool
}

// WithClock makes the store read the given clock instead of a new one at Start.
func WithClock(c *Clock) Option { return func(cfg *config) { cfg.clock = c } }

// WithWallClock keeps the store on time.Now, for tests that compare store timestamps
// with real time (JWT expiry, "finished a minute ago"). The returned Clock is then nil.
func WithWallClock() Option { return func(cfg *config) { cfg.wallClock = true } }

// Open opens a real store on a fresh SQLite file in t.TempDir(), with its storage and
// run-log directories beside it, and closes it when the test ends. Unless told
// otherwise, the store reads a fixed Clock starting at Start, which Open returns.
func Open(t testing.TB, opts ...Option) (*store.Store, *Clock) {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.wallClock {
		cfg.clock = nil
	} else if cfg.clock == nil {
		cfg.clock = NewClock(Start())
	}
	dir := t.TempDir()
	o := store.Options{StorageDir: filepath.Join(dir, "storage"), RunLogDir: filepath.Join(dir, "run-logs")}
	if cfg.clock != nil {
		o.Now = cfg.clock.Now
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "db", "paperclip.db"), o)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, cfg.clock
}

// Board is a context acting as the local board user, an instance admin: what the
// builders use, and what a test passes to act with full rights.
func Board() context.Context {
	return store.NewContextWithActor(context.Background(), store.Actor{Kind: store.ActorBoard,
		Source: "local_implicit", UserID: store.LocalBoardUserID, InstanceAdmin: true})
}
