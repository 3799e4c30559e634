package store

import "testing"

// TestIssueCostPlansUseIndexes: an issue's cost summary walks its subtree by the
// company's parent index and reads cost events and runs by issue, never a whole table
// and never an index SQLite builds for the one query. Before migration 0012 and the
// company term in the walk, the summary scanned every cost event and run and built an
// automatic index over all issues: 133 ms at 100 000 issues and cost events. Deleting
// an issue reads the same index for its cost events' ON DELETE SET NULL, and the
// comment index for its comments' ON DELETE CASCADE (36 ms at 100 000 comments when
// that scanned them all, 0.8 ms now).
func TestIssueCostPlansUseIndexes(t *testing.T) {
	s := openInternal(t)
	cases := []planCase{
		{"issue cost events", issueCostSQL, []any{"i", 0, "i"}, []string{
			"SEARCH i USING INDEX issues_company_parent_idx (company_id=? AND parent_id=?)",
			"SEARCH e USING INDEX cost_events_issue_idx (issue_id=?)"}},
		{"issue runs", issueRunsSQL, []any{"i", 0, "i"}, []string{
			"SEARCH i USING INDEX issues_company_parent_idx (company_id=? AND parent_id=?)",
			"SEARCH heartbeat_runs USING INDEX heartbeat_runs_company_issue_idx (company_id=? AND issue_id=?)"}},
		{"issue delete", `DELETE FROM issues WHERE id = ?`, []any{"i"}, []string{
			"SEARCH cost_events USING COVERING INDEX cost_events_issue_idx (issue_id=?)",
			"SEARCH issue_comments USING COVERING INDEX issue_comments_issue_created_idx (issue_id=?)"}},
	}
	// The delete's other cascades still scan small tables (see BENCHMARKS.md).
	requireSearches(t, s, cases, func(c planCase) bool { return c.name == "issue delete" })
}
