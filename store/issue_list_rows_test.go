package store_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"paperclip/store"
)

// seedVariedIssues fills a company with issues that exercise every part of a list
// row: descriptions around the 1200-character cut (ASCII, two- and four-byte UTF-8,
// absent), labels whose names order differently from their ids, execution runs that
// are live (shared by several issues, queued, running), finished or missing, adapter
// overrides on some rows only, hidden issues, assignees, and a user's comments and
// read states. Ids and times are fixed, so two builds list the same bytes (only the
// company and agent ids, made by the store, differ). A second company gets a label
// and a run of its own, which no list of the first may show.
func seedVariedIssues(tb testing.TB, s *store.Store) (c store.Company, agent string, labels []string) {
	tb.Helper()
	c = mustCompany(tb, s, "Varied")
	other := mustCompany(tb, s, "Other")
	agent = insertAgent(tb, s, c.ID, "Worker", "engineer", "running")
	otherAgent := insertAgent(tb, s, other.ID, "Stranger", "engineer", "running")
	db := rawDB(tb, s)
	id := func(kind, n int) string { return fmt.Sprintf("00000000-0000-7000-8%03d-%012d", kind, n) }
	at := func(n int) string { return fmt.Sprintf("2026-01-%02dT10:00:%02d.000Z", 1+n%9, n%4) }
	// Ids run opposite to names, so "ORDER BY name, id" and id order differ.
	for i, name := range []string{"alpha", "Beta", "beta", "Ünïcode"} {
		labels = append(labels, id(1, 10-i))
		mustExec(tb, db, `INSERT INTO labels (id, company_id, name, color, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id(1, 10-i), c.ID, name, fmt.Sprintf("#%06x", i*1111), at(i), at(i+1))
	}
	mustExec(tb, db, `INSERT INTO labels (id, company_id, name, color, created_at, updated_at) VALUES (?, ?, 'theirs', '#000000', ?, ?)`,
		id(1, 99), other.ID, at(0), at(0))
	run := func(n int, company, agent, status string) string {
		mustExec(tb, db, `INSERT INTO heartbeat_runs (id, company_id, agent_id, invocation_source, trigger_detail, status, started_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id(2, n), company, agent, []string{"on_demand", "assignment", "timer"}[n%3],
			map[bool]any{true: "manual", false: nil}[n%2 == 0], status, map[bool]any{true: at(n), false: nil}[status != "queued"], at(n), at(n))
		return id(2, n)
	}
	shared := run(0, c.ID, agent, "running")
	descriptions := []any{nil, "Short **markdown**", strings.Repeat("a", 1200), strings.Repeat("b", 1201),
		strings.Repeat("é", 700), strings.Repeat("é", 1300), strings.Repeat("🙂", 1250) + "x"}
	statuses := []string{"backlog", "todo", "in_progress", "in_review", "blocked", "done", "cancelled"}
	prios := []string{"critical", "high", "medium", "low"}
	for n := 1; n <= 70; n++ {
		var exec any
		switch n % 5 {
		case 0:
			exec = shared
		case 1:
			exec = run(n, c.ID, agent, "queued")
		case 2:
			exec = run(n, c.ID, agent, "succeeded")
		case 3:
			exec = id(2, 9000+n) // no such run
		}
		var overrides, hidden, assignee, creator any
		switch n % 6 {
		case 0:
			overrides = `{"model":"big","env":{"A":"1"}}`
		case 3:
			overrides = ""
		}
		if n%11 == 0 {
			hidden = at(n)
		}
		if n%2 == 0 {
			assignee = agent
		}
		if n%3 == 0 {
			creator = "user-1"
		}
		issue := id(3, n)
		mustExec(tb, db, `INSERT INTO issues (id, company_id, title, normalized_title, description, status, priority, issue_number, identifier,
			assignee_agent_id, created_by_user_id, execution_run_id, assignee_adapter_overrides, hidden_at, billing_code, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			issue, c.ID, fmt.Sprintf("Issue %d café", n), fmt.Sprintf("issue %d café", n), descriptions[n%len(descriptions)],
			statuses[n%len(statuses)], prios[n%len(prios)], n, fmt.Sprintf("%s-%d", c.IssuePrefix, n),
			assignee, creator, exec, overrides, hidden, map[bool]any{true: "BC-7", false: nil}[n%4 == 1], at(n), at(n/3))
		for k := 0; k < n%5; k++ {
			mustExec(tb, db, `INSERT INTO issue_labels (issue_id, label_id, company_id, created_at) VALUES (?, ?, ?, ?)`,
				issue, labels[(n+k)%len(labels)], c.ID, at(k))
		}
		if n%4 == 0 {
			author := map[bool]any{true: "user-1", false: nil}[n%8 == 0]
			mustExec(tb, db, `INSERT INTO issue_comments (id, company_id, issue_id, author_user_id, author_type, body, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id(4, n), c.ID, issue, author, map[bool]string{true: "user", false: "agent"}[author != nil],
				"A comment", at(n+1), at(n+1))
		}
		if n%7 == 0 {
			mustExec(tb, db, `INSERT INTO issue_read_states (id, company_id, issue_id, user_id, last_read_at, created_at, updated_at)
				VALUES (?, ?, ?, 'user-1', ?, ?, ?)`, id(5, n), c.ID, issue, at(n+n%3), at(n), at(n))
		}
	}
	theirs := id(3, 500)
	mustExec(tb, db, `INSERT INTO issues (id, company_id, title, normalized_title, status, priority, issue_number, identifier, execution_run_id, created_at, updated_at)
		VALUES (?, ?, 'Theirs', 'theirs', 'todo', 'high', 1, ?, ?, ?, ?)`, theirs, other.ID, other.IssuePrefix+"-1", run(500, other.ID, otherAgent, "running"), at(1), at(1))
	mustExec(tb, db, `INSERT INTO issue_labels (issue_id, label_id, company_id, created_at) VALUES (?, ?, ?, ?)`, theirs, id(1, 99), other.ID, at(1))
	return c, agent, labels
}

// variedIssueLists are list filters over seedVariedIssues' company covering every
// column set, page window and order of the list query.
func variedIssueLists(companyID, agent string, labels []string) map[string]store.IssueFilter {
	lists := map[string]store.IssueFilter{
		"default":           {},
		"first 7":           {Limit: 7},
		"7 from 5":          {Limit: 7, Offset: 5},
		"updated":           {SortField: "updated"},
		"created asc":       {SortField: "created", SortDir: "asc"},
		"priority desc":     {SortDir: "desc"},
		"statuses":          {Statuses: []string{"todo", "in_progress", "blocked"}},
		"label":             {LabelID: labels[1]},
		"with hidden":       {IncludeHidden: true},
		"assignee":          {AssigneeAgent: agent},
		"unassigned":        {AssigneeAgent: "null"},
		"touched by user-1": {TouchedByUserID: "user-1"},
		"unread for user-1": {UnreadForUserID: "user-1"},
		"search":            {Q: "café"},
		"search short":      {Q: "é"},
		"search none":       {Q: "no such words"},
	}
	for name, f := range lists {
		f.CompanyID = companyID
		lists[name] = f
	}
	return lists
}

// TestIssueListRowsMatchTheirParts checks every list row against the same issue put
// together from plain queries, part by part: the issue as the finders read it, its
// description cut to 1200 characters by SQLite's substr, its labels in name order,
// and its execution run when that run is live. The list reads these in its own ways
// (the cut only past 1200 bytes, labels and runs for the whole page at once, one set
// of scan targets for every row); its JSON must be the parts' byte for byte.
func TestIssueListRowsMatchTheirParts(t *testing.T) {
	s := MustOpen(t)
	c, agent, labels := seedVariedIssues(t, s)
	db := rawDB(t, s)
	ctx := boardCtx()
	seen := 0
	for name, f := range variedIssueLists(c.ID, agent, labels) {
		rows, err := s.FindIssues(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, row := range rows {
			got, err := json.Marshal(row)
			if err != nil {
				t.Fatal(err)
			}
			want := expectedListRow(t, s, db, row)
			if string(got) != string(want) {
				t.Errorf("%s: row %s\n got %s\nwant %s", name, row.Identifier, got, want)
			}
			seen++
		}
	}
	if seen < 200 {
		t.Fatalf("only %d rows listed: the dataset no longer covers the lists", seen)
	}
}

// expectedListRow is the JSON list row of row's issue built from plain queries, with
// row's own user context (computed by the list query itself, not by the row scan).
func expectedListRow(t *testing.T, s *store.Store, db *sql.DB, row store.IssueRow) []byte {
	t.Helper()
	is, err := s.FindIssueByID(boardCtx(), row.ID)
	if err != nil {
		t.Fatal(err)
	}
	var desc sql.NullString
	if err := db.QueryRow(`SELECT substr(description, 1, 1200) FROM issues WHERE id = ?`, is.ID).Scan(&desc); err != nil {
		t.Fatal(err)
	}
	is.Description = nil
	if desc.Valid {
		is.Description = &desc.String
	}
	is.Labels, is.LabelIDs = []store.Label{}, []string{}
	lrows, err := db.Query(`SELECT l.id, l.company_id, l.name, l.color, l.created_at, l.updated_at FROM issue_labels il
		JOIN labels l ON l.id = il.label_id WHERE il.issue_id = ? ORDER BY l.name, l.id`, is.ID)
	if err != nil {
		t.Fatal(err)
	}
	for lrows.Next() {
		var l store.Label
		if err := lrows.Scan(&l.ID, &l.CompanyID, &l.Name, &l.Color, &l.CreatedAt, &l.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		is.Labels, is.LabelIDs = append(is.Labels, l), append(is.LabelIDs, l.ID)
	}
	lrows.Close()
	want := store.IssueRow{Issue: is}
	var r store.RunSummary
	var trigger, started, finished sql.NullString
	err = db.QueryRow(`SELECT r.id, r.status, r.agent_id, r.invocation_source, r.trigger_detail, r.started_at, r.finished_at, r.created_at
		FROM issues i JOIN heartbeat_runs r ON r.id = i.execution_run_id AND r.status IN ('queued', 'running') WHERE i.id = ?`, is.ID).Scan(
		&r.ID, &r.Status, &r.AgentID, &r.InvocationSource, &trigger, &started, &finished, &r.CreatedAt)
	switch err {
	case nil:
		for src, dst := range map[*sql.NullString]**string{&trigger: &r.TriggerDetail, &started: &r.StartedAt, &finished: &r.FinishedAt} {
			if src.Valid {
				v := src.String
				*dst = &v
			}
		}
		want.ActiveRun = &r
	case sql.ErrNoRows:
	default:
		t.Fatal(err)
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if uc := row.UserContext(); uc != nil {
		extra, err := json.Marshal(uc)
		if err != nil {
			t.Fatal(err)
		}
		b = append(append(b[:len(b)-1], ','), extra[1:]...)
	}
	return b
}
