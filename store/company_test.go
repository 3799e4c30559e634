package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"paperclip/store"
)

type activityRecorder struct {
	mu   sync.Mutex
	seen []store.Activity
}

func (r *activityRecorder) PublishActivity(a store.Activity) {
	r.mu.Lock()
	r.seen = append(r.seen, a)
	r.mu.Unlock()
}

func TestCreateCompanyWritesMembershipAndPublishesAfterCommit(t *testing.T) {
	rec := &activityRecorder{}
	s := MustOpen(t, store.Options{Publisher: rec})
	if err := s.EnsureLocalBoard(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some("Acme"), BudgetMonthlyCents: store.Some[int64](1200)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.seen) != 2 || rec.seen[0].Action != "company.created" || rec.seen[1].Action != "budget.policy_upserted" {
		t.Fatalf("published %+v", rec.seen)
	}
	db := rawDB(t, s)
	var role string
	if err := db.QueryRow(`SELECT membership_role FROM company_memberships WHERE company_id = ? AND principal_id = 'local-board'`, c.ID).Scan(&role); err != nil || role != "owner" {
		t.Fatalf("owner membership: %q %v", role, err)
	}
	var amount, warn, hard int
	if err := db.QueryRow(`SELECT amount, warn_percent, hard_stop_enabled FROM budget_policies WHERE company_id = ? AND scope_type = 'company'`, c.ID).Scan(&amount, &warn, &hard); err != nil {
		t.Fatal(err)
	}
	if amount != 1200 || warn != 80 || hard != 1 {
		t.Fatalf("policy %d %d %d", amount, warn, hard)
	}
	var grants int
	db.QueryRow(`SELECT COUNT(*) FROM principal_permission_grants WHERE company_id = ? AND principal_id = 'local-board'`, c.ID).Scan(&grants)
	if grants != len(store.OwnerDefaultGrants) {
		t.Fatalf("owner grants %d", grants)
	}
}

func TestFailedMutationWritesNothing(t *testing.T) {
	rec := &activityRecorder{}
	s := MustOpen(t, store.Options{Publisher: rec})
	c := mustCompany(t, s, "Acme")
	rec.seen = nil
	// A logo that does not exist fails after the name column was already set in the
	// same transaction: nothing may stick, no activity may be written or published.
	missing := "11111111-1111-4111-8111-111111111111"
	_, err := s.UpdateCompany(boardCtx(), c.ID, store.CompanyPatch{Name: store.Some("Renamed"), LogoAssetID: store.Some(missing)})
	if store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("want not_found, got %v", err)
	}
	got, _ := s.FindCompanyByID(context.Background(), c.ID)
	if got.Name != "Acme" {
		t.Fatalf("half-written update: name %q", got.Name)
	}
	acts, _ := s.FindActivity(context.Background(), store.ActivityFilter{CompanyID: c.ID})
	if len(acts) != 1 || len(rec.seen) != 0 {
		t.Fatalf("activity after failed update: %d rows, %d published", len(acts), len(rec.seen))
	}
}

