package store

import (
	"strings"
	"testing"
)

// TestPartialIndexesServeTheirQueries: migration 0011 keeps only the rows with a value
// in the parent, project, goal, user-assignee, run and agent indexes, which SQLite may
// use only when the query implies `column IS NOT NULL`. Each query that read one of
// them must still read it. The issue-list filters are checked by
// TestIssueListFilterPlansUseIndexes (issueListIndexTerm) and a run's issues by
// TestAgentPathPlansUseIndexes; these are the others: the activity filter by agent and
// the ON DELETE SET NULL of a deleted project, goal or parent issue, which SQLite runs
// as `column = ?` over the index (those scan it, as before 0011: none of these indexes
// leads with the referenced column, and the partial index is the smaller read).
func TestPartialIndexesServeTheirQueries(t *testing.T) {
	s := openInternal(t)
	byAgent, agentArgs := activityQuery(ActivityFilter{CompanyID: "c", AgentID: "a"})
	byRun, runArgs := activityQuery(ActivityFilter{CompanyID: "c", RunID: "r"})
	cases := []struct {
		name, query string
		args        []any
		want        string
	}{
		{"activity by agent", byAgent, agentArgs, "SEARCH activity_log USING INDEX activity_log_company_agent_idx (company_id=? AND agent_id=?)"},
		// A run's activity is a few rows; the company's by date is all of it.
		{"activity by run", byRun, runArgs, "SEARCH activity_log USING INDEX activity_log_run_idx (run_id=?)"},
		{"project delete", `DELETE FROM projects WHERE id = ?`, []any{"p"}, "issues USING COVERING INDEX issues_company_project_idx"},
		{"goal delete", `DELETE FROM goals WHERE id = ?`, []any{"g"}, "issues USING COVERING INDEX issues_company_goal_idx"},
		{"parent delete", `DELETE FROM issues WHERE id = ?`, []any{"i"}, "issues USING COVERING INDEX issues_company_parent_idx"},
	}
	for _, c := range cases {
		plan := strings.Join(queryPlan(t, s, c.name, c.query, c.args...), "\n  ")
		if !strings.Contains(plan, c.want) {
			t.Errorf("%s: plan does not read %q:\n  %s", c.name, c.want, plan)
		}
		t.Logf("%s:\n  %s", c.name, plan)
	}
}
