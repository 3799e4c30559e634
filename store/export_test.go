package store

import "database/sql"

// Test-only doors into the store for the floor benchmarks (floor_bench_test.go), which
// must run on the store's own pools so they share its file and pragmas.

// Pools returns the store's writer and reader pools.
func Pools(s *Store) (writer, reader *sql.DB) { return s.writer, s.reader.db }

// IssueColumns is the column list every issue finder selects.
const IssueColumns = issueColumns

// ScanIssue scans one row of IssueColumns.
func ScanIssue(sc interface{ Scan(...any) error }) (Issue, error) { return scanIssue(sc) }

// PriorityRankSQL is the default order's rank expression over col.
func PriorityRankSQL(col string) string { return priorityRankSQL(col) }

// ScanSearch returns f with its search forced to the LIKE scan, the oracle the index
// must agree with (issue_search_test.go).
func ScanSearch(f IssueFilter) IssueFilter {
	f.scanSearch = true
	return f
}
