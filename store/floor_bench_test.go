package store_test

import (
	"context"
	"fmt"
	"testing"

	"paperclip/store"
)

// The floors: what the SQLite driver itself costs for the shape of each hot path, on
// the store's own pools (same file, same pragmas, same connections). Targets for the
// store's paths are ratios to these, measured in the same run (BENCHMARKS.md), because
// absolute figures move by 3x from one machine to the next. Each is a plain
// QueryContext/ExecContext, as the store's code was written, with nothing else done.

// BenchmarkFloorPointRead reads one issue row by primary key into its struct.
func BenchmarkFloorPointRead(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	is := mustIssue(b, s, boardCtx(), c.ID, store.IssueInput{Title: store.Some("detail"), Description: store.Some("Some markdown body")})
	_, reader := store.Pools(s)
	ctx := context.Background()
	q := `SELECT ` + store.IssueColumns + ` FROM issues i WHERE i.id = ?`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := store.ScanIssue(reader.QueryRowContext(ctx, q, is.ID)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorWriteTx is BEGIN IMMEDIATE, one UPDATE, one INSERT, COMMIT on the
// writer connection: the least a mutation with its activity row can cost.
func BenchmarkFloorWriteTx(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	is := mustIssue(b, s, boardCtx(), c.ID, store.IssueInput{Title: store.Some("target")})
	writer, _ := store.Pools(s)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		now := fmt.Sprintf("2026-01-01T00:00:%02d.%03dZ", i/1000%60, i%1000)
		tx, err := writer.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE issues SET updated_at = ? WHERE id = ?`, now, is.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_log (id, company_id, actor_type, actor_id, action, entity_type,
			entity_id, agent_id, run_id, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			store.NewID(), c.ID, "user", "local-board", "issue.updated", "issue", is.ID, nil, nil, `{"status":"todo"}`, now); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorScan500 reads the 500 rows of the default list page of a company of
// 10 000 issues (seedIssues10k, as BenchmarkIssueList10k) in the default order, the
// same issue columns, scanned into structs, with nothing else.
func BenchmarkFloorScan500(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	seedIssues10k(b, s, c)
	_, reader := store.Pools(s)
	ctx := context.Background()
	q := `SELECT ` + store.IssueColumns + ` FROM issues i WHERE i.company_id = ? AND i.hidden_at IS NULL ORDER BY ` +
		store.PriorityRankSQL("i.priority") + ` ASC, i.updated_at DESC, i.id DESC LIMIT 500`
	b.ReportAllocs()
	for b.Loop() {
		rows, err := reader.QueryContext(ctx, q, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := store.ScanIssue(rows); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := rows.Close(); err != nil || n != 500 {
			b.Fatalf("%v %d", err, n)
		}
	}
}
