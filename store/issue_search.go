package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
)

// The issue search (q=, issues.md §3) is a case-insensitive substring match over
// title, identifier, description and comment bodies, ranked under the default sort
// by match quality: title prefix, title contains, identifier prefix, identifier
// contains, description, comment; then the default order.
//
// Written as one query (the scan, still used for terms the index cannot answer) every
// matching issue is found, its comments read, its rank computed and all of them
// sorted before the first page can be cut: a common word in a company of 100 000
// issues meant most of the company. The trigram index of migration 0009 keeps each
// field in its own table or column, so a search asks one rank at a time, best first,
// for at most the rows still missing from the page, and stops once the page is full.
// A common word then fills the page from titles and never reads a comment. Within a
// rank the candidates are either read by id and sorted (few of them) or the company's
// default-order index is walked until the page is full (many of them, a short page).
//
// The ranks run as separate statements, not one snapshot: a write landing between
// them can show the page as of a moment later in the request, as any two reads do.

// searchGroup is one rank of the ranked search: the issues whose best match has that
// rank, in the default order. Each issue falls in exactly one group: cond re-checks
// the match with LIKE and excludes the better ranks.
type searchGroup struct {
	// table is the FTS5 table of the field and match its MATCH expression for the
	// quoted phrase; the index finds a superset of the group, cond cuts it exact.
	table string
	match func(phrase string) string
	cond  string
	// condArgs are cond's arguments from the contains and the prefix pattern.
	condArgs func(pat, prefix string) []any
}

const (
	likeTitle      = `lower(i.title) LIKE ? ESCAPE '\'`
	likeIdentifier = `lower(i.identifier) LIKE ? ESCAPE '\'`
	likeDesc       = `lower(coalesce(i.description, '')) LIKE ? ESCAPE '\'`
)

// searchGroups are the ranks of issues.md §3 in order, but the comment rank, which
// searchCommentGroup answers. The LIKE re-checks keep the answer exactly the scan's:
// the trigram index folds case as Unicode does, so for an ASCII term it finds every
// LIKE match but may also find text with a non-ASCII letter that folds to an ASCII
// one (K, the Kelvin sign, for k), which lower() leaves alone. A prefix rank asks the
// index for the phrase at the start of the column (^).
var searchGroups = []searchGroup{
	{table: "issue_search_titles", match: func(p string) string { return "title : ^" + p },
		cond: likeTitle, condArgs: func(pat, prefix string) []any { return []any{prefix} }},
	{table: "issue_search_titles", match: func(p string) string { return "title : " + p },
		cond: likeTitle + ` AND NOT ` + likeTitle, condArgs: func(pat, prefix string) []any { return []any{pat, prefix} }},
	{table: "issue_search_titles", match: func(p string) string { return "identifier : ^" + p },
		cond: likeIdentifier + ` AND NOT ` + likeTitle, condArgs: func(pat, prefix string) []any { return []any{prefix, pat} }},
	{table: "issue_search_titles", match: func(p string) string { return "identifier : " + p },
		cond:     likeIdentifier + ` AND NOT ` + likeIdentifier + ` AND NOT ` + likeTitle,
		condArgs: func(pat, prefix string) []any { return []any{pat, prefix, pat} }},
	{table: "issue_search_texts", match: func(p string) string { return p },
		cond:     likeDesc + ` AND NOT ` + likeTitle + ` AND NOT ` + likeIdentifier,
		condArgs: func(pat, prefix string) []any { return []any{pat, pat, pat} }},
}

// searchCommentCandidates are the issues with a comment that matches, re-checked on
// the comment itself (one row per matching comment, not every comment of the issue).
// An ASCII-only comment (d.ascii, kept by the triggers of 0009) needs no re-check:
// for ASCII text and an ASCII term the trigram phrase match is exactly the LIKE
// match, and not reading the comment halves the cost of each candidate.
const searchCommentCandidates = `SELECT DISTINCT d.issue_id FROM issue_search_comments s CROSS JOIN issue_search_docs d ON d.id = s.rowid
	WHERE issue_search_comments MATCH ? AND (d.ascii OR EXISTS (SELECT 1 FROM issue_comments c WHERE c.id = d.source_id AND lower(c.body) LIKE ? ESCAPE '\'))`

// searchCommentCond: the comment rank is what matches nowhere else.
const searchCommentCond = `NOT ` + likeTitle + ` AND NOT ` + likeIdentifier + ` AND NOT ` + likeDesc

// rankedSearch is the ranked search of one list request: the list's other filters
// (with/withArgs, where/args), its default order and the term.
type rankedSearch struct {
	with, filters       string
	withArgs, args      []any
	order               string
	phrase, pat, prefix string
	need                int
	companyIssues       func() (int, error)
	plan                *[]searchQuery
}

// searchQuery is one statement of a ranked search and its arguments.
type searchQuery struct {
	query string
	args  []any
}

// byLookup reads the group's candidates (FTS rowids, as JSON) one by one by id and
// sorts the ones that pass: the way for few candidates. The candidates drive the join
// (CROSS JOIN fixes the order) and the unary + keeps the default-order index out of
// the ORDER BY: left to itself SQLite walked one of the company's indexes through
// every issue and probed the candidates.
func (r *rankedSearch) byLookup(g searchGroup, rowids string, limit int) searchQuery {
	a := append(append(append([]any{}, r.withArgs...), rowids), r.args...)
	a = append(append(a, g.condArgs(r.pat, r.prefix)...), limit)
	return searchQuery{query: r.with + `SELECT i.id FROM json_each(?) j CROSS JOIN issue_search_docs d ON d.id = j.value
		CROSS JOIN issues i ON i.id = d.issue_id WHERE ` + r.filters + ` AND ` + g.cond + ` ORDER BY +` + strings.TrimPrefix(r.order, "+") + ` LIMIT ?`, args: a}
}

