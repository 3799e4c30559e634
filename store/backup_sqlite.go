package store

// The SQLite-specific half of backup and restore: the consistent snapshot (VACUUM INTO),
// integrity checks and WAL handling. Everything else about backups (naming, gzip,
// pruning, moving files) is in backup.go and does not depend on the database engine;
// a PostgreSQL backend would replace only this file.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
)

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
	db, err := sql.Open("sqlite", plainDSN(dbPath))
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
	db, err := sql.Open("sqlite", plainDSN(path))
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
	var exists int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'`).Scan(&exists); err != nil {
		return 0, err
	}
	if exists == 0 {
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
	db, err := sql.Open("sqlite", plainDSN(path))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// walFiles are the companion files SQLite keeps next to a database in WAL mode.
var walFiles = []string{"-wal", "-shm"}
