package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"paperclip/store"
	"paperclip/store/storetest"
)

// searchDoc is what the oracle searches: an issue's fields and comment bodies.
type searchDoc struct {
	id, title, identifier, description string
	comments                           []string
}

// oracle is issues.md §3 written out: case-insensitive (ASCII, as SQLite's lower())
// substring over title, identifier, description and comments.
func oracle(docs []searchDoc, q string) []string {
	lq := strings.ToLower(q)
	low := func(s string) string { // SQLite's lower() folds ASCII only
		b := []byte(s)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 32
			}
		}
		return string(b)
	}
	var out []string
	for _, d := range docs {
		hit := strings.Contains(low(d.title), lq) || strings.Contains(low(d.identifier), lq) || strings.Contains(low(d.description), lq)
		for _, c := range d.comments {
			hit = hit || strings.Contains(low(c), lq)
		}
		if hit {
			out = append(out, d.id)
		}
	}
	sort.Strings(out)
	return out
}

func searchIDs(t *testing.T, s *store.Store, companyID, q string) []string {
	t.Helper()
	rows, err := s.FindIssues(context.Background(), store.IssueFilter{CompanyID: companyID, Q: q, Limit: 1000})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	ids := []string{}
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids
}

// TestSearchIndexAnswersLikeTheScan: for every term, indexed (ASCII, 3+ characters)
// or not, the search returns exactly the issues the spec's substring rule selects,
// including LIKE metacharacters, quotes, mixed case, text spanning a field boundary
// (which must not match) and non-ASCII text; and it keeps up with creates, comments,
// title edits and deletes in the transactions that make them.
func TestSearchIndexAnswersLikeTheScan(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Search")
	other := mustCompany(t, s, "Elsewhere")
	texts := []struct{ title, desc string }{
		{"Fix the Login Outage", "users cannot sign in"},
		{"Write docs", "100% done_soon \"quoted\" text"},
		{"Café menu", "Crème brûlée for ÉTÉ"},
		{"Zebra crossing", ""},
		{"ab", "x"},
	}
	var docs []searchDoc
	for i, tx := range texts {
		in := store.IssueInput{Title: store.Some(tx.title)}
		if tx.desc != "" {
			in.Description = store.Some(tx.desc)
		}
		is := mustIssue(t, s, ctx, c.ID, in)
		docs = append(docs, searchDoc{id: is.ID, title: tx.title, identifier: is.Identifier, description: tx.desc})
		body := fmt.Sprintf("Comment %d mentions PostgreSQL and 'apostrophes'", i)
		if _, err := s.CreateComment(ctx, is.ID, store.CommentInput{Body: store.Some(body)}); err != nil {
			t.Fatal(err)
		}
		docs[i].comments = append(docs[i].comments, body)
	}
	// The same words in another company never leak into this one's results.
	mustIssue(t, s, ctx, other.ID, store.IssueInput{Title: store.Some("Fix the Login Outage elsewhere")})

	terms := []string{"login", "LOGIN OUT", "outage", "sign in", "100%", "done_", "_", "%", `"quoted"`, `"`, "café", "CAFÉ",
		"brûlée", "été", "zebra", "ab", "a", "postgresql", "'apostrophes'", "comment 3", "nothing like this",
		"outage\n", "age" + "\n" + docs[0].identifier[:2], strings.ToLower(docs[2].identifier), docs[3].identifier[:3]}
	check := func(when string) {
		t.Helper()
		for _, q := range terms {
			if got, want := searchIDs(t, s, c.ID, q), oracle(docs, strings.TrimSpace(q)); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("%s: q=%q: got %v, want %v", when, q, got, want)
			}
		}
	}
	check("created")

	// A title edit re-indexes the issue: the old words stop matching.
	if _, err := s.UpdateIssue(ctx, docs[3].id, store.IssuePatch{Title: store.Some("Giraffe crossing")}); err != nil {
		t.Fatal(err)
	}
	docs[3].title = "Giraffe crossing"
	terms = append(terms, "giraffe")
	check("title edited")

	// A status change leaves the index alone (the trigger's WHEN) and still finds it.
	if _, err := s.UpdateIssue(ctx, docs[1].id, store.IssuePatch{Status: store.Some("todo")}); err != nil {
		t.Fatal(err)
	}
	check("status changed")

	// Deleting an issue removes it and, through the cascade, its comments' entries.
	if _, err := s.DeleteIssue(ctx, docs[0].id); err != nil {
		t.Fatal(err)
	}
	docs = docs[1:]
	check("issue deleted")

	db := rawDB(t, s)
	var left int
	if err := db.QueryRow(`SELECT count(*) FROM issue_search_docs d LEFT JOIN issues i ON i.id = d.source_id
		LEFT JOIN issue_comments c ON c.id = d.source_id WHERE i.id IS NULL AND c.id IS NULL`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d search entries outlived their rows (%v)", left, err)
	}
	if err := s.DeleteCompany(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM issue_search_docs`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after the company delete %d search entries remain, want the other company's 1 (%v)", n, err)
	}
	assertSearchMatches(t, db, "elsewhere", 1)
	assertSearchMatches(t, db, "zebra", 0)
}

// assertSearchMatches counts the index's own matches for term in every field's
// table, so a delete that left a stale entry (found by the index, dropped by LIKE)
// still fails.
func assertSearchMatches(t *testing.T, db *sql.DB, term string, want int) {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM issue_search_titles WHERE issue_search_titles MATCH ?1)
		+ (SELECT count(*) FROM issue_search_texts WHERE issue_search_texts MATCH ?1)
		+ (SELECT count(*) FROM issue_search_comments WHERE issue_search_comments MATCH ?1)`, `"`+term+`"`).Scan(&n); err != nil || n != want {
		t.Fatalf("index matches for %q: %d, want %d (%v)", term, n, want, err)
	}
}

