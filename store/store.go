package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQLite-backed persistence of one instance. Writes go through a single
// connection (SQLite allows one writer; queuing in Go beats spinning on SQLITE_BUSY) and
// reads through a wider pool that WAL lets run beside the writer.
type Store struct {
	path   string
	writer *sql.DB
	reader *readPool
	// wstmts caches the writer's prepared statements (stmt_cache.go).
	wstmts *stmtCache

	now         func() time.Time
	storageDir  string
	runLogDir   string
	hookState   hookState
	synchronous string
	// commits counts committed write transactions; see CommitCount.
	commits atomic.Uint64
	scryptN int
	// settings caches what is read of the instance settings on hot paths.
	settings settingsCache

	// Applied is the number of migrations applied by Open (0 when the schema was current).
	Applied int
}

// CommitCount is how many write transactions this store has committed since it opened.
// It is bumped only after a commit is durable and visible to readers, so a snapshot
// begun after reading N holds every one of those N commits: the backup loop's test for
// "changed since the last backup", which file sizes and times cannot give while a
// commit is half-written to the WAL.
func (s *Store) CommitCount() uint64 { return s.commits.Load() }

// Options configure a Store when it opens; they are fixed for its lifetime. The zero
// value is a working store: the wall clock, no file storage (uploads are refused and a
// company delete removes no files) and no hooks (effects are dropped).
type Options struct {
	// Now is the clock; every transaction reads it once. Tests pass a fixed one.
	Now func() time.Time
	// StorageDir is where uploaded files live (data/storage); RunLogDir holds run logs.
	// Both are removed per company when a company is deleted.
	StorageDir string
	RunLogDir  string
	// Publisher receives activity rows after their transaction commits.
	Publisher Publisher
	// Waker receives agent wakes caused by issue events after commit.
	Waker Waker
	// RunStopper is told about every run a transaction cancelled, after commit.
	RunStopper RunStopper
	// ScryptN replaces the password hashing cost (N=16384) when positive. Only tests
	// lower it: under the race detector one real hash takes seconds. Hashes made with
	// another N do not verify, so a database must keep one value.
	ScryptN int
	// Synchronous is SQLite's synchronous setting for the writer: SyncNormal (the
	// default when empty) or SyncFull. See docs/durability.md for what each survives.
	Synchronous string
}

// Synchronous settings a Store accepts (docs/durability.md).
const (
	// SyncNormal survives any process crash; a power loss or OS crash may drop the
	// last commits, never corrupt the file. WAL then syncs only at checkpoints.
	SyncNormal = "NORMAL"
	// SyncFull also survives power loss: every commit waits for the WAL to reach disk.
	SyncFull = "FULL"
)

// ParseSynchronous maps a configured synchronous value (any case; empty means the
// default) to SyncNormal or SyncFull, refusing anything else.
func ParseSynchronous(v string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "", SyncNormal:
		return SyncNormal, nil
	case SyncFull:
		return SyncFull, nil
	}
	return "", fmt.Errorf("synchronous must be normal or full (got %q)", v)
}

// Open opens (creating if needed) the database at path and applies pending migrations.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	synchronous, err := ParseSynchronous(opts.Synchronous)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	writer, err := sql.Open(driverName, dsnSync(path, false, synchronous))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	s := &Store{path: path, writer: writer, wstmts: newStmtCache(writer), synchronous: synchronous, now: opts.Now, storageDir: opts.StorageDir,
		runLogDir: opts.RunLogDir, scryptN: opts.ScryptN}
	if s.scryptN <= 0 {
		s.scryptN = scryptN
	}
	if s.now == nil {
		s.now = time.Now
	}
	hooks := Hooks{Publisher: opts.Publisher, Waker: opts.Waker, RunStopper: opts.RunStopper}
	s.hookState.hooks, s.hookState.set = hooks, !hooks.empty()
	n, err := s.migrate(ctx)
	if err != nil {
		writer.Close()
		return nil, err
	}
	s.Applied = n
	reader, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	conns := max(4, runtime.NumCPU()*2)
	reader.SetMaxOpenConns(conns)
	reader.SetMaxIdleConns(conns)
	s.reader = newReadPool(reader)
	if err := s.bootstrap(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Now reads the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Synchronous is the writer's synchronous setting, SyncNormal or SyncFull.
func (s *Store) Synchronous() string { return s.synchronous }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close checkpoints the WAL and closes both pools.
func (s *Store) Close() error {
	if s.reader != nil {
		s.reader.Close()
	}
	if s.writer != nil {
		s.wstmts.close()
		// Fold the WAL back into the main file so a copied .db is complete on its own.
		checkpointWAL(context.Background(), s.writer)
		return s.writer.Close()
	}
	return nil
}

// Ping checks that the database answers a trivial query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := migrationFS.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must be NNNN_name.sql", name)
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(name, ".sql"), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// MigrationCount is how many migration files this binary embeds. Versions may have
// gaps while numbers are reserved for parallel work, so tests compare counts.
func MigrationCount() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// migrate applies each pending migration in its own transaction and records it.
func (s *Store) migrate(ctx context.Context) (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	return migrateTo(ctx, s.writer, ms)
}

// migrateTo applies the migrations of ms the database at db lacks. ms is every
// migration in production; the upgrade tests pass a prefix of it to build a database
// at an earlier schema version by the same path.
func migrateTo(ctx context.Context, db *sql.DB, ms []migration) (int, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if len(ms) > 0 && current > ms[len(ms)-1].version {
		return 0, fmt.Errorf("database schema v%d was created by a newer paperclip (this binary knows v%d)", current, ms[len(ms)-1].version)
	}
	// Every migration not yet recorded is applied, not only those above the newest
	// recorded one: numbers are reserved for parallel work, so a number below the
	// newest (0006 landing after 0007) may arrive later and must still run.
	done, err := appliedVersions(ctx, db)
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, m := range ms {
		if done[m.version] {
			continue
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, FormatTime(time.Now())); err != nil {
			tx.Rollback()
			return applied, err
		}
		if err := tx.Commit(); err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

// appliedVersions is the set of migration versions recorded in schema_migrations.
func appliedVersions(ctx context.Context, q querier) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema versions: %w", err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	return done, rows.Err()
}

func (s *Store) currentVersion(ctx context.Context, q querier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// CurrentSchemaVersion reports the newest applied migration.
func (s *Store) CurrentSchemaVersion(ctx context.Context) (int, error) {
	return s.currentVersion(ctx, s.reader)
}

// PendingMigrations inspects the database file at path without changing it and reports
// its schema version and how many migrations this binary would apply. A missing file
// reports (0, all, nil).
func PendingMigrations(ctx context.Context, path string) (version, pending int, err error) {
	ms, err := migrations()
	if err != nil {
		return 0, 0, err
	}
	if _, err := os.Stat(path); err != nil {
		return 0, len(ms), nil
	}
	db, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	exists, err := hasMigrationsTable(ctx, db)
	if err != nil {
		return 0, 0, err
	}
	if !exists {
		return 0, len(ms), nil
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, 0, err
	}
	done, err := appliedVersions(ctx, db)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range ms {
		if !done[m.version] {
			pending++
		}
	}
	return int(v.Int64), pending, nil
}
