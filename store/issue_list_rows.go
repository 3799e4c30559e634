package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
)

// The issue list is the store's widest read: a page is 500 rows of 32 columns. A
// profile of FindIssues against BenchmarkFloorScan500 (the same rows and columns,
// scanned and nothing else) put 87 % of its time in scanning rows and 12 % in the
// labels query. What the list did beyond the floor, and what it does now:
//
//   - each row built fresh Scan destinations (a slice, a closure, 34 NullStrings
//     that escaped one by one, a slice regrown by append) — issueRowScanner keeps
//     one set for the whole query;
//   - the live run was a LEFT JOIN adding eight columns to every row (and to every
//     record of the ORDER BY sorter), though only issues an agent is working on
//     have one — loadLiveRuns reads them for those rows alone, by primary key;
//   - the labels query listed the page's ids as IN (?, ?, …), a text that changes
//     with the page length, so it was parsed on every call and never cached — it now
//     passes the ids as one JSON array (loadIssueLabels);
//   - substr() copied every description to cut it at 1200 characters — the cut now
//     runs only for descriptions longer than 1200 bytes (listDescriptionSQL).

// listDescriptionSQL cuts the description column col to maxListDescription characters
// in SQL, so a long one is not read whole only to be cut. octet_length reads only the
// stored length, not the text: a description of at most that many bytes has at most
// that many characters and is selected as it is, which is what substr would return.
func listDescriptionSQL(col string) string {
	n := strconv.Itoa(maxListDescription)
	return `CASE WHEN octet_length(` + col + `) > ` + n + ` THEN substr(` + col + `, 1, ` + n + `) ELSE ` + col + ` END`
}

// issueRowScanner scans the rows of one list query into one set of destinations;
// each row is then copied out, so a page costs the strings it holds and not a fresh
// set of Scan targets per row.
type issueRowScanner struct {
	is              Issue
	dest            []any
	finish          func()
	tc, tm, tr, ext sql.NullString
	userContext     bool
}

func newIssueRowScanner(userContext bool) *issueRowScanner {
	sc := &issueRowScanner{userContext: userContext}
	dest, finish := issueScanTargets(&sc.is)
	if userContext {
		dest = append(dest, &sc.tc, &sc.tm, &sc.tr, &sc.ext)
	}
	sc.dest, sc.finish = dest, finish
	return sc
}

// scan reads the current row of rows into row.
func (sc *issueRowScanner) scan(rows *sql.Rows, row *IssueRow) error {
	// finish sets every nullable field but the adapter overrides, which it sets only
	// when present: clear them so no row inherits the previous one's.
	sc.is.AssigneeAdapterOverrides = nil
	if err := rows.Scan(sc.dest...); err != nil {
		return err
	}
	sc.finish()
	row.Issue = sc.is
	if d := row.Description; d != nil && len(*d) > maxListDescription {
		t := truncateRunes(*d, maxListDescription)
		row.Description = &t
	}
	if sc.userContext {
		uc := &IssueUserContext{LastExternalCommentAt: strPtr(sc.ext)}
		for _, t := range [...]sql.NullString{sc.tc, sc.tm, sc.tr} {
			if t.Valid && (uc.MyLastTouchAt == nil || t.String > *uc.MyLastTouchAt) {
				v := t.String
				uc.MyLastTouchAt = &v
			}
		}
		uc.IsUnreadForMe = uc.LastExternalCommentAt != nil && (uc.MyLastTouchAt == nil || *uc.MyLastTouchAt < *uc.LastExternalCommentAt)
		row.user = uc
	}
	return nil
}

// queryIssueRows runs a list query and scans its rows; sizeHint is the expected
// number of rows (the page length), so the slice is allocated once.
func queryIssueRows(ctx context.Context, q querier, userContext bool, sizeHint int, query string, args ...any) ([]IssueRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]IssueRow, 0, min(max(sizeHint, 0), 1000))
	sc := newIssueRowScanner(userContext)
	for rows.Next() {
		out = append(out, IssueRow{})
		if err := sc.scan(rows, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// jsonStrings is ids as one JSON array, the single argument of a json_each(?) IN
// list: the statement text stays the same for any number of ids, so it is prepared
// once and cached, where IN (?, ?, …) was parsed anew for every page length.
func jsonStrings(ids []string) string {
	b, _ := json.Marshal(ids) // a []string always encodes
	return string(b)
}

// liveRunsSQL reads the live runs among a JSON array of run ids.
const liveRunsSQL = `SELECT id, status, agent_id, invocation_source, trigger_detail, started_at, finished_at, created_at
	FROM heartbeat_runs WHERE id IN (SELECT value FROM json_each(?)) AND status IN ` + liveRunStatuses

// loadLiveRuns fills ActiveRun of the rows whose execution run is live (queued or
// running), by primary key; most rows have no execution run and cost nothing here.
func loadLiveRuns(ctx context.Context, q querier, rows []IssueRow) error {
	byRun := map[string][]*IssueRow{}
	var ids []string
	for i := range rows {
		if id := rows[i].ExecutionRunID; id != nil {
			if byRun[*id] == nil {
				ids = append(ids, *id)
			}
			byRun[*id] = append(byRun[*id], &rows[i])
		}
	}
	if len(ids) == 0 {
		return nil
	}
	runs, err := queryAll(ctx, q, func(sc scanner) (RunSummary, error) {
		var r RunSummary
		var trigger, started, finished sql.NullString
		err := sc.Scan(&r.ID, &r.Status, &r.AgentID, &r.InvocationSource, &trigger, &started, &finished, &r.CreatedAt)
		r.TriggerDetail, r.StartedAt, r.FinishedAt = strPtr(trigger), strPtr(started), strPtr(finished)
		return r, err
	}, liveRunsSQL, jsonStrings(ids))
	if err != nil {
		return err
	}
	for _, r := range runs {
		for _, row := range byRun[r.ID] {
			run := r
			row.ActiveRun = &run
		}
	}
	return nil
}
