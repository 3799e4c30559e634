package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestSearchFieldPlansUseIndexes: each statement of a ranked search, combined with
// every filter the UI and the CLI send, takes its candidates from the trigram index
// and never scans a table. The lookup shape (few candidates) reads them by id and does
// not walk the company's issues in list order, which would read the whole company to
// find a few matches; the walk shape (many candidates, a short page) walks an index.
func TestSearchFieldPlansUseIndexes(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	board := boardActor(ctx)
	c, err := s.CreateCompany(board, CompanyInput{Name: Some("Plans")})
	if err != nil {
		t.Fatal(err)
	}
	parent, err := s.CreateIssue(board, c.ID, IssueInput{Title: Some("parent")})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"agent": NewID(), "project": NewID(), "label": NewID(), "goal": NewID()}
	for name, f := range issueListPlans(c.ID, ids["agent"], ids["project"], ids["label"], parent.ID, ids["goal"]) {
		if f.SortField != "" {
			continue // ranked only under the default sort
		}
		var qs []searchQuery
		f.CompanyID, f.Q, f.searchPlan = c.ID, "login outage", &qs
		if _, _, _, err := s.issueListQuery(ctx, f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(qs) != 2*len(searchGroups)+1 {
			t.Fatalf("%s: %d search statements, want both shapes of each rank and the comments' (%d)", name, len(qs), 2*len(searchGroups)+1)
		}
		for i, q := range qs {
			plan := queryPlan(t, s, fmt.Sprintf("%s, field %d", name, i), q.query, q.args...)
			all := strings.Join(plan, "\n  ")
			walk := strings.Contains(q.query, "+i.id IN")
			if !strings.Contains(all, "VIRTUAL TABLE") {
				t.Errorf("%s, statement %d: no candidates from the index:\n  %s", name, i, all)
			}
			if !walk && !strings.Contains(all, "SEARCH i USING INDEX sqlite_autoindex_issues_1 (id=?)") {
				t.Errorf("%s, statement %d: the candidates are not read by id:\n  %s", name, i, all)
			}
			for _, step := range plan {
				if (fullScan(step) && step != "SCAN m") || (!walk && strings.Contains(step, "issues_company_rank_updated_idx")) {
					t.Errorf("%s, field %d: %q in plan:\n  %s", name, i, step, all)
				}
			}
		}
	}
}
