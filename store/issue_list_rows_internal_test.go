package store

import (
	"strings"
	"testing"
)

// TestIssueListFollowUpPlansUseIndexes checks the two queries a list page runs after
// its rows, the labels of the page and its live runs, for a full scan: each id of the
// JSON array must be looked up by index, or a company with many labelled issues or
// runs would read the whole table once per list call.
func TestIssueListFollowUpPlansUseIndexes(t *testing.T) {
	s := openInternal(t)
	ids := jsonStrings([]string{NewID(), NewID()})
	for name, q := range map[string]struct{ query, index string }{
		"labels of a page": {issueLabelsSQL + `il.issue_id IN (SELECT value FROM json_each(?))` + issueLabelsOrder, "SEARCH il USING COVERING INDEX sqlite_autoindex_issue_labels_1 (issue_id=?)"},
		"labels of one":    {issueLabelsSQL + `il.issue_id = ?` + issueLabelsOrder, "SEARCH il USING COVERING INDEX sqlite_autoindex_issue_labels_1 (issue_id=?)"},
		"live runs":        {liveRunsSQL, "SEARCH heartbeat_runs USING INDEX sqlite_autoindex_heartbeat_runs_1 (id=?)"},
	} {
		plan := queryPlan(t, s, name, q.query, ids)
		all := strings.Join(plan, "\n  ")
		if !strings.Contains(all, q.index) {
			t.Errorf("%s: not searched by %q:\n  %s", name, q.index, all)
		}
		for _, step := range plan {
			if fullScan(step) {
				t.Errorf("%s: full scan %q in plan:\n  %s", name, step, all)
			}
		}
	}
}
