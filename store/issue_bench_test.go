package store_test

import (
	"fmt"
	"testing"
	"time"

	"paperclip/store"
)

func BenchmarkIssueCreate(b *testing.B) {
	b.ReportAllocs()
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	ctx := boardCtx()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some(fmt.Sprint("issue ", i)),
			Description: store.Some("Some markdown body"), Priority: store.Some("high")}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueGet(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	ctx := boardCtx()
	parent := mustIssue(b, s, ctx, c.ID, store.IssueInput{Title: store.Some("parent")})
	blocker := mustIssue(b, s, ctx, c.ID, store.IssueInput{Title: store.Some("blocker")})
	is := mustIssue(b, s, ctx, c.ID, store.IssueInput{Title: store.Some("detail"), ParentID: store.Some(parent.ID),
		BlockedByIssueIDs: store.Some([]string{blocker.ID})})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.FindIssueDetail(ctx, is.Identifier); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueList10k lists the default first page (500 rows, default order) of a
// company with 10 000 issues.
func BenchmarkIssueList10k(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	seedIssues10k(b, s, c)
	ctx := boardCtx()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows, err := s.FindIssues(ctx, store.IssueFilter{CompanyID: c.ID})
		if err != nil || len(rows) != 500 {
			b.Fatalf("%v %d", err, len(rows))
		}
	}
}

// BenchmarkIssueList10kVsFloor times, in every iteration, BenchmarkFloorScan500's
// query and then FindIssues' default page over the same company, and reports the
// ratio of the two: the issue-16 target, measured so both halves see the same load
// on a shared machine, where the two separate benchmarks drift apart by 2x.
func BenchmarkIssueList10kVsFloor(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	seedIssues10k(b, s, c)
	_, reader := store.Pools(s)
	ctx := boardCtx()
	q := `SELECT ` + store.IssueColumns + ` FROM issues i WHERE i.company_id = ? AND i.hidden_at IS NULL ORDER BY ` +
		store.PriorityRankSQL("i.priority") + ` ASC, i.updated_at DESC, i.id DESC LIMIT 500`
	var floor, list time.Duration
	for b.Loop() {
		start := time.Now()
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
		mid := time.Now()
		page, err := s.FindIssues(ctx, store.IssueFilter{CompanyID: c.ID})
		if err != nil || len(page) != 500 {
			b.Fatalf("%v %d", err, len(page))
		}
		floor, list = floor+mid.Sub(start), list+time.Since(mid)
	}
	b.ReportMetric(float64(floor)/float64(b.N), "floor-ns/page")
	b.ReportMetric(float64(list)/float64(b.N), "list-ns/page")
	b.ReportMetric(float64(list)/float64(floor), "list/floor")
}

// BenchmarkIssueCheckout measures a successful claim (create + checkout + release
// would distort it, so each iteration checks out a fresh todo issue).
func BenchmarkIssueCheckout(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	agent := insertAgent(b, s, c.ID, "Worker", "engineer", "idle")
	run := insertRun(b, s, c.ID, agent, "running")
	board := boardCtx()
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = mustIssue(b, s, board, c.ID, store.IssueInput{Title: store.Some(fmt.Sprint("w", i)), Status: store.Some("todo")}).ID
	}
	ctx := agentCtx(c.ID, agent, run)
	in := checkoutIn(agent)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.CheckoutIssue(ctx, ids[i], in); err != nil {
			b.Fatal(err)
		}
	}
}

// seedIssues10k inserts 10 000 issues of four priorities and statuses in one raw
// transaction, the company the list benchmark and its floor read.
func seedIssues10k(b *testing.B, s *store.Store, c store.Company) {
	db := rawDB(b, s)
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	prios := []string{"critical", "high", "medium", "low"}
	statuses := []string{"backlog", "todo", "in_review", "done"}
	for i := 1; i <= 10000; i++ {
		ts := fmt.Sprintf("2026-01-%02dT%02d:%02d:%02d.000Z", 1+i%28, i%24, i%60, (i/60)%60)
		if _, err := tx.Exec(`INSERT INTO issues (id, company_id, title, normalized_title, description, status, priority, issue_number,
			identifier, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			store.NewID(), c.ID, fmt.Sprint("Issue number ", i), fmt.Sprint("issue number ", i), "A description of the work",
			statuses[i%4], prios[i%4], i, fmt.Sprint(c.IssuePrefix, "-", i), ts, ts); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