func TestArchiveCascadeAndReactivate(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{RunStopper: rec})
	c := mustCompany(t, s, "Cascade")
	db := rawDB(t, s)
	now := store.FormatTime(s.Now())
	for _, a := range []struct{ id, status string }{{"a-idle", "idle"}, {"a-run", "running"}, {"a-term", "terminated"}, {"a-pend", "pending_approval"}} {
		if _, err := db.Exec(`INSERT INTO agents (id, company_id, name, url_key, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			a.id, c.ID, a.id, a.id, a.status, now, now); err != nil {
			t.Fatal(err)
		}
	}
	db.Exec(`INSERT INTO agent_wakeup_requests (id, company_id, agent_id, source, status, requested_at, created_at, updated_at) VALUES ('w1', ?, 'a-idle', 'timer', 'queued', ?, ?, ?)`, c.ID, now, now, now)
	db.Exec(`INSERT INTO heartbeat_runs (id, company_id, agent_id, status, created_at, updated_at) VALUES ('r1', ?, 'a-run', 'running', ?, ?)`, c.ID, now, now)
	db.Exec(`INSERT INTO heartbeat_runs (id, company_id, agent_id, status, created_at, updated_at) VALUES ('r2', ?, 'a-run', 'succeeded', ?, ?)`, c.ID, now, now)

	got, err := s.ArchiveCompany(boardCtx(), c.ID)
	cancelled := rec.stopped
	if err != nil || got.Status != store.CompanyArchived {
		t.Fatalf("archive: %v %v", got.Status, err)
	}
	if len(cancelled) != 1 || cancelled[0] != "r1" {
		t.Fatalf("cancelled runs %v", cancelled)
	}
	statuses := map[string]string{}
	rows, _ := db.Query(`SELECT id, status FROM agents`)
	for rows.Next() {
		var id, st string
		rows.Scan(&id, &st)
		statuses[id] = st
	}
	rows.Close()
	if statuses["a-idle"] != "paused" || statuses["a-run"] != "paused" || statuses["a-term"] != "terminated" || statuses["a-pend"] != "pending_approval" {
		t.Fatalf("agent statuses %v", statuses)
	}
	var ws, rs string
	db.QueryRow(`SELECT status FROM agent_wakeup_requests WHERE id = 'w1'`).Scan(&ws)
	db.QueryRow(`SELECT status FROM heartbeat_runs WHERE id = 'r1'`).Scan(&rs)
	if ws != "cancelled" || rs != "cancelled" {
		t.Fatalf("wakeup %s run %s", ws, rs)
	}
	acts, _ := s.FindActivity(context.Background(), store.ActivityFilter{CompanyID: c.ID, Action: "company.archived"})
	if len(acts) != 1 || string(acts[0].Details) != `{"agentsPaused":2,"runsCancelled":1}` {
		t.Fatalf("archive activity %+v", acts)
	}

	back, err := s.UpdateCompany(boardCtx(), c.ID, store.CompanyPatch{Status: store.Some("active")})
	if err != nil || back.Status != "active" {
		t.Fatal(err)
	}
	db.QueryRow(`SELECT status FROM agents WHERE id = 'a-idle'`).Scan(&ws)
	if ws != "idle" {
		t.Fatalf("agent not restored: %s", ws)
	}
}

func TestDeleteCompanyRemovesEveryRow(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{RunStopper: rec})
	keep := mustCompany(t, s, "Keep")
	c := mustCompany(t, s, "Gone")
	db := rawDB(t, s)
	now := store.FormatTime(s.Now())
	fixtures := []string{
		`INSERT INTO agents (id, company_id, name, url_key, created_at, updated_at) VALUES ('ag', '%c', 'A', 'a', '%n', '%n')`,
		`INSERT INTO agents (id, company_id, name, url_key, reports_to, created_at, updated_at) VALUES ('ag2', '%c', 'B', 'b', 'ag', '%n', '%n')`,
		`INSERT INTO issues (id, company_id, title, normalized_title, issue_number, identifier, assignee_agent_id, created_at, updated_at) VALUES ('is', '%c', 'T', 't', 1, 'GON-1', 'ag', '%n', '%n')`,
		`INSERT INTO heartbeat_runs (id, company_id, agent_id, status, created_at, updated_at) VALUES ('run', '%c', 'ag', 'queued', '%n', '%n')`,
		`INSERT INTO cost_events (id, company_id, agent_id, issue_id, heartbeat_run_id, provider, biller, model, cost_cents, occurred_at, created_at) VALUES ('ce', '%c', 'ag', 'is', 'run', 'p', 'p', 'm', 5, '%n', '%n')`,
		`INSERT INTO issue_comments (id, company_id, issue_id, author_type, body, created_at, updated_at) VALUES ('cm', '%c', 'is', 'user', 'hi', '%n', '%n')`,
		`INSERT INTO goals (id, company_id, title, created_at, updated_at) VALUES ('go', '%c', 'G', '%n', '%n')`,
	}
	for _, f := range fixtures {
		q := strings.NewReplacer("%c", c.ID, "%n", now).Replace(f)
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err := s.DeleteCompany(boardCtx(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	live := rec.stopped
	if len(live) != 1 || live[0] != "run" {
		t.Fatalf("live runs %v", live)
	}
	for _, table := range []string{"agents", "issues", "heartbeat_runs", "cost_events", "issue_comments", "goals", "activity_log", "company_memberships"} {
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE company_id = ?`, c.ID).Scan(&n)
		if n != 0 {
			t.Errorf("%s keeps %d rows of the deleted company", table, n)
		}
	}
	if _, err := s.FindCompanyByID(context.Background(), keep.ID); err != nil {
		t.Fatalf("other company hurt: %v", err)
	}
	if err := s.DeleteCompany(boardCtx(), c.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("second delete: %v", err)
	}
}

func TestConcurrentCreatesGetDistinctPrefixes(t *testing.T) {
	s := MustOpen(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some("Same Name")})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	list, _ := s.FindCompanies(context.Background(), store.CompanyFilter{})
	seen := map[string]bool{}
	for _, c := range list {
		if seen[c.IssuePrefix] {
			t.Fatalf("duplicate prefix %s", c.IssuePrefix)
		}
		seen[c.IssuePrefix] = true
	}
	if len(seen) != 20 {
		t.Fatalf("%d prefixes", len(seen))
	}
}

