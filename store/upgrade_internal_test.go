package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Fixture ids of testdata/upgrade/v0001.sql.
const (
	upCompany  = "01900000-0000-7000-8000-000000000101"
	upCompanyB = "01900000-0000-7000-8000-000000000102"
	upCEO      = "01900000-0000-7000-8000-000000000201"
	upDev      = "01900000-0000-7000-8000-000000000202"
	upParent   = "01900000-0000-7000-8000-000000000501"
	upChild    = "01900000-0000-7000-8000-000000000502"
	upRun      = "01900000-0000-7000-8000-000000000901"
	upToken    = "pcp_upgrade_fixture_v1_token"
)

// TestUpgradeFromEveryEarlierSchema builds a populated database at every schema
// version before the newest (running only the migrations up to it, then the fixture
// rows that schema allowed), takes the pre-migration backup as `paperclip run` does,
// upgrades with Open and checks that every row survived column for column and still
// means the same through the store's finders. The backup then restores to exactly the
// pre-upgrade database, which upgrades again.
func TestUpgradeFromEveryEarlierSchema(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 {
		t.Skip("only one schema version")
	}
	ctx := context.Background()
	for i := range len(ms) - 1 {
		old := ms[:i+1]
		v := old[len(old)-1].version
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "db", "paperclip.db")
			buildAtVersion(t, path, old, upgradeFixture(t, v))
			before := dumpDatabase(t, path)

			version, pending, err := PendingMigrations(ctx, path)
			if err != nil || version != v || pending != len(ms)-len(old) {
				t.Fatalf("PendingMigrations = v%d, %d pending (%v); want v%d, %d", version, pending, err, v, len(ms)-len(old))
			}
			backup, _, err := Backup(ctx, path, filepath.Join(dir, "backups"), fmt.Sprintf("paperclip-pre-migrate-%d", v), time.Now())
			if err != nil {
				t.Fatal(err)
			}

			s, err := Open(ctx, path, Options{})
			if err != nil {
				t.Fatalf("upgrade from v%d: %v", v, err)
			}
			if s.Applied != pending {
				t.Errorf("applied %d migrations, want %d", s.Applied, pending)
			}
			if cur, _ := s.CurrentSchemaVersion(ctx); cur != SchemaVersion() {
				t.Errorf("schema v%d after upgrade, want v%d", cur, SchemaVersion())
			}
			checkRowsSurvived(t, before, dumpDatabase(t, path))
			checkFixtureMeaning(t, s)
			s.Close()
			if err := QuickCheck(ctx, path); err != nil {
				t.Fatal(err)
			}

			tmp, bv, err := PrepareRestore(ctx, backup, filepath.Dir(path))
			if err != nil || bv != v {
				t.Fatalf("pre-migration backup: v%d, %v", bv, err)
			}
			if _, err := ReplaceDatabase(ctx, path, tmp, time.Now()); err != nil {
				t.Fatal(err)
			}
			if restored := dumpDatabase(t, path); !reflect.DeepEqual(restored, before) {
				t.Fatalf("restored backup differs from the database it was taken of")
			}
			s, err = Open(ctx, path, Options{})
			if err != nil {
				t.Fatalf("upgrade of the restored backup: %v", err)
			}
			defer s.Close()
			checkFixtureMeaning(t, s)
		})
	}
}

// TestEveryEarlierSchemaHasAFixture: the newest fixture at or below each earlier
// version must apply to that schema, so a migration that breaks the old fixture's
// SQL forces a new fixture instead of silently testing an empty database.
func TestEveryEarlierSchemaHasAFixture(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(ms) - 1 {
		v := ms[i].version
		buildAtVersion(t, filepath.Join(t.TempDir(), "paperclip.db"), ms[:i+1], upgradeFixture(t, v))
	}
}

// upgradeFixture reads the newest testdata/upgrade/vNNNN.sql written for a schema at
// or before version v.
func upgradeFixture(t *testing.T, v int) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "upgrade", "v*.sql"))
	best, bestV := "", 0
	for _, f := range files {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "v"), ".sql"))
		if err == nil && n <= v && n > bestV {
			best, bestV = f, n
		}
	}
	if best == "" {
		t.Fatalf("no testdata/upgrade fixture for schema v%d", v)
	}
	data, err := os.ReadFile(best)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// buildAtVersion creates the database at path with only the migrations ms, by the
