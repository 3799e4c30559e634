package store

import (
	"context"
	"database/sql"
)

// querier is what both the reader pool and a transaction offer, so finders serve both.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// scanner is what *sql.Row and *sql.Rows share, so one scan function per entity reads
// both a single row and every row of a list.
type scanner interface{ Scan(...any) error }
