package store_test

import (
	"database/sql"
	"testing"

	"paperclip/store"
	"paperclip/store/storetest"
)

// The dashboard's task counts come from issue_status_counts, kept by triggers (0010);
// after every kind of issue write they must equal a count of the issues themselves.
func TestDashboardTaskCountsFollowEveryIssueWrite(t *testing.T) {
	st, _ := storetest.Open(t)
	ctx := storetest.Board()
	a := storetest.Company(t, st, "Acme")
	b := storetest.Company(t, st, "Beta")
	db, err := sql.Open("sqlite", "file:"+st.Path()+"?_pragma=busy_timeout(10000)&_pragma=query_only(on)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(step string) {
		t.Helper()
		for _, c := range []store.Company{a, b} {
			var want store.DashboardTasks
			if err := db.QueryRow(`SELECT
					COUNT(*) FILTER (WHERE status NOT IN ('done', 'cancelled')), COUNT(*) FILTER (WHERE status = 'in_progress'),
					COUNT(*) FILTER (WHERE status = 'blocked'), COUNT(*) FILTER (WHERE status = 'done')
				FROM issues WHERE company_id = ? AND hidden_at IS NULL`, c.ID).Scan(&want.Open, &want.InProgress, &want.Blocked, &want.Done); err != nil {
				t.Fatal(err)
			}
			d, err := st.FindDashboard(ctx, c.ID)
			if err == nil && d.Tasks != want {
				t.Errorf("%s: %s dashboard tasks %+v, the issues say %+v", step, c.Name, d.Tasks, want)
			}
			if err != nil && c.ID != b.ID {
				t.Fatalf("%s: %v", step, err)
			}
		}
	}
	agents := map[string]string{a.ID: storetest.Agent(t, st, a.ID, "Dev").ID, b.ID: storetest.Agent(t, st, b.ID, "Dev").ID}
	var issues []store.Issue
	for i, status := range []string{"backlog", "todo", "todo", "in_progress", "blocked", "done", "cancelled", "in_review"} {
		for _, c := range []store.Company{a, b} {
			issues = append(issues, storetest.Issue(t, st, c.ID, "Task", store.IssueInput{Status: store.Some(status), AssigneeAgentID: store.Some(agents[c.ID])}))
		}
		if i == 3 {
			check("created")
		}
	}
	check("created")
	patch := func(step string, is store.Issue, p store.IssuePatch) {
		t.Helper()
		if _, err := st.UpdateIssue(ctx, is.ID, p); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	patch("status changed", issues[0], store.IssuePatch{Status: store.Some("todo")})
	patch("started", issues[2], store.IssuePatch{Status: store.Some("in_progress")})
	patch("done", issues[6], store.IssuePatch{Status: store.Some("done")})
	patch("title only", issues[8], store.IssuePatch{Title: store.Some("Renamed")})
	patch("hidden", issues[14], store.IssuePatch{HiddenAt: store.Some("2026-01-01T00:00:00.000Z")})
	patch("hidden issue's status", issues[14], store.IssuePatch{Status: store.Some("done")})
	patch("unhidden", issues[14], store.IssuePatch{HiddenAt: store.Optional[string]{Set: true, Null: true}})
	if _, err := st.DeleteIssue(ctx, issues[10].ID); err != nil {
		t.Fatal(err)
	}
	check("deleted")
	if err := st.DeleteCompany(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	check("company deleted")
	var left int
	if err := db.QueryRow(`SELECT COUNT(*) FROM issue_status_counts WHERE company_id = ?`, b.ID).Scan(&left); err != nil || left != 0 {
		t.Errorf("deleted company keeps %d count rows (%v)", left, err)
	}
}