// production migration code, then runs the fixture SQL against it.
func buildAtVersion(t *testing.T, path string, ms []migration, fixture string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := migrateTo(ctx, db, ms); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, fixture); err != nil {
		t.Fatalf("fixture does not apply to schema v%d: %v", ms[len(ms)-1].version, err)
	}
	var violations int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&violations); err != nil || violations != 0 {
		t.Fatalf("fixture breaks %d foreign keys (%v)", violations, err)
	}
}

// tableDump is every row of one table keyed by its primary key (or rowid), each row
// a column → value map.
type tableDump map[string]map[string]any

// dumpDatabase reads every row of every table of the file at path.
func dumpDatabase(t *testing.T, path string) map[string]tableDump {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]tableDump{}
	for _, table := range tables {
		var pk []string
		info, err := db.Query(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table)
		if err != nil {
			t.Fatal(err)
		}
		for info.Next() {
			var n string
			info.Scan(&n)
			pk = append(pk, n)
		}
		info.Close()
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		dump := tableDump{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]any{}
			for i, c := range cols {
				if b, ok := vals[i].([]byte); ok {
					vals[i] = string(b)
				}
				row[c] = vals[i]
			}
			var key []string
			for _, c := range pk {
				key = append(key, fmt.Sprint(row[c]))
			}
			dump[strings.Join(key, "|")] = row
		}
		rows.Close()
		out[table] = dump
	}
	return out
}

// replacedTables are tables a later migration drops because another holds what they
// held: 0009 replaces 0007's one search index (the FTS5 table and its shadow tables)
// by one per field, rebuilt from the rows; checkFixtureMeaning searches through it.
var replacedTables = map[string]bool{"issue_search": true, "issue_search_config": true, "issue_search_data": true,
	"issue_search_idx": true, "issue_search_docsize": true}

// checkRowsSurvived: every table, row and column of before is in after with the same
// value. Tables, rows and columns a migration adds are allowed. A migration that must
// rewrite a value would list it here with the reason, and its test would check the
// new meaning instead.
func checkRowsSurvived(t *testing.T, before, after map[string]tableDump) {
	t.Helper()
	n, tables := 0, 0
	for table, rows := range before {
		if table == "schema_migrations" {
			continue // grows by design
		}
		if len(rows) > 0 {
			tables++
		}
		now, ok := after[table]
		if !ok && replacedTables[table] {
			continue
		}
		if !ok {
			t.Errorf("table %s was dropped", table)
			continue
		}
		keys := make([]string, 0, len(rows))
		for k := range rows {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			got, ok := now[k]
			if !ok {
				t.Errorf("%s row %s lost", table, k)
				continue
			}
			for col, want := range rows[k] {
				if g, ok := got[col]; !ok || !reflect.DeepEqual(g, want) {
					t.Errorf("%s row %s column %s: %v, was %v", table, k, col, g, want)
				}
			}
			n++
		}
	}
	if n < 40 {
		t.Fatalf("only %d fixture rows compared; the fixture did not load", n)
	}
	t.Logf("%d rows of %d tables survived the upgrade", n, tables)
}

