package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"paperclip/store"
)

// BenchmarkIssueCreateVsFloor alternates one issue create (as BenchmarkIssueCreate)
// with one floor write transaction (as BenchmarkFloorWriteTx) on the same store and
// reports their ratio, x-floor: on a shared machine two benchmarks run one after the
// other see different loads, one loop sees the same. ns/op is the pair.
func BenchmarkIssueCreateVsFloor(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	ctx := boardCtx()
	target := mustIssue(b, s, ctx, c.ID, store.IssueInput{Title: store.Some("target")})
	writer, _ := store.Pools(s)
	bg := context.Background()
	var create, floor time.Duration
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		if _, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some(fmt.Sprint("issue ", i)),
			Description: store.Some("Some markdown body"), Priority: store.Some("high")}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		now := fmt.Sprintf("2026-01-01T00:00:%02d.%03dZ", i/1000%60, i%1000)
		tx, err := writer.BeginTx(bg, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(bg, `UPDATE issues SET updated_at = ? WHERE id = ?`, now, target.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(bg, `INSERT INTO activity_log (id, company_id, actor_type, actor_id, action, entity_type,
			entity_id, agent_id, run_id, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			store.NewID(), c.ID, "user", "local-board", "issue.updated", "issue", target.ID, nil, nil, `{"status":"todo"}`, now); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		create += t1.Sub(t0)
		floor += time.Since(t1)
	}
	b.ReportMetric(float64(create.Nanoseconds())/float64(i), "create-ns")
	b.ReportMetric(float64(floor.Nanoseconds())/float64(i), "floor-ns")
	b.ReportMetric(float64(create)/float64(floor), "x-floor")
}

// BenchmarkIssueCreateWALPages counts the pages a create writes to the WAL at commit
// (wal-pages/op), the commit's cost that BenchmarkIssueCreate profiles as pwrite: every
// page a create dirties (a row, each index entry, the search index, the counters) is
// one frame of page size + 24 bytes. Automatic checkpoints are off so the WAL only
// grows; it is measured and truncated every 100 creates, outside the timer.
func BenchmarkIssueCreateWALPages(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	ctx := boardCtx()
	writer, _ := store.Pools(s)
	bg := context.Background()
	var pageSize int64
	if err := writer.QueryRowContext(bg, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		b.Fatal(err)
	}
	if _, err := writer.ExecContext(bg, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		b.Fatal(err)
	}
	truncate := func() {
		if _, err := writer.ExecContext(bg, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
	}
	frames := func() int64 {
		st, err := os.Stat(s.Path() + "-wal")
		if err != nil {
			b.Fatal(err)
		}
		return max(0, st.Size()-32) / (pageSize + 24)
	}
	truncate()
	var total int64
	i := 0
	for b.Loop() {
		i++
		if _, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some(fmt.Sprint("issue ", i)),
			Description: store.Some("Some markdown body"), Priority: store.Some("high")}); err != nil {
			b.Fatal(err)
		}
		if i%100 == 0 {
			b.StopTimer()
			total += frames()
			truncate()
			b.StartTimer()
		}
	}
	total += frames()
	b.ReportMetric(float64(total)/float64(i), "wal-pages/op")
}
