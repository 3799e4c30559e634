package store

import (
	"context"
	"database/sql"
	"strings"
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

// queryAll runs a query and scans every row with scan. It always returns a non-nil
// slice, so an empty list encodes as [] rather than null, and it closes the rows
// before returning, so a transaction may issue its next statement right away.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scan)
}

// scanAll scans every row with scan and closes rows; see queryAll.
func scanAll[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// scanString reads a one-column row of text, such as a list of ids.
func scanString(sc scanner) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// scanIDPair reads a two-column row of text, such as an edge (from, to) of a relation.
func scanIDPair(sc scanner) ([2]string, error) {
	var p [2]string
	err := sc.Scan(&p[0], &p[1])
	return p, err
}

// conds accumulates the WHERE clauses of a filtered list query with their arguments,
// so optional filters stay placeholder-only and read one per line.
type conds struct {
	clauses []string
	args    []any
}

// add appends a clause with its arguments.
func (c *conds) add(clause string, args ...any) {
	c.clauses = append(c.clauses, clause)
	c.args = append(c.args, args...)
}

// eq adds "col = ?" unless v is empty (an absent filter).
func (c *conds) eq(col, v string) {
	if v != "" {
		c.add(col+" = ?", v)
	}
}

// since and until bound a timestamp column when the bound is given.
func (c *conds) since(col, from string) {
	if from != "" {
		c.add(col+" >= ?", from)
	}
}

func (c *conds) until(col, to string) {
	if to != "" {
		c.add(col+" <= ?", to)
	}
}

// sql renders the clauses joined with AND ("1 = 1" when there are none).
func (c *conds) sql() string {
	if len(c.clauses) == 0 {
		return "1 = 1"
	}
	return strings.Join(c.clauses, " AND ")
}