// checkFixtureMeaning reads the fixture back through the store's finders, as the API
// does, and checks what each row means: the JSON the API would answer and the rules
// that depend on the rows (issue counter, key hashes, run locks, revisions).
func checkFixtureMeaning(t *testing.T, s *Store) {
	t.Helper()
	ctx := NewContextWithActor(context.Background(), Actor{Kind: ActorBoard, Source: "local_implicit", UserID: LocalBoardUserID, InstanceAdmin: true})
	has := func(what string, v any, err error, want ...string) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		raw, _ := json.Marshal(v)
		for _, w := range want {
			if !strings.Contains(string(raw), w) {
				t.Errorf("%s lacks %s:\n%s", what, w, raw)
			}
		}
	}
	c, err := s.FindCompanyByID(ctx, upCompany)
	has("company", c, err, `"name":"Paper Mill"`, `"issuePrefix":"PAP"`, `"issueCounter":3`, `"budgetMonthlyCents":50000`,
		`"requireBoardApprovalForNewAgents":true`, `"brandColor":"#336699"`, `"status":"active"`)
	cb, err := s.FindCompanyByID(ctx, upCompanyB)
	has("paused company", cb, err, `"status":"paused"`, `"pauseReason":"manual"`)

	dev, err := s.FindAgentByID(ctx, upDev)
	has("agent", dev, err, `"name":"Dev One"`, `"role":"engineer"`, `"status":"running"`, `"reportsTo":"`+upCEO+`"`)
	ceo, err := s.FindAgentByID(ctx, upCEO)
	has("ceo", ceo, err, `"role":"ceo"`, `"canCreateAgents":true`, `"command":"echo"`)
	auth, err := s.ResolveAgentKey(ctx, upToken)
	if err != nil || auth.Agent.ID != upDev {
		t.Errorf("fixture key no longer authenticates its agent: %+v %v", auth, err)
	}
	keys, err := s.FindAgentKeys(ctx, upDev)
	if err != nil || len(keys) != 2 {
		t.Errorf("agent keys: %d (%v)", len(keys), err)
	}

	child, err := s.FindIssueByID(ctx, "PAP-2")
	has("in-progress issue", child, err, `"id":"`+upChild+`"`, `"parentId":"`+upParent+`"`, `"status":"in_progress"`,
		`"checkoutRunId":"`+upRun+`"`, `"assigneeAgentId":"`+upDev+`"`, `"requestDepth":1`)
	done, err := s.FindIssueByID(ctx, "PAP-3")
	has("done issue", done, err, `"status":"done"`, `"completedAt":"2025-06-01T12:00:00.000Z"`, `"assigneeUserId":"01900000-0000-7000-8000-000000000011"`)
	parent, err := s.FindIssueDetail(ctx, upParent)
	has("issue detail", parent, err, `"identifier":"PAP-1"`, `"priority":"high"`, `"description":"It bends **clips**."`,
		`"billingCode":"R\u0026D"`, `"name":"bug"`, `"projectId":"01900000-0000-7000-8000-000000000d02"`)
	list, err := s.FindIssues(ctx, IssueFilter{CompanyID: upCompany})
	if err != nil || len(list) != 3 {
		t.Errorf("company issues: %d (%v)", len(list), err)
	}
	// The search index (0007, split by field in 0009) is backfilled from the rows the
	// older schema held: a comment's, a title's and a description's words find their
	// issue through it.
	for q, want := range map[string]string{"PLEASE START": upParent, "clip bender": upParent, "IT BENDS": upParent, "bUILD": upParent} {
		found, err := s.FindIssues(ctx, IssueFilter{CompanyID: upCompany, Q: q})
		if err != nil || len(found) != 1 || found[0].ID != want {
			t.Errorf("search %q after the upgrade: %d rows (%v)", q, len(found), err)
		}
	}
	// The dashboard's task counts (0010) are backfilled from the issues the older schema
	// held: PAP-2 in progress, PAP-3 done.
	var tasks DashboardTasks
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE status NOT IN ('done', 'cancelled')),
			COUNT(*) FILTER (WHERE status = 'in_progress'), COUNT(*) FILTER (WHERE status = 'blocked'), COUNT(*) FILTER (WHERE status = 'done')
		FROM issues WHERE company_id = ? AND hidden_at IS NULL`, upCompany).Scan(&tasks.Open, &tasks.InProgress, &tasks.Blocked, &tasks.Done); err != nil {
		t.Fatal(err)
	}
	if d, err := s.FindDashboard(ctx, upCompany); err != nil || d.Tasks != tasks || tasks.InProgress != 1 || tasks.Done != 1 {
		t.Errorf("dashboard tasks after the upgrade %+v (%v), the issues say %+v", d.Tasks, err, tasks)
	}
	// 0011 rebuilds the parent, project, goal, user-assignee, run and agent indexes as
	// partial ones (only rows with a value): the filters that read them still find the
	// fixture's rows, and the root-issue filter (parent_id IS NULL, not in the index)
	// still finds the others.
	for name, f := range map[string]struct {
		filter IssueFilter
		want   []string
	}{
		"children":      {IssueFilter{ParentID: upParent}, []string{upChild}},
		"root issues":   {IssueFilter{ParentNull: true}, []string{upParent, "01900000-0000-7000-8000-000000000503"}},
		"project":       {IssueFilter{ProjectID: "01900000-0000-7000-8000-000000000d02"}, []string{upParent}},
		"goal":          {IssueFilter{GoalID: "01900000-0000-7000-8000-000000000d01"}, []string{upParent}},
		"assignee user": {IssueFilter{AssigneeUserID: "01900000-0000-7000-8000-000000000011"}, []string{"01900000-0000-7000-8000-000000000503"}},
	} {
		f.filter.CompanyID = upCompany
		found, err := s.FindIssues(ctx, f.filter)
		var ids []string
		for _, is := range found {
			ids = append(ids, is.ID)
		}
		sort.Strings(ids)
		if err != nil || !reflect.DeepEqual(ids, f.want) {
			t.Errorf("%s after the upgrade: %v (%v), want %v", name, ids, err, f.want)
		}
	}
	for name, f := range map[string]ActivityFilter{"run": {RunID: upRun}, "agent": {AgentID: upDev}} {
		f.CompanyID = upCompany
		found, err := s.FindActivity(ctx, f)
		if err != nil || len(found) != 1 || found[0].ID != "01900000-0000-7000-8000-000000000c03" {
			t.Errorf("activity of the %s after the upgrade: %+v (%v)", name, found, err)
		}
	}
	comments, err := s.FindComments(ctx, CommentFilter{IssueID: upParent})
	has("comments", comments, err, `Please start, @dev-one — café ☕`, `"authorAgentId":"`+upDev+`"`)
	if len(comments) != 2 {
		t.Errorf("%d comments, want 2", len(comments))
	}
	doc, err := s.FindIssueDocumentByKey(ctx, upParent, "plan")
	has("document", doc, err, `"body":"# Plan v2"`, `"latestRevisionNumber":2`)
	revs, err := s.FindDocumentRevisions(ctx, upParent, "plan")
	has("revisions", revs, err, `"body":"# Plan v1"`, `"changeSummary":"second pass"`)
	approvals, err := s.FindIssueApprovals(ctx, upParent)
	has("linked approvals", approvals, err, `"type":"hire_agent"`, `"status":"pending"`)
	acts, err := s.FindActivity(ctx, ActivityFilter{CompanyID: upCompany})
	has("activity", acts, err, `"action":"company.created"`, `"action":"issue.comment_added"`, `"runId":"`+upRun+`"`)
	run, err := s.FindHeartbeatRunByID(ctx, upRun)
	has("run", run, err, `"status":"running"`, `"invocationSource":"assignment"`)

	// Spend of a whole month is read from the rollups (0005 backfills them from the
	// cost events an older schema held), so June 2025 must still cost 234 cents.
	from, to := MonthWindow(time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC))
	spend, err := s.FindCostSummary(ctx, upCompany, CostRange{From: from, To: to})
	has("june spend", spend, err, `"spendCents":234`)

	// The counter still numbers new issues after the fixture's.
	created, err := s.CreateIssue(ctx, upCompany, IssueInput{Title: Some("After the upgrade")})
	has("new issue", created, err, `"identifier":"PAP-4"`)
}

// TestMigrationNumberedBelowTheNewestStillApplies: a database that recorded every
// migration but one in the middle (a number reserved for parallel work that landed
// later) gets that one applied on open, and PendingMigrations counts it.
func TestMigrationNumberedBelowTheNewestStillApplies(t *testing.T) {
	ms, err := migrations()
	if err != nil || len(ms) < 3 {
		t.Skip("needs three migrations")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db", "paperclip.db")
	gap := ms[len(ms)-2]
	var without []migration
	for _, m := range ms {
		if m.version != gap.version {
			without = append(without, m)
		}
	}
	buildAtVersion(t, path, without, "")
	if _, pending, err := PendingMigrations(ctx, path); err != nil || pending != 1 {
		t.Fatalf("pending = %d (%v), want 1 (v%d)", pending, err, gap.version)
	}
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Applied != 1 {
		t.Fatalf("applied %d migrations, want v%d alone", s.Applied, gap.version)
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, gap.version).Scan(&n); err != nil || n != 1 {
		t.Fatalf("v%d recorded %d times (%v)", gap.version, n, err)
	}
}
