package store

import (
	"strings"
	"testing"
)

// TestAgentPathPlansUseIndexes checks the plans of the queries every agent heartbeat
// and run page runs, as TestIssueListFilterPlansUseIndexes does for the issue list: the
// agent's inbox must start from the assignee index and a run's issues from primary keys,
// not walk the company's rank index (at 100 000 issues the inbox took a second that way),
// an issue's comments come from its comment index in order, and no table may be read
// whole.
func TestAgentPathPlansUseIndexes(t *testing.T) {
	s := openInternal(t)
	cases := []struct {
		name, query string
		args        []any
		want        string // an index search the plan must contain
	}{
		{"inbox", inboxLiteSQL, []any{"c", "a", inboxLimit}, "issues_company_assignee_status_idx (company_id=? AND assignee_agent_id=?"},
		{"inbox blockers", inboxBlockersSQL, []any{"c", `["x","y"]`}, "issue_relations_related_idx (related_issue_id=? AND type=?)"},
		{"run issues", runIssuesSQL, []any{"c", "i", "r", "c"}, "SEARCH i USING INDEX sqlite_autoindex_issues_1 (id=?)"},
		{"run issues' activity", runIssuesSQL, []any{"c", "i", "r", "c"}, "activity_log_run_idx (run_id=?)"},
		// A child's status change wakes the parent once no child is open.
		{"parent's open children", parentOpenChildrenSQL, []any{"p"}, "issues_company_parent_idx (company_id=? AND parent_id=?)"},
		// An issue's comments are read by issue alone (before migration 0012 each of
		// these read every comment of the instance).
		{"comment list", commentListSQL(false, false, false), []any{"i"}, "issue_comments_issue_created_idx (issue_id=?)"},
		{"comment page after an anchor", commentListSQL(true, true, true), []any{"i", "t", "t", "c", 50}, "issue_comments_issue_created_idx (issue_id=?"},
		{"heartbeat context comment count", commentCountSQL, []any{"i"}, "issue_comments_issue_created_idx (issue_id=?)"},
		{"heartbeat context latest comment", latestCommentSQL, []any{"i"}, "issue_comments_issue_created_idx (issue_id=?)"},
		{"timer wake's unread comments", unreadCommentsSQL, []any{"c", "a", "t", "a"}, "issue_comments_issue_created_idx (issue_id=? AND created_at>?)"},
	}
	for _, c := range cases {
		plan := queryPlan(t, s, c.name, c.query, c.args...)
		joined := strings.Join(plan, "\n  ")
		if !strings.Contains(joined, c.want) {
			t.Errorf("%s: plan does not search %q:\n  %s", c.name, c.want, joined)
		}
		for _, step := range plan {
			if fullScan(step) && !strings.HasPrefix(step, "SCAN json_each") && step != "SCAN CONSTANT ROW" {
				t.Errorf("%s: full scan %q in plan:\n  %s", c.name, step, joined)
			}
			if strings.Contains(step, "TEMP B-TREE") && strings.HasPrefix(c.name, "comment") {
				t.Errorf("%s: sorts instead of reading the index in order:\n  %s", c.name, joined)
			}
			if strings.Contains(step, "issues_company_rank_updated_idx") {
				t.Errorf("%s: walks the rank index:\n  %s", c.name, joined)
			}
		}
		t.Logf("%s:\n  %s", c.name, joined)
	}
}
