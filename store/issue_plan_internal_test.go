package store

import (
	"context"
	"strings"
	"testing"
)

// issueListPlans are the filter combinations the board UI (web/app/pages) and the CLI
// (paperclip issue list) send to the issue list, by name.
func issueListPlans(companyID, agentID, projectID, labelID, parentID, goalID string) map[string]IssueFilter {
	active := []string{"todo", "in_progress", "in_review", "blocked"}
	return map[string]IssueFilter{
		"default":                       {},
		"recent (sortField=updated)":    {SortField: "updated", Limit: 10},
		"created order":                 {SortField: "created", SortDir: "asc"},
		"status":                        {Statuses: []string{"todo"}},
		"status list":                   {Statuses: active},
		"priority":                      {Priorities: []string{"high"}},
		"assignee agent":                {AssigneeAgent: agentID},
		"agent page (assignee+status)":  {AssigneeAgent: agentID, Statuses: active},
		"unassigned":                    {AssigneeAgent: "null"},
		"assignee user":                 {AssigneeUserID: "user-1"},
		"project":                       {ProjectID: projectID},
		"goal":                          {GoalID: goalID},
		"label":                         {LabelID: labelID},
		"parent (children)":             {ParentID: parentID},
		"root issues":                   {ParentNull: true},
		"descendants":                   {DescendantOf: parentID},
		"cli (status+assignee+project)": {Statuses: active, AssigneeAgent: agentID, ProjectID: projectID},
		"inbox mine (touched+status)":   {TouchedByUserID: "user-1", Statuses: active},
		"inbox unread":                  {UnreadForUserID: "user-1"},
		"search":                        {Q: "login outage"},
		"search, short term":            {Q: "ab", Limit: 20},
	}
}

// issueListIndexTerm is the index search a selective filter must start from, rather
// than walking every issue of the company in list order.
var issueListIndexTerm = map[string][]string{
	"assignee agent":                {"assignee_agent_id=?"},
	"agent page (assignee+status)":  {"assignee_agent_id=?"},
	"unassigned":                    {"assignee_agent_id=?"},
	"assignee user":                 {"assignee_user_id=?"},
	"project":                       {"project_id=?"},
	"goal":                          {"goal_id=?"},
	"parent (children)":             {"parent_id=?"},
	"descendants":                   {"(company_id=? AND parent_id=?)"},
	"cli (status+assignee+project)": {"assignee_agent_id=?"}, // the agent's issues are fewer than the project's
	"search":                        {"VIRTUAL TABLE"},
}

// TestIssueListFilterPlansUseIndexes runs EXPLAIN QUERY PLAN on the list query of
// every filter combination the UI and the CLI use and fails on a full scan of a table:
// each table is read through an index search (or, for the search term, through the
// trigram index), so a new filter, or a dropped index, that makes a large company's
// list read every row fails here instead of in production.
func TestIssueListFilterPlansUseIndexes(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	board := boardActor(ctx)
	c, err := s.CreateCompany(board, CompanyInput{Name: Some("Plans")})
	if err != nil {
		t.Fatal(err)
	}
	parent, err := s.CreateIssue(board, c.ID, IssueInput{Title: Some("parent of the login outage")})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"agent": NewID(), "project": NewID(), "label": NewID(), "goal": NewID()}
	for name, f := range issueListPlans(c.ID, ids["agent"], ids["project"], ids["label"], parent.ID, ids["goal"]) {
		f.CompanyID = c.ID
		query, args, _, err := s.issueListQuery(ctx, f)
		if err != nil || query == "" {
			t.Fatalf("%s: %q %v", name, query, err)
		}
		plan := queryPlan(t, s, name, query, args...)
		if want, ok := issueListIndexTerm[name]; ok && !containsAny(strings.Join(plan, "\n"), want) {
			t.Errorf("%s: the issues are not searched by any of %q:\n  %s", name, want, strings.Join(plan, "\n  "))
		}
		for _, step := range plan {
			if fullScan(step) {
				t.Errorf("%s: full scan %q in plan:\n  %s", name, step, strings.Join(plan, "\n  "))
			}
		}
		t.Logf("%s:\n  %s", name, strings.Join(plan, "\n  "))
	}
}

// queryPlan is the detail column of EXPLAIN QUERY PLAN for query on the reader, one
// step per row; name labels a failure.
func queryPlan(t *testing.T, s *Store, name, query string, args ...any) []string {
	t.Helper()
	rows, err := s.reader.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return plan
}

// fullScan reports whether a query-plan step reads a whole table: "SCAN x" or
// "SCAN x USING INDEX" of a real table. Scans of a recursive CTE (the issue list's
// descendants d, the cost summary's tree t: their queues and materialized rows) or of
// the FTS5 table (a virtual table answers MATCH through its own index) are not.
func fullScan(step string) bool {
	if !strings.HasPrefix(step, "SCAN ") {
		return false
	}
	switch step {
	case "SCAN d", "SCAN descendants", "SCAN t", "SCAN tree":
		return false
	}
	return !strings.Contains(step, "VIRTUAL TABLE")
}

// planCase is a query whose plan must contain each of want (index searches).
type planCase struct {
	name, query string
	args        []any
	want        []string
}

// requireSearches fails each case whose plan lacks a wanted search, reads a table
// whole (unless scanOK says the case may) or builds an automatic index.
func requireSearches(t *testing.T, s *Store, cases []planCase, scanOK func(c planCase) bool) {
	t.Helper()
	for _, c := range cases {
		steps := queryPlan(t, s, c.name, c.query, c.args...)
		plan := strings.Join(steps, "\n  ")
		for _, w := range c.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: plan does not search %q:\n  %s", c.name, w, plan)
			}
		}
		for _, st := range steps {
			if strings.Contains(st, "AUTOMATIC") || (fullScan(st) && (scanOK == nil || !scanOK(c))) {
				t.Errorf("%s: plan step %q reads a whole table or builds an index:\n  %s", c.name, st, plan)
			}
		}
		t.Logf("%s:\n  %s", c.name, plan)
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
