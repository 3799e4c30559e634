package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"paperclip/store"
	"paperclip/store/storetest"
)

// BenchmarkIssueSearchLarge times q= searches in a large company seeded by
// storetest.SeedLarge: a tenth of the issue-16 size (10 000 issues, 100 000 comments)
// unless PAPERCLIP_SEARCH_SCALE says otherwise (1 = 100 000 issues, 1 000 000
// comments). PAPERCLIP_SEARCH_DB names a database SeedLarge already filled, to time
// the full size without seeding it again (it is upgraded in place). Each operation is
// one search of a fixed mix of terms (common words, rare words, an identifier, misses)
// as the board sends them: the palette with limit=10 and the list page with the
// default 500. Besides ns/op it reports the p50 and p99 of the searches.
func BenchmarkIssueSearchLarge(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("PAPERCLIP_SEARCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "paperclip.db")
	}
	board := boardCtx()
	s, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var company store.Company
	if cs, err := s.FindCompanies(board, store.CompanyFilter{}); err == nil && len(cs) > 0 && os.Getenv("PAPERCLIP_SEARCH_DB") != "" {
		company = cs[0]
	} else {
		s.Close() // the seed needs the file to itself
		scale := 0.1
		if v, err := strconv.ParseFloat(os.Getenv("PAPERCLIP_SEARCH_SCALE"), 64); err == nil && v > 0 {
			scale = v
		}
		n := func(v int) int { return max(1, int(float64(v)*scale)) }
		co, err := storetest.SeedLarge(ctx, path, storetest.LargeSpec{Issues: n(100_000), Comments: n(1_000_000), Agents: n(1_000), Projects: 20})
		if err != nil {
			b.Fatal(err)
		}
		company = co.Company
		if s, err = store.Open(ctx, path, store.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	defer s.Close()
	terms := []string{"billing", storetest.SeedWord(1234), storetest.SeedWord(77) + " fix", "login outage", storetest.SeedWord(4321),
		company.IssuePrefix + "-4242", "rollback", "no such words here", storetest.SeedWord(999)[:5], "dashboard latency"}
	for _, limit := range []int{10, 500} {
		b.Run("limit="+strconv.Itoa(limit), func(b *testing.B) {
			var took []time.Duration
			i := 0
			for b.Loop() {
				t0 := time.Now()
				if _, err := s.FindIssues(board, store.IssueFilter{CompanyID: company.ID, Q: terms[i%len(terms)], Limit: limit}); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
				i++
			}
			sort.Slice(took, func(a, c int) bool { return took[a] < took[c] })
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
