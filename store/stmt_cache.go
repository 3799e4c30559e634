package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// A profile of the issue detail view showed two thirds of its time in
// sqlite3_prepare_v2: the driver parses and plans every statement on every call, and
// executing it is the small part. stmtCache keeps one prepared *sql.Stmt per query
// text; database/sql then prepares it once per pooled connection and reuses it.
//
// Only static-shaped statements are kept: a query with many placeholders is an IN list
// whose text changes with its length, and a script (with ';') cannot be prepared as one
// statement. The cache never evicts; past maxCachedStmts new texts simply run
// unprepared, so memory stays bounded (each pooled connection holds at most that many
// prepared statements).
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
	// seen holds texts run once: a statement is prepared on its second run, so one-off
	// statements (start-up, migrations' neighbours, a test's fresh store) are not
	// parsed twice, once to run and once to keep.
	seen map[string]bool
}

const (
	maxSeenStmts     = 4096
	maxCachedStmts   = 384
	maxCachedArgs    = 48
	maxCachedStmtLen = 8 << 10
)

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, seen: map[string]bool{}}
}

// again reports whether query ran before, and remembers that it has now.
func (c *stmtCache) again(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[query] {
		return true
	}
	if len(c.seen) < maxSeenStmts {
		c.seen[query] = true
	}
	return false
}

// lookup returns the prepared statement of query, or nil.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	return st
}

// cacheable reports whether query is a single statement of a stable shape.
func cacheable(query string) bool {
	return len(query) <= maxCachedStmtLen && !strings.Contains(query, ";") && strings.Count(query, "?") <= maxCachedArgs
}

// prepare adds query to the cache (taking a pooled connection for a moment) and
// returns its statement, or nil when it is not cacheable, the cache is full or the
// statement does not prepare; the caller then runs it unprepared, which reports any
// error in the statement itself.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	if !cacheable(query) {
		return nil
	}
	c.mu.RLock()
	st, full := c.m[query], len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if st != nil || full {
		return st
	}
	// Prepare without holding the lock: it waits for a pooled connection, which on
	// the writer is busy until the open transaction (itself looking up statements)
	// ends.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.m[query]; prev != nil || len(c.m) >= maxCachedStmts {
		st.Close()
		return prev
	}
	c.m[query] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// readPool is the reader pool with its statement cache; it offers the querier methods
// of *sql.DB, so finders take it like a transaction.
type readPool struct {
	db    *sql.DB
	stmts *stmtCache
}

func newReadPool(db *sql.DB) *readPool { return &readPool{db: db, stmts: newStmtCache(db)} }

func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := p.stmts.lookup(query); st != nil {
		return st
	}
	if !cacheable(query) || !p.stmts.again(query) {
		return nil
	}
	return p.stmts.prepare(ctx, query)
}

// QueryContext runs a query through its cached statement when it has one.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query through its cached statement when it has one.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement on the reader pool (query_only: only pragmas and reads).
func (p *readPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...)
}

// BeginTx opens a read transaction on the pool, for readers that need one consistent
// snapshot across many queries (a company export). Its statements are not cached.
func (p *readPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	return p.db.BeginTx(ctx, opts)
}

// Close closes the cached statements and the pool.
func (p *readPool) Close() error {
	p.stmts.close()
	return p.db.Close()
}

// On the writer, the one connection belongs to the open transaction, so a statement
// cannot be prepared on the pool while a transaction needs it: a miss is run
// unprepared and remembered, and write prepares the remembered texts once the
// transaction has ended and the connection is free again. Hits bind the pool's
// statement to the transaction (Tx.StmtContext reuses the connection's prepared
// statement rather than preparing again).

func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if st := tx.stmts.lookup(query); st != nil {
		return tx.Tx.StmtContext(ctx, st)
	}
	if cacheable(query) {
		tx.missed = append(tx.missed, query)
	}
	return nil
}

// ExecContext runs a statement of the transaction through the writer's cache.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query of the transaction through the writer's cache.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query of the transaction through the writer's cache.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// prepareMissed caches the statements a finished transaction ran unprepared, from
// their second run on.
func (c *stmtCache) prepareMissed(queries []string) {
	for _, q := range queries {
		if c.lookup(q) == nil && c.again(q) {
			c.prepare(context.Background(), q)
		}
	}
}
