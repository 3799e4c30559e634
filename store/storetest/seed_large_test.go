package storetest_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"paperclip/store"
	"paperclip/store/storetest"
)

// schema lists the database's schema objects (name and CREATE text), sorted.
func schema(t *testing.T, st *store.Store) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+st.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// The seed drops indexes and triggers for its bulk load and writes rows without the
// store; this checks it leaves what the store would have: the same schema, consistent
// files and keys, the counter, activity, rollups and search index of its rows.
func TestSeedLargeLeavesWhatTheStoreWould(t *testing.T) {
	ctx := storetest.Board()
	path := filepath.Join(t.TempDir(), "db", "paperclip.db")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := schema(t, st)
	st.Close()
	spec := storetest.LargeSpec{Issues: 230, Comments: 1010, Agents: 12, CostEvents: 150, Projects: 3, KeyedAgents: 2}
	co, err := storetest.SeedLarge(ctx, path, spec)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = store.Open(ctx, path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The seed left WAL mode for its load; the file must be back in it.
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q (%v), want wal", mode, err)
	}
	// And it left no scratch files of its search build beside the database.
	if files, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "seed-scratch-*")); len(files) > 0 {
		t.Errorf("scratch files left: %q", files)
	}
	if after := schema(t, st); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("schema changed by the seed:\nbefore %q\nafter  %q", before, after)
	}
	for _, q := range []string{`PRAGMA integrity_check`, `PRAGMA foreign_key_check`} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		var bad []string
		for rows.Next() {
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			if len(vals) == 1 && vals[0] == "ok" {
				continue
			}
			bad = append(bad, fmt.Sprint(vals...))
		}
		rows.Close()
		if len(bad) > 0 {
			t.Errorf("%s: %q", q, bad)
		}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	cid := co.Company.ID
	for q, want := range map[string]int{
		`SELECT count(*) FROM issues WHERE company_id = ?`:                                                   spec.Issues,
		`SELECT count(*) FROM issue_comments WHERE company_id = ?`:                                           spec.Comments,
		`SELECT count(*) FROM agents WHERE company_id = ?`:                                                   spec.Agents,
		`SELECT count(*) FROM company_memberships WHERE company_id = ? AND principal_type = 'agent'`:         spec.Agents,
		`SELECT count(*) FROM principal_permission_grants WHERE company_id = ? AND principal_type = 'agent'`: spec.Agents,
		`SELECT count(*) FROM cost_events WHERE company_id = ?`:                                              spec.CostEvents,
		`SELECT count(*) FROM activity_log WHERE company_id = ? AND action = 'issue.created'`:                spec.Issues,
		`SELECT count(*) FROM activity_log WHERE company_id = ? AND action = 'issue.comment_added'`:          spec.Comments,
		`SELECT count(*) FROM heartbeat_runs WHERE company_id = ? AND status = 'running'`:                    spec.KeyedAgents,
		// The dashboard's visible issues by status (0010): every seeded issue is visible.
		`SELECT sum(visible) FROM issue_status_counts WHERE company_id = ?`: spec.Issues,
		// Every lifetime rollup equals its events' sum (0005 keeps them so).
		`SELECT count(*) FROM cost_rollups r WHERE r.company_id = ? AND r.period = 'lifetime' AND r.scope_type = 'agent'
			AND r.cost_cents = (SELECT sum(cost_cents) FROM cost_events e WHERE e.agent_id = r.scope_id)`: spec.Agents,
	} {
		if got := count(q, cid); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	// The counter continues after the seeded identifiers.
	is, err := st.CreateIssue(ctx, cid, store.IssueInput{Title: store.Some("After the seed")})
	if err != nil {
		t.Fatal(err)
	}
	if want := co.Company.IssuePrefix + "-231"; is.Identifier != want {
		t.Fatalf("next identifier %s, want %s", is.Identifier, want)
	}
	// The search finds seeded issues by their title and by their comments' text.
	var title, body, commented string
	if err := db.QueryRow(`SELECT title FROM issues WHERE company_id = ? AND issue_number = 7`, cid).Scan(&title); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT body, issue_id FROM issue_comments WHERE company_id = ? LIMIT 1`, cid).Scan(&body, &commented); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{title: co.Company.IssuePrefix + "-7", body: commented} {
		got, err := st.FindIssues(ctx, store.IssueFilter{CompanyID: cid, Q: q, IncludeHidden: true})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range got {
			found = found || x.Identifier == want || x.ID == want
		}
		if !found {
			t.Errorf("search %q: %d issues, not %s", q, len(got), want)
		}
	}
	// The seeded search index sits where the migration's optimize leaves one: the next
	// writes' small segments merge among themselves and leave the seeded one alone. On
	// level 0 it was rewritten inside one of the first writes (a stall of seconds at
	// full size). A segment's id is its _data rows' id >> 37 (lower ids are the
	// index's own records); ids are reused, so a segment is known by its id, pages and
	// bytes.
	segments := func() map[string]bool {
		rows, err := db.Query(`SELECT id >> 37, count(*), sum(length(block)) FROM issue_search_comments_data WHERE id >= 1 << 37 GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var id, pages, bytes int64
			rows.Scan(&id, &pages, &bytes)
			out[fmt.Sprint(id, pages, bytes)] = true
		}
		return out
	}
	seeded := segments()
	if len(seeded) != 1 {
		t.Fatalf("comment index has %d segments after the seed, want 1", len(seeded))
	}
	for i := range 200 {
		if _, err := st.CreateComment(ctx, fmt.Sprintf("%s-%d", co.Company.IssuePrefix, 1+i%20), store.CommentInput{Body: store.Some(fmt.Sprint("later comment ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	for seg := range seeded {
		if !segments()[seg] {
			t.Errorf("the seeded comment index (segment, pages, bytes: %s) was merged away by 200 comment writes", seg)
		}
	}
	if len(co.Keys) != spec.KeyedAgents || len(co.Runs) != spec.KeyedAgents {
		t.Errorf("%d keys, %d runs, want %d", len(co.Keys), len(co.Runs), spec.KeyedAgents)
	}
}
