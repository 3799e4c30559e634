package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// A statement that can fail halfway inside a transaction (an INSERT whose triggers
// write other tables, such as an issue's into the search index and the status counts)
// gets a statement journal: the original of every page it changes, to undo the
// statement alone. SQLite keeps the first 64 KiB of it in memory and then spills it to
// a temporary file, which it creates, writes page by page and deletes in every such
// transaction. An issue insert changes about twenty pages, so each create paid that
// file's open, two writes per page and its close: 15 % of BenchmarkIssueCreate's
// profile. With temp_store = MEMORY the journal stays in memory, but for a transaction
// of any size (a company delete journals every page of the company), so writeSmall
// turns it on only for one transaction that changes a few rows.

// writeSmall is write for a mutation that changes a handful of rows (an issue create):
// its statement journals stay in memory. SQLite reads temp_store when a transaction
// begins, so the connection's setting is set back as soon as this one has begun; should
// that fail, the connection is discarded rather than returned with the setting on.
func (s *Store) writeSmall(ctx context.Context, fn func(tx *Tx) error) error {
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return err
	}
	sqlTx, err := beginJournalInMemory(ctx, conn)
	if err != nil {
		discardConn(conn)
		return err
	}
	return s.runWrite(ctx, sqlTx, func() { conn.Close() }, fn)
}

// beginJournalInMemory begins a transaction on conn whose statement journals are kept
// in memory, leaving the connection's own temp_store setting as it was.
func beginJournalInMemory(ctx context.Context, conn *sql.Conn) (*sql.Tx, error) {
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	// Not cancellable: once begun, the setting must be put back either way.
	if _, err := tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = DEFAULT`); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// discardConn closes the pool's connection behind conn instead of returning it.
func discardConn(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}
