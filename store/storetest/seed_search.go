package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The search index of a seeded company is most of the seed's CPU: 1.1 million texts
// through FTS5's trigram tokenizer. Built inside the seed's transaction, as the
// migration backfills, FTS5 wrote a segment each time its pending terms passed 1 MB
// and merged the segments as it went: 70 s of a 115 s seed. So each of the three
// FTS5 tables is built in a scratch file (seed_scratch.go) while the rows are written,
// one row a statement, with the pending terms held in memory until one flush at
// commit: one segment, as the migration's optimize leaves it, then moved up the levels
// to where that one sits (seed_fts5_level.go). The seed's transaction then copies the tables' shadow rows
// (segments, their term index, per-document sizes) into the database, which is all
// an FTS5 index is. The search tests compare what the copied index answers with a
// scan of the rows, and run FTS5's integrity check on it.

// searchTable is one of the search index's FTS5 tables and the seeded texts it holds.
type searchTable struct {
	name    string
	columns string // the inserted columns, rowid first
	rows    int
	row     func(i int) []any // the values of columns for the i-th row
}

// searchShadows are the FTS5 shadow tables that hold a contentless table's index.
// The fourth, _config, is left as the migration made it: the build's settings are its
// own.
var searchShadows = []string{"_data", "_idx", "_docsize"}

// startSearchBuild starts building t in a scratch file. The database's index of t
// must be empty: the copy replaces it whole.
func startSearchBuild(ctx context.Context, conn *sql.Conn, dir string, t searchTable) (*scratchBuild, error) {
	var create string
	if err := conn.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, t.name).Scan(&create); err != nil {
		return nil, fmt.Errorf("seed: search table %s: %w", t.name, err)
	}
	var docs int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name+`_docsize`).Scan(&docs); err != nil {
		return nil, err
	}
	if docs > 0 {
		return nil, fmt.Errorf("seed: %s already indexes %d texts; the seed builds the search index of an empty database", t.name, docs)
	}
	return startScratch(ctx, conn, dir, "seed_"+t.name, t.name, func(ctx context.Context, db *sql.DB) error {
		if _, err := db.ExecContext(ctx, create); err != nil {
			return err
		}
		// Pending terms are flushed when they pass hashsize or at commit: at the
		// maximum, once, into one segment (for the comments ~1 GB of memory at full size).
		if _, err := db.ExecContext(ctx, `INSERT INTO `+t.name+` (`+t.name+`, rank) VALUES ('hashsize', 2147483647)`); err != nil {
			return err
		}
		if err := insertSearchRows(ctx, db, t); err != nil {
			return err
		}
		if t.rows == 0 {
			return nil
		}
		// One flush leaves one segment on level 0 (seed_fts5_level.go says why not there).
		return moveSegmentUp(ctx, db, t.name)
	})
}

// insertSearchRows indexes all of t's rows in one transaction.
func insertSearchRows(ctx context.Context, db *sql.DB, t searchTable) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// One row a statement: a statement of several rows opens a savepoint, and FTS5
	// flushes its pending terms at every savepoint.
	cols := strings.Count(t.columns, ",") + 1
	ins, err := tx.PrepareContext(ctx, `INSERT INTO `+t.name+` (`+t.columns+`) VALUES (`+strings.TrimSuffix(strings.Repeat("?,", cols), ",")+`)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range t.rows {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := ins.ExecContext(ctx, t.row(i)...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// copySearchTable waits for t's build and replaces the database's index of t with it
// in the seed's transaction.
func copySearchTable(ctx context.Context, tx *sql.Tx, b *scratchBuild, t searchTable) error {
	if err := b.wait(); err != nil {
		return err
	}
	for _, s := range searchShadows {
		if _, err := tx.ExecContext(ctx, `DELETE FROM main.`+t.name+s); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.`+t.name+s+` SELECT * FROM `+b.schema+`.`+t.name+s); err != nil {
			return err
		}
	}
	return nil
}

// seedSearchTables are the three FTS5 tables of migration 0009 and what they index.
func (p *seedPlan) searchTables() []searchTable {
	return []searchTable{
		{"issue_search_comments", "rowid, body", len(p.comments), func(i int) []any { return []any{p.commentDoc(i), seedComment(i)} }},
		{"issue_search_texts", "rowid, description", len(p.issues), func(i int) []any { return []any{p.issueDoc(i), seedDescription(i)} }},
		{"issue_search_titles", "rowid, title, identifier", len(p.issues), func(i int) []any {
			return []any{p.issueDoc(i), seedTitle(i), seedIdentifier(p.prefix, i)}
		}},
	}
}

// isASCII is issue_search_docs.ascii for a comment body (the trigger's
// length(body) = length(CAST(body AS BLOB))).
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
