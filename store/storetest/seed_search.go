package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The search index of a seeded company is most of the seed's CPU: 1.1 million texts
// through FTS5's trigram tokenizer. Built inside the seed's transaction, as the
// migration backfills, FTS5 wrote a segment each time its pending terms passed 1 MB
// and merged the segments as it went: 70 s of a 115 s seed. So each of the three
// FTS5 tables is built apart, at the same time as the rows: in a scratch file of its
// own, on its own connection (another core), one row a statement, with the pending
// terms held in memory until one flush at commit, which leaves the single segment the
// migration's optimize would, without merging anything. The seed's transaction then
// copies the tables' shadow rows (segments, their term index, per-document sizes) into
// the database, which is all an FTS5 index is. The search tests compare what the
// copied index answers with a scan of the rows, and run FTS5's integrity check on it.

// searchTable is one of the search index's FTS5 tables and the seeded texts it holds.
type searchTable struct {
	name    string
	columns string // the inserted columns, rowid first
	rows    int
	row     func(i int) []any // the values of columns for the i-th row
}

// searchBuild is the background build of one searchTable.
type searchBuild struct {
	table  searchTable
	schema string // the alias of the scratch file attached to the seed's connection
	path   string
	done   chan struct{} // closed when the build ended, with err
	err    error
}

// searchShadows are the FTS5 shadow tables that hold a contentless table's index.
// The fourth, _config, is left as the migration made it: the build's settings are its
// own.
var searchShadows = []string{"_data", "_idx", "_docsize"}

// startSearchBuilds attaches one scratch file per table to conn (they must be attached
// before the seed's transaction begins) and starts building each in the background.
// The index must be empty: the copy replaces it whole.
func startSearchBuilds(ctx context.Context, conn *sql.Conn, dir string, tables []searchTable) ([]*searchBuild, error) {
	var builds []*searchBuild
	for i, t := range tables {
		var create string
		if err := conn.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, t.name).Scan(&create); err != nil {
			return builds, fmt.Errorf("seed: search table %s: %w", t.name, err)
		}
		var docs int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name+`_docsize`).Scan(&docs); err != nil {
			return builds, err
		}
		if docs > 0 {
			return builds, fmt.Errorf("seed: %s already indexes %d texts; the seed builds the search index of an empty database", t.name, docs)
		}
		b := &searchBuild{table: t, schema: fmt.Sprintf("seed_search_%d", i), path: filepath.Join(dir, t.name+".db"), done: make(chan struct{})}
		if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS `+b.schema, b.path); err != nil {
			return builds, err
		}
		builds = append(builds, b)
		go func() {
			defer close(b.done)
			b.err = b.build(ctx, create)
		}()
	}
	return builds, nil
}

// build indexes the table's texts in its scratch file, in one transaction.
func (b *searchBuild) build(ctx context.Context, create string) error {
	// Nothing survives a crash here (the file is scratch), so no journal and no syncs.
	db, err := sql.Open("sqlite", "file:"+b.path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)"+
		"&_pragma=cache_size(-1000000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	name := b.table.name
	if _, err := db.ExecContext(ctx, create); err != nil {
		return err
	}
	// Pending terms are flushed when they pass hashsize or at commit: at the maximum,
	// once, into one segment (for the comments ~1 GB of memory at full size).
	if _, err := db.ExecContext(ctx, `INSERT INTO `+name+` (`+name+`, rank) VALUES ('hashsize', 2147483647)`); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// One row a statement: a statement of several rows opens a savepoint, and FTS5
	// flushes its pending terms at every savepoint, which is what made the old seed
	// write (and merge) a segment per statement.
	cols := strings.Count(b.table.columns, ",") + 1
	ins, err := tx.PrepareContext(ctx, `INSERT INTO `+name+` (`+b.table.columns+`) VALUES (`+strings.TrimSuffix(strings.Repeat("?,", cols), ",")+`)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range b.table.rows {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := ins.ExecContext(ctx, b.table.row(i)...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// copyInto waits for the build and replaces the table's index in the seed's
// transaction with the one built.
func (b *searchBuild) copyInto(ctx context.Context, tx *sql.Tx) error {
	<-b.done
	if b.err != nil {
		return fmt.Errorf("seed: building %s: %w", b.table.name, b.err)
	}
	for _, s := range searchShadows {
		t := b.table.name + s
		if _, err := tx.ExecContext(ctx, `DELETE FROM main.`+t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.`+t+` SELECT * FROM `+b.schema+`.`+t); err != nil {
			return err
		}
	}
	return nil
}

// finishSearchBuilds waits for every build still running (after an error the context
// is cancelled first), detaches the scratch files from conn and deletes them.
func finishSearchBuilds(ctx context.Context, conn *sql.Conn, dir string, builds []*searchBuild) {
	for _, b := range builds {
		<-b.done
	}
	for _, b := range builds {
		conn.ExecContext(ctx, `DETACH DATABASE `+b.schema)
	}
	os.RemoveAll(dir)
}

// The seeded texts, each a pure function of its row's index, so the rows and their
// search index (built apart) agree; and the search document ids (issue_search_docs.id,
// the FTS5 rowids) of the i-th issue and the i-th comment: issues first, then
// comments, after the largest id the table had.
func seedIssueDoc(base int64, i int) int64           { return base + int64(i) + 1 }
func seedCommentDoc(base int64, issues, i int) int64 { return base + int64(issues) + int64(i) + 1 }
func seedTitle(i int) string                         { return sentence(i, 6) }
func seedDescription(i int) string                   { return sentence(i*7+3, 30) }
func seedComment(i int) string                       { return sentence(i*13+1, 12) }
func seedIdentifier(prefix string, i int) string     { return fmt.Sprintf("%s-%d", prefix, i+1) }

// seedSearchTables are the three FTS5 tables of migration 0009 and what they index.
func seedSearchTables(base int64, prefix string, issues, comments int) []searchTable {
	return []searchTable{
		{"issue_search_comments", "rowid, body", comments, func(i int) []any {
			return []any{seedCommentDoc(base, issues, i), seedComment(i)}
		}},
		{"issue_search_texts", "rowid, description", issues, func(i int) []any { return []any{seedIssueDoc(base, i), seedDescription(i)} }},
		{"issue_search_titles", "rowid, title, identifier", issues, func(i int) []any {
			return []any{seedIssueDoc(base, i), seedTitle(i), seedIdentifier(prefix, i)}
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
