package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkRows is how many rows one INSERT of the seed carries. Each statement costs a
// bind-and-step round trip through database/sql and the driver whatever its size, so
// a hundred rows a statement leaves that overhead a few percent of the seed.
const bulkRows = 100

// bulkInsert writes the rows of one table as multi-row INSERTs of bulkRows rows, the
// last of them shorter. Errors are kept in the seed's shared error: after the first,
// every call does nothing.
type bulkInsert struct {
	ctx  context.Context
	tx   *sql.Tx
	head string // INSERT INTO t (columns) VALUES
	row  string // one row's values: placeholders and constants
	n    int    // placeholders in row
	full *sql.Stmt
	args []any
	err  *error
}

func newBulkInsert(ctx context.Context, tx *sql.Tx, err *error, head, row string) *bulkInsert {
	return &bulkInsert{ctx: ctx, tx: tx, head: head, row: row, n: strings.Count(row, "?"), err: err,
		args: make([]any, 0, bulkRows*strings.Count(row, "?"))}
}

// add queues one row, args in the order of row's placeholders.
func (b *bulkInsert) add(args ...any) {
	if *b.err != nil {
		return
	}
	if len(args) != b.n {
		*b.err = fmt.Errorf("seed: %s: %d values for %d placeholders", b.head, len(args), b.n)
		return
	}
	b.args = append(b.args, args...)
	if len(b.args) == bulkRows*b.n {
		b.flush()
	}
}

// flush writes the queued rows; the full-size statement is prepared once.
func (b *bulkInsert) flush() {
	rows := len(b.args) / max(b.n, 1)
	if *b.err != nil || rows == 0 {
		return
	}
	if rows == bulkRows {
		if b.full == nil {
			b.full, *b.err = b.tx.PrepareContext(b.ctx, b.statement(rows))
			if *b.err != nil {
				return
			}
		}
		_, *b.err = b.full.ExecContext(b.ctx, b.args...)
	} else {
		_, *b.err = b.tx.ExecContext(b.ctx, b.statement(rows), b.args...)
	}
	b.args = b.args[:0]
}

func (b *bulkInsert) statement(rows int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(b.row)
	}
	return sb.String()
}

// dropIndexes drops every index of tables that a CREATE statement made (not the
// primary keys' automatic ones) and returns those statements, so the bulk load writes
// each table's rows alone and the indexes are then built once from sorted rows,
// which is several times cheaper than maintaining a dozen b-trees row by row. The
// caller re-creates them in the same transaction: nothing else ever sees the tables
// without their indexes, and unique indexes check their rows as they are built.
func dropIndexes(ctx context.Context, tx *sql.Tx, tables ...string) ([]string, error) {
	marks := strings.TrimSuffix(strings.Repeat("?,", len(tables)), ",")
	args := make([]any, len(tables))
	for i, t := range tables {
		args[i] = t
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN (`+marks+`) ORDER BY name`, args...)
	if err != nil {
		return nil, err
	}
	var names, creates []string
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			rows.Close()
			return nil, err
		}
		names, creates = append(names, name), append(creates, create)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, err
		}
	}
	return creates, nil
}