// byWalk walks the company's issues in the default order (its index) and keeps the
// candidates until the page is full: the way for many candidates and a short page, as
// a common word in titles with the palette's limit of 10. The + on i.id keeps SQLite
// from turning the candidates into the outer loop.
func (r *rankedSearch) byWalk(g searchGroup, rowids string, limit int) searchQuery {
	a := append(append(append([]any{}, r.withArgs...), r.args...), rowids)
	a = append(append(a, g.condArgs(r.pat, r.prefix)...), limit)
	return searchQuery{query: r.with + `SELECT i.id FROM issues i WHERE ` + r.filters + ` AND +i.id IN (SELECT d.issue_id FROM json_each(?) j
		CROSS JOIN issue_search_docs d ON d.id = j.value) AND ` + g.cond + ` ORDER BY ` + r.order + ` LIMIT ?`, args: a}
}

// comments is the comment rank's statement: its candidates are few whenever the
// better ranks did not fill the page, so it always reads them by id.
func (r *rankedSearch) comments(limit int) searchQuery {
	a := append(append(append([]any{}, r.withArgs...), r.phrase, r.pat), r.args...)
	a = append(a, r.pat, r.pat, r.pat, limit)
	return searchQuery{query: r.with + `SELECT i.id FROM (` + searchCommentCandidates + `) m CROSS JOIN issues i ON i.id = m.issue_id
		WHERE ` + r.filters + ` AND ` + searchCommentCond + ` ORDER BY +` + strings.TrimPrefix(r.order, "+") + ` LIMIT ?`, args: a}
}

// walkPays says whether walking the default order beats reading n candidates by id
// for a page of need: a walk reads about need*issues/n index entries, in order, and
// a lookup n rows at random, each costing about as much as walkEntriesPerLookup
// entries (measured on 100 000 issues).
func walkPays(n, need, issues int) bool {
	const walkEntriesPerLookup = 30
	return n*n*walkEntriesPerLookup > need*issues
}

// run answers the search rank by rank and returns the ids of the first need matches
// in rank order, stopping as soon as it has them.
func (r *rankedSearch) run(ctx context.Context, s *Store) ([]string, error) {
	var ids []string
	issues := -1
	exec := func(q searchQuery) error {
		if r.plan != nil {
			*r.plan = append(*r.plan, q)
		}
		got, err := queryAll(ctx, s.reader, scanString, q.query, q.args...)
		ids = append(ids, got...)
		return err
	}
	for _, g := range searchGroups {
		rowids, err := queryAll(ctx, s.reader, scanInt64, `SELECT rowid FROM `+g.table+` WHERE `+g.table+` MATCH ?`, g.match(r.phrase))
		if err != nil {
			return nil, err
		}
		if len(rowids) == 0 && r.plan == nil {
			continue
		}
		limit := r.need - len(ids)
		list := rowidJSON(rowids)
		q := r.byLookup(g, list, limit)
		if len(rowids) > limit { // else the page takes every candidate: nothing to walk past
			if issues < 0 {
				if issues, err = r.companyIssues(); err != nil {
					return nil, err
				}
			}
			if walkPays(len(rowids), limit, issues) {
				q = r.byWalk(g, list, limit)
			}
		}
		if r.plan != nil {
			*r.plan = append(*r.plan, r.byWalk(g, list, limit)) // both shapes, for the plan test
		}
		if err := exec(q); err != nil {
			return nil, err
		}
		if len(ids) >= r.need {
			return ids, nil
		}
	}
	return ids, exec(r.comments(r.need - len(ids)))
}

func scanInt64(sc scanner) (int64, error) {
	var v int64
	err := sc.Scan(&v)
	return v, err
}

func rowidJSON(rowids []int64) string {
	b := make([]byte, 0, 2+len(rowids)*8)
	b = append(b, '[')
	for i, v := range rowids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return string(append(b, ']'))
}

// searchPageCTE names the ids of a ranked search's page in their order, for the list
// query to read the rows by.
const searchPageCTE = `WITH page(pos, id) AS (SELECT key, value FROM json_each(?)) `

func searchPageJSON(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// searchAnyCondition is the exact search condition for an indexed term when the list
// is not ranked (sortField=updated or created): any field, by the index, re-checked
// with LIKE; comments only through their own matches instead of reading every comment
// of every candidate. Its arguments are phrase, pat ×3, phrase, phrase, pat.
const searchAnyCondition = `((i.id IN (SELECT d.issue_id FROM issue_search_titles s CROSS JOIN issue_search_docs d ON d.id = s.rowid
		WHERE issue_search_titles MATCH ? UNION ALL SELECT d.issue_id FROM issue_search_texts s CROSS JOIN issue_search_docs d ON d.id = s.rowid
		WHERE issue_search_texts MATCH ?) AND (` + likeTitle + ` OR ` + likeIdentifier + ` OR ` + likeDesc + `))
	OR i.id IN (` + searchCommentCandidates + `))`

func searchAnyArgs(phrase, pat string) []any {
	return []any{phrase, phrase, pat, pat, pat, phrase, pat}
}
