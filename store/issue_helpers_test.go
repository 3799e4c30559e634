package store_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"paperclip/store"
)

// rawDB opens a second connection to the store's file for fixture rows the store has
// no use case for yet (agents, runs, projects, goals).
func rawDB(tb testing.TB, s *store.Store) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(on)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustExec(tb testing.TB, db *sql.DB, query string, args ...any) {
	tb.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

const fixtureTime = "2026-01-01T00:00:00.000Z"

func mustCompany(tb testing.TB, s *store.Store, name string) store.Company {
	tb.Helper()
	c, err := s.CreateCompany(boardCtx(), store.CompanyInput{Name: store.Some(name)})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// insertAgent adds an agent row with its membership and tasks:assign grant, as the
// agents service will.
func insertAgent(tb testing.TB, s *store.Store, companyID, name, role, status string) string {
	tb.Helper()
	db := rawDB(tb, s)
	id := store.NewID()
	mustExec(tb, db, `INSERT INTO agents (id, company_id, name, url_key, role, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, companyID, name, store.URLKey(name), role, status, fixtureTime, fixtureTime)
	mustExec(tb, db, `INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at)
		VALUES (?, ?, 'agent', ?, 'active', 'member', ?, ?)`, store.NewID(), companyID, id, fixtureTime, fixtureTime)
	mustExec(tb, db, `INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, created_at, updated_at)
		VALUES (?, ?, 'agent', ?, 'tasks:assign', ?, ?)`, store.NewID(), companyID, id, fixtureTime, fixtureTime)
	return id
}

// insertRun adds a heartbeat run of an agent in the given status.
func insertRun(tb testing.TB, s *store.Store, companyID, agentID, status string) string {
	tb.Helper()
	id := store.NewID()
	mustExec(tb, rawDB(tb, s), `INSERT INTO heartbeat_runs (id, company_id, agent_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, companyID, agentID, status, fixtureTime, fixtureTime)
	return id
}

func agentCtx(companyID, agentID, runID string) context.Context {
	return store.NewContextWithActor(context.Background(), store.Actor{Kind: store.ActorAgent, Source: "agent_key",
		AgentID: agentID, CompanyID: companyID, RunID: runID, AgentRole: "engineer"})
}

// recorder is a Waker and RunStopper that keeps what it is told.
type recorder struct {
	mu      sync.Mutex
	wakes   []store.Wake
	stopped []string
}

func (r *recorder) Wake(w store.Wake) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wakes = append(r.wakes, w)
}

func (r *recorder) StopRun(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = append(r.stopped, id)
}

// take returns and clears the recorded wakes as "agentID:reason" strings.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, w := range r.wakes {
		out = append(out, w.AgentID+":"+w.Reason)
	}
	r.wakes = nil
	return out
}

func mustIssue(tb testing.TB, s *store.Store, ctx context.Context, companyID string, in store.IssueInput) store.Issue {
	tb.Helper()
	if !in.AllowDuplicate.Set {
		in.AllowDuplicate = store.Some(true)
	}
	out, err := s.CreateIssue(ctx, companyID, in)
	if err != nil {
		tb.Fatalf("create issue: %v", err)
	}
	return out.Issue
}

func errCode(err error) string { return store.ErrorCode(err) }

func wantCode(tb testing.TB, err error, code, msg string) {
	tb.Helper()
	if store.ErrorCode(err) != code || (msg != "" && !strings.Contains(err.Error(), msg)) {
		tb.Fatalf("got %v, want %s %q", err, code, msg)
	}
}
