package store

// Everything that only SQLite understands lives in this file: the driver and its
// connection pragmas, paging without a limit, how a unique violation reads, the schema
// catalogue, integrity checks, WAL checkpoints and the VACUUM INTO snapshot behind
// backups. A PostgreSQL backend would be a second file (dialect_postgres.go) defining the
// same names behind a build tag or a dialect value, plus its own migrations directory.
//
// Left in the queries on purpose, because PostgreSQL accepts them unchanged:
// INSERT ... ON CONFLICT (...) DO NOTHING / DO UPDATE SET x = excluded.x, UPDATE ...
// RETURNING, substr, lower(...) LIKE ? ESCAPE '\', COALESCE and CASE. Two portable-looking
// habits are not: "?" placeholders (pgx wants $1; a rebinding querier would translate)
// and timestamps stored as RFC 3339 text (compared as strings, which stays correct).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// driverName is the database/sql driver every pool of this package opens.
const driverName = "sqlite"

// dsn builds a connection string whose pragmas apply to every pooled connection;
// a PRAGMA run once after sql.Open would reach only one of them. The writer pool takes
// its write lock at BEGIN (IMMEDIATE), so a transaction never fails to upgrade halfway.
func dsn(path string, readOnly bool) string { return dsnSync(path, readOnly, SyncNormal) }

// dsnSync is dsn with the synchronous setting (SyncNormal or SyncFull), which only
// matters to the writer; docs/durability.md says what each survives.
func dsnSync(path string, readOnly bool, synchronous string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(on)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	if readOnly {
		q.Add("_pragma", "query_only(on)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// limitOffset renders the paging clause of a list whose limit is optional (0 = all).
// SQLite needs a LIMIT before OFFSET; -1 means none.
func limitOffset(limit, offset int) (string, []any) {
	switch {
	case limit > 0:
		return ` LIMIT ? OFFSET ?`, []any{limit, offset}
	case offset > 0:
		return ` LIMIT -1 OFFSET ?`, []any{offset}
	}
	return "", nil
}

// jsonField reads a text field out of a JSON text column: path is a dotted path such
// as "_previous.status". PostgreSQL would write (col::jsonb #>> '{_previous,status}').
func jsonField(col, path string) string {
	return "json_extract(" + col + ", '$." + path + "')"
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure, on the named
// index or column when index is not empty. The driver reports it only as text.
func isUniqueViolation(err error, index string) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	if !strings.Contains(msg, "UNIQUE constraint failed") {
		return false
	}
	return index == "" || strings.Contains(msg, index)
}

// hasMigrationsTable reports whether the database has a schema_migrations table yet.
func hasMigrationsTable(ctx context.Context, q querier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'`).Scan(&n)
	return n > 0, err
}

// checkpointWAL folds the write-ahead log back into the main file, so the .db file is
// complete on its own.
func checkpointWAL(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// QuickCheck runs SQLite's quick_check on the file at path.
func QuickCheck(ctx context.Context, path string) error {
	db, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("quick_check: %s", res)
	}
	return nil
}

// The SQLite-specific half of backup and restore follows: the consistent snapshot
// (VACUUM INTO), integrity checks and WAL handling. Everything else about backups
// (naming, gzip, pruning, moving files) is in backup.go and does not depend on the
// database engine.

// plainDSN opens a database file for maintenance: no WAL switch and no query_only, so
// VACUUM INTO and checkpoints work, and a restored file is inspected as it is.
func plainDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	return "file:" + path + "?" + q.Encode()
}

// vacuumInto writes a consistent snapshot of the database at dbPath to dest, which must
// not exist or be empty. It is a read transaction on the source, so a running server
// keeps writing to its WAL meanwhile.
func vacuumInto(ctx context.Context, dbPath, dest string) error {
	db, err := sql.Open(driverName, plainDSN(dbPath))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("snapshot database: %w", err)
	}
	return nil
}

// checkDatabaseFile runs PRAGMA integrity_check on the file at path and returns the
// schema version it records (0 when it has no schema_migrations table).
func checkDatabaseFile(ctx context.Context, path string) (version int, err error) {
	db, err := sql.Open(driverName, plainDSN(path))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrBackupCorrupt, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("%w: integrity_check: %s", ErrBackupCorrupt, res)
	}
	exists, err := hasMigrationsTable(ctx, db)
	if err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// checkpointFile folds the WAL of the database at path back into the main file, so the
// file can be moved on its own. A missing file is not an error.
func checkpointFile(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := sql.Open(driverName, plainDSN(path))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return checkpointWAL(ctx, db)
}

// walFiles are the companion files SQLite keeps next to a database in WAL mode.
var walFiles = []string{"-wal", "-shm"}

// searchPhrase is q as the FTS5 phrase the trigram index of migration 0009 answers
// (issue_search.go), or ok=false when the index cannot answer for q and the search
// scans with LIKE as before.
//
// The index must find every LIKE match, which holds when q is ASCII and has at least
// 3 characters: the trigram tokenizer matches a phrase of 3 or more characters
// anywhere, case-folding ASCII as lower() does. Shorter terms match nothing in a
// trigram index, and for other scripts its Unicode case folding and SQLite's
// ASCII-only lower() may disagree, so those scan. PostgreSQL would put pg_trgm GIN
// indexes on the same lower(...) expressions instead.
func searchPhrase(q string) (phrase string, ok bool) {
	if len(q) < 3 {
		return "", false
	}
	for i := 0; i < len(q); i++ {
		if q[i] >= 0x80 {
			return "", false
		}
	}
	return `"` + strings.ReplaceAll(q, `"`, `""`) + `"`, true
}
