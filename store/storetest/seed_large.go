package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"paperclip/store"
)

// LargeSpec sizes the company SeedLarge builds.
type LargeSpec struct {
	Issues, Comments, Agents, CostEvents, Projects int
	// KeyedAgents is how many agents get a real API key (the load's heartbeat clients).
	KeyedAgents int
	// Logf, when set, is told how long each phase of the seed took.
	Logf func(format string, args ...any)
}

// LargeCompany is what SeedLarge built.
type LargeCompany struct {
	Company store.Company
	Agents  []string // agent ids, Agents[i] keyed by Keys[i] for i < KeyedAgents
	Keys    []string
	// Runs are running heartbeat runs of the keyed agents, for run JWTs: an agent
	// mutates issues only inside a run.
	Runs     []string
	Projects []string
}

// SeedLarge builds one company of spec's size in the database file at path (created
// and migrated when new) for the load benchmark: the company and the agent keys
// through the store; agents, projects, issues, comments and cost events as the store
// writes them (memberships and grants, identifiers and the company counter, an
// activity row per issue and comment, the cost rollups, the dashboard's status counts
// and the search index), but in one transaction of 100-row INSERTs on its own
// connection, with the bulk tables' indexes and the search triggers dropped for the
// load and re-created in that transaction, since a million store calls would take an
// hour. The search index is built at the same time on other connections and copied in
// (seed_search.go says why), so the database must not index anything yet. Nothing else
// may have the file open: the seed takes it out of WAL mode while it writes. Texts are
// drawn from a fixed vocabulary so searches have realistic hit rates.
func SeedLarge(ctx context.Context, path string, spec LargeSpec) (LargeCompany, error) {
	var out LargeCompany
	board := Board()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return out, err
	}
	err = st.EnsureLocalBoard(ctx)
	if err == nil {
		out.Company, err = st.CreateCompany(board, store.CompanyInput{Name: store.Some("Load Co"), BudgetMonthlyCents: store.Some[int64](10_000_000)})
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = seedRows(ctx, path, spec, &out)
	}
	if err != nil {
		return out, err
	}
	if st, err = store.Open(ctx, path, store.Options{}); err != nil {
		return out, err
	}
	defer st.Close()
	for i := 0; i < spec.KeyedAgents && i < len(out.Agents); i++ {
		k, err := st.CreateAgentKey(board, out.Agents[i], store.AgentKeyInput{Name: store.Some("load")})
		if err != nil {
			return out, err
		}
		out.Keys = append(out.Keys, k.Token)
	}
	return out, st.Close()
}