// TestSeedLargeSearchIndexAnswersLikeTheScan: the index SeedLarge builds in one pass,
// with the triggers dropped, is the one the triggers would have kept: searches of the
// seeded company return what the LIKE scan returns, rows and order.
func TestSeedLargeSearchIndexAnswersLikeTheScan(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paperclip.db")
	co, err := storetest.SeedLarge(context.Background(), path, storetest.LargeSpec{Issues: 200, Comments: 800, Agents: 4, Projects: 2})
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := boardCtx()
	for _, q := range []string{"billing", "login outage", storetest.SeedWord(77), storetest.SeedWord(1234)[:4], co.Company.IssuePrefix + "-2",
		"fix", "nothing here"} {
		for _, limit := range []int{10, 500} {
			f := store.IssueFilter{CompanyID: co.Company.ID, Q: q, Limit: limit}
			got, err := s.FindIssues(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.FindIssues(ctx, store.ScanSearch(f))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("q=%q limit %d: %d rows, the scan %d (or another order)", q, limit, len(got), len(want))
			}
			if q == "billing" && len(got) < 10 {
				t.Errorf("q=%q finds %d issues; the seed's common words should fill a page", q, len(got))
			}
		}
	}
	// The seed built its index with its own FTS5 settings (all pending terms in memory);
	// the live index keeps the migration's, and is whole.
	db := rawDB(t, s)
	fresh := rawDB(t, MustOpen(t))
	config := func(db *sql.DB, table string) string {
		var kv string
		if err := db.QueryRow(`SELECT group_concat(k || '=' || v, ' ') FROM (SELECT k, v FROM ` + table + `_config ORDER BY k)`).Scan(&kv); err != nil {
			t.Fatal(err)
		}
		return kv
	}
	for _, table := range []string{"issue_search_titles", "issue_search_texts", "issue_search_comments"} {
		if got, want := config(db, table), config(fresh, table); got != want {
			t.Errorf("%s config %q, want the migration's %q", table, got, want)
		}
		if _, err := db.Exec(`INSERT INTO ` + table + ` (` + table + `, rank) VALUES ('integrity-check', 0)`); err != nil {
			t.Errorf("%s integrity-check: %v", table, err)
		}
	}
}