// Prefix allocation is total: any number of companies sharing a name's first letters
// gets unique, short prefixes that still form valid issue identifiers.
func TestManySameNamedCompaniesGetShortPrefixes(t *testing.T) {
	s := MustOpen(t)
	const n = 500
	seen := map[string]bool{}
	var last store.Company
	for i := range n {
		c, err := s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some(fmt.Sprintf("Fuzz %d", i))})
		if err != nil {
			t.Fatalf("company %d: %v", i, err)
		}
		p := c.IssuePrefix
		// 3 letters of base + at most 2 counter letters cover 1 + 26 + 676 companies.
		if seen[p] || len(p) > 5 || !store.IsIssueIdentifier(p+"-1") || !strings.HasPrefix(p, "FUZ") {
			t.Fatalf("company %d got prefix %q (duplicate=%v)", i, p, seen[p])
		}
		seen[p] = true
		last = c
	}
	// The last prefix still makes an identifier that resolves.
	is := mustIssue(t, s, boardCtx(), last.ID, store.IssueInput{Title: store.Some("T")})
	got, err := s.FindIssueByID(context.Background(), strings.ToLower(is.Identifier))
	if err != nil || got.ID != is.ID || is.Identifier != last.IssuePrefix+"-1" {
		t.Fatalf("identifier %q: %v", is.Identifier, err)
	}
}

func TestSchemaNewerThanBinaryIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, s)
	db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')`)
	s.Close()
	if _, err := store.Open(context.Background(), path, store.Options{}); err == nil || !strings.Contains(err.Error(), "newer paperclip") {
		t.Fatalf("want newer-schema refusal, got %v", err)
	}
}

func TestPrefixRules(t *testing.T) {
	for name, want := range map[string]string{"Acme": "ACM", "horizon labs": "HOR", "a1b2c3d": "ABC", "42": "CMP", "Zé": "Z", "": "CMP"} {
		if got := store.IssuePrefixBase(name); got != want {
			t.Errorf("IssuePrefixBase(%q) = %q, want %q", name, got, want)
		}
	}
	for n, want := range map[int]string{0: "ACM", 1: "ACMA", 2: "ACMB", 26: "ACMZ", 27: "ACMAA", 702: "ACMZZ", 703: "ACMAAA"} {
		if got := store.IssuePrefixCandidate("ACM", n); got != want {
			t.Errorf("IssuePrefixCandidate(ACM, %d) = %q, want %q", n, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	in := map[string]any{
		"apiKey": "sk-1", "nested": map[string]any{"password": "p", "ok": "v"},
		"env":   map[string]any{"OPENAI_API_KEY": map[string]any{"type": "plain", "value": "sk-2"}, "TOKEN_REF": map[string]any{"type": "secret_ref", "secretId": "s"}},
		"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
	}
	out := store.Redact(in).(map[string]any)
	if out["apiKey"] != store.Redacted || out["nested"].(map[string]any)["password"] != store.Redacted || out["nested"].(map[string]any)["ok"] != "v" {
		t.Fatalf("redact %v", out)
	}
	env := out["env"].(map[string]any)
	if env["OPENAI_API_KEY"] != store.Redacted {
		t.Fatalf("plain env secret leaked: %v", env)
	}
	if _, ok := env["TOKEN_REF"].(map[string]any); !ok {
		t.Fatalf("secret ref binding should be kept: %v", env)
	}
	if out["token"] != store.Redacted {
		t.Fatalf("jwt-shaped value kept: %v", out["token"])
	}
	var e *store.Error
	if !errors.As(store.Errorf(store.EINVALID, "x"), &e) {
		t.Fatal("Errorf type")
	}
}

// The caps hold for every caller of the store, not only the HTTP API.
func TestStoreRefusesOverlongFields(t *testing.T) {
	s := MustOpen(t)
	long := strings.Repeat("x", store.MaxShortText+1)
	_, err := s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some(long)})
	wantCode(t, err, store.EINVALID, "Validation error")
	c := mustCompany(t, s, "Caps")
	_, err = s.CreateIssue(boardCtx(), c.ID, store.IssueInput{Title: store.Some("T"), BillingCode: store.Some(long)})
	if e, ok := err.(*store.Error); !ok || !strings.Contains(fmt.Sprint(e.Details), "billingCode") {
		t.Fatalf("billingCode over the cap: %v", err)
	}
	if err := store.CheckLimits(&store.IssueInput{Title: store.Some(strings.Repeat("x", store.MaxShortText))}); err != nil {
		t.Fatalf("title at the cap refused: %v", err)
	}
}