// seedRows writes the company's rows (all of SeedLarge but the company and the keys).
func seedRows(ctx context.Context, path string, spec LargeSpec, out *LargeCompany) error {
	// The full seed writes 2 GB in one transaction: a cache below that spills pages to
	// the WAL and reads them back (a 2 GB cache, shared with the index builds' sorter,
	// still did). Pages are allocated as used, so a small seed stays small. The
	// transaction is deferred: the scratch files of the search builds are attached to
	// it and only read at the end, and an immediate one would lock them for writing.
	// Foreign keys are not checked, which saves an index lookup per reference (several
	// million): every reference the seed writes is to a row it made, and
	// TestSeedLargeLeavesWhatTheStoreWould runs foreign_key_check on a seeded file.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(off)&_pragma=synchronous(OFF)"+
		"&_pragma=cache_size(-4000000)&_pragma=temp_store(memory)")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// In WAL mode a commit of 2 GB writes every page twice, to the WAL and then into the
	// file at the checkpoint: 40 s of a full seed on a disk that writes 100 MB/s. With
	// the file to itself the seed can use a rollback journal instead, which writes each
	// page once, and keep that journal in memory: it only holds the few pages that
	// existed before the seed, so a failed seed still rolls back.
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA main.journal_mode = MEMORY`).Scan(&mode); err != nil || mode != "memory" {
		return fmt.Errorf("seed: journal_mode %q (%v): the database must not be open elsewhere", mode, err)
	}
	logf := spec.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	phase := time.Now()
	lap := func(what string) {
		logf("seed: %-40s %s", what, time.Since(phase).Round(time.Millisecond))
		phase = time.Now()
	}
	var docBase int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM issue_search_docs`).Scan(&docBase); err != nil {
		return err
	}
	p := newSeedPlan(out.Company, spec, docBase)
	out.Agents, out.Projects = p.agents, p.projects
	scratch, err := os.MkdirTemp(filepath.Dir(path), "seed-scratch-")
	if err != nil {
		return err
	}
	buildCtx, cancel := context.WithCancel(ctx)
	var builds []*scratchBuild
	defer func() {
		cancel()
		finishScratch(conn, scratch, builds)
	}()
	searchTables := p.searchTables()
	for _, t := range searchTables {
		b, err := startSearchBuild(buildCtx, conn, scratch, t)
		if err != nil {
			return err
		}
		builds = append(builds, b)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The search triggers flush the FTS index at every statement's savepoint, which made
	// a bulk seed spend most of its time rewriting index segments. They are dropped for
	// the seed, whose search index is built apart (seed_search.go) and copied in at the
	// end, and the same triggers are created again; all inside this transaction, so
	// nothing else ever sees the schema without them.
	triggers, err := searchTriggers(ctx, tx)
	if err != nil {
		return err
	}
	for name := range triggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			return err
		}
	}
	// The bulk tables' indexes are built once at the end (dropIndexes says why).
	indexes, err := dropIndexes(ctx, tx, "agents", "company_memberships", "principal_permission_grants", "issues",
		"issue_comments", "activity_log", "cost_events")
	if err != nil {
		return err
	}
	c := out.Company
	bulk := func(head, row string) *bulkInsert { return newBulkInsert(ctx, tx, &err, head, row) }
	agentIns := bulk(`INSERT INTO agents (id, company_id, name, url_key, role, status, created_at, updated_at) VALUES `, `(?,?,?,?,?,?,?,?)`)
	memberIns := bulk(`INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at) VALUES `,
		`(?,?,'agent',?,'active','member',?,?)`)
	grantIns := bulk(`INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, created_at, updated_at) VALUES `,
		`(?,?,'agent',?,'tasks:assign',?,?)`)
	projectIns := bulk(`INSERT INTO projects (id, company_id, name, url_key, status, created_at, updated_at) VALUES `, `(?,?,?,?,'in_progress',?,?)`)
	issueIns := bulk(`INSERT INTO issues (id, company_id, project_id, title, normalized_title, description, status, priority, assignee_agent_id,
		issue_number, identifier, created_by_user_id, created_at, updated_at) VALUES `, `(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	commentIns := bulk(`INSERT INTO issue_comments (id, company_id, issue_id, author_agent_id, author_user_id, author_type, body, created_at, updated_at) VALUES `,
		`(?,?,?,?,?,?,?,?,?)`)
	actIns := bulk(`INSERT INTO activity_log (`+activityColumns+`) VALUES `, `(?,?,?,?,?,?,?,?,?,?)`)
	docIns := bulk(`INSERT INTO issue_search_docs (id, source_id, issue_id, ascii) VALUES `, `(?,?,?,?)`)
	costIns := bulk(`INSERT INTO cost_events (id, company_id, agent_id, issue_id, project_id, provider, biller, model, input_tokens, output_tokens,
		cost_cents, occurred_at, created_at) VALUES `, `(?,?,?,?,?,'anthropic','anthropic','claude-sonnet',?,?,?,?,?)`)
	now := store.FormatTime(time.Now().UTC())
	roles := []string{"engineer", "designer", "qa", "researcher"}
	statuses := []string{"idle", "idle", "active", "running", "paused", "error"}
	for i, id := range p.agents {
		name := fmt.Sprintf("Agent %04d", i)
		status := statuses[i%len(statuses)]
		if i < spec.KeyedAgents {
			status = "idle"
		}
		agentIns.add(id, c.ID, name, store.URLKey(name), roles[i%len(roles)], status, now, now)
		memberIns.add(store.NewID(), c.ID, id, now, now)
		grantIns.add(store.NewID(), c.ID, id, now, now)
	}
	for i, id := range p.projects {
		name := fmt.Sprintf("Project %02d", i)
		projectIns.add(id, c.ID, name, store.URLKey(name), now, now)
	}
	for _, b := range []*bulkInsert{agentIns, memberIns, grantIns, projectIns} {
		b.flush()
	}
	prios := []string{"critical", "high", "high", "medium", "medium", "medium", "low", "low"}
	issueStatuses := []string{"backlog", "todo", "todo", "in_review", "blocked", "done", "done", "done", "cancelled", "todo"}
	for i, id := range p.issues {
		title := seedTitle(i)
		var assignee, project any
		if len(p.agents) > 0 && i%5 != 0 {
			assignee = p.agents[i%len(p.agents)]
		}
		if len(p.projects) > 0 {
			project = p.projects[i%len(p.projects)]
		}
		ts := p.at(i, len(p.issues))
		issueIns.add(id, c.ID, project, title, store.NormalizeTitle(title), seedDescription(i), issueStatuses[i%len(issueStatuses)],
			prios[i%len(prios)], assignee, i+1, seedIdentifier(p.prefix, i), store.LocalBoardUserID, ts, ts)
		docIns.add(p.issueDoc(i), id, id, 0)
		actIns.add(p.activityRow(i)...)
	}
	issueIns.flush()
	for i, id := range p.comments {
		issue := p.commentIssue(i)
		ts := p.at(i, len(p.comments))
		var agent, user any = nil, store.LocalBoardUserID
		authorType := "user"
		if a := p.commentAgent(i); a != "" {
			agent, user, authorType = a, nil, "agent"
		}
		body := seedComment(i)
		commentIns.add(id, c.ID, issue, agent, user, authorType, body, ts, ts)
		docIns.add(p.commentDoc(i), id, issue, isASCII(body))
		actIns.add(p.activityRow(len(p.issues) + i)...)
	}
	commentIns.flush()
	docIns.flush()
	actIns.flush()
	lap("rows")
	for i := range spec.CostEvents {
		if len(p.agents) == 0 {
			break
		}
		var issue, project any
		if len(p.issues) > 0 {
			issue = p.issues[i%len(p.issues)]
		}
		if len(p.projects) > 0 {
			project = p.projects[i%len(p.projects)]
		}
		ts := p.at(i, spec.CostEvents)
		costIns.add(store.NewID(), c.ID, p.agents[i%len(p.agents)], issue, project, 1000+i%5000, 200+i%900, 1+i%40, ts, ts)
	}
	costIns.flush()
	for _, create := range indexes {
		if err == nil {
			_, err = tx.ExecContext(ctx, create)
		}
	}
	lap("indexes")
	// The rollups of those events, built as migration 0005 does (the cost-event
	// transaction would have kept them one event at a time).
	for _, scope := range [][2]string{{"'company'", "company_id"}, {"'agent'", "agent_id"}, {"'project'", "project_id"}} {
		for _, period := range []string{"substr(occurred_at, 1, 7)", "'lifetime'"} {
			if err == nil {
				_, err = tx.ExecContext(ctx, `INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
					SELECT company_id, `+scope[0]+`, `+scope[1]+`, `+period+`, SUM(cost_cents), COUNT(*) FROM cost_events
					WHERE company_id = ? AND `+scope[1]+` IS NOT NULL GROUP BY company_id, `+scope[1]+`, `+period, c.ID)
			}
		}
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `UPDATE companies SET issue_counter = ? WHERE id = ?`, spec.Issues, c.ID)
	}
	runIns := bulk(`INSERT INTO heartbeat_runs (id, company_id, agent_id, status, invocation_source, started_at, created_at, updated_at) VALUES `,
		`(?,?,?,'running','on_demand',?,?,?)`)
	for i := 0; i < spec.KeyedAgents && i < len(p.agents); i++ {
		id := store.NewID()
		runIns.add(id, c.ID, p.agents[i], now, now, now)
		out.Runs = append(out.Runs, id)
	}
	runIns.flush()
	lap("rollups, counter, runs")
	for i, t := range searchTables {
		if err == nil {
			err = copySearchTable(ctx, tx, builds[i], t)
		}
	}
	lap("search index (built alongside) copied in")
	for _, sql := range triggers {
		if err == nil {
			_, err = tx.ExecContext(ctx, sql)
		}
	}
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	lap("commit")
	if err := conn.QueryRowContext(ctx, `PRAGMA main.journal_mode = WAL`).Scan(&mode); err != nil || mode != "wal" {
		return fmt.Errorf("seed: back to WAL: %q (%v)", mode, err)
	}
	return nil
}

// searchTriggers returns the search index triggers (name → CREATE statement).
func searchTriggers(ctx context.Context, tx *sql.Tx) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%search%'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			return nil, err
		}
		out[name] = sql
	}
	if len(out) != 7 {
		return nil, fmt.Errorf("seed: found %d search triggers, want the 7 of migration 0009", len(out))
	}
	return out, rows.Err()
}

// seedWords is the vocabulary of seeded titles, descriptions and comments.
var seedWords = []string{"login", "outage", "deploy", "refactor", "billing", "invoice", "dashboard", "latency", "cache", "migration",
	"schema", "webhook", "retry", "timeout", "payment", "search", "index", "render", "mobile", "signup", "export", "import", "report",
	"budget", "agent", "review", "release", "rollback", "metrics", "alert", "queue", "worker", "token", "session", "upload", "avatar",
	"locale", "pricing", "onboarding", "checkout", "the", "a", "fix", "add", "remove", "update", "broken", "slow", "flaky", "test"}

// sentence is a deterministic run of n words chosen by seed: half from the common
// vocabulary, half from SeedWord's 8 000 rarer words, so a search for a common word
// matches a large share of the company and one for a rare word a few hundred rows.
func sentence(seed, n int) string {
	b := make([]byte, 0, n*8)
	x := uint32(seed)*2654435761 + 1
	for i := range n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		if i > 0 {
			b = append(b, ' ')
		}
		if x&1 == 0 {
			b = append(b, seedWords[(x>>1)%uint32(len(seedWords))]...)
		} else {
			b = append(b, SeedWord(int((x>>1)%8000))...)
		}
	}
	if len(b) > 0 && b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

// SeedWord is the i-th rare word of the seeded texts (three syllables of twenty).
func SeedWord(i int) string {
	syl := []string{"ka", "lo", "mi", "ne", "pu", "ra", "si", "to", "vu", "ze", "bar", "dor", "fen", "gil", "hap", "jor", "kel", "mun", "pex", "qui"}
	return syl[i%20] + syl[i/20%20] + syl[i/400%20]
}
