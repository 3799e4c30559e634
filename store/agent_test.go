package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"paperclip/store"
)

func mustAgent(tb testing.TB, s *store.Store, companyID string, in store.AgentInput) store.Agent {
	tb.Helper()
	a, err := s.CreateAgent(boardCtx(), companyID, in)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func named(name string) store.AgentInput { return store.AgentInput{Name: store.Some(name)} }

// rawExec runs a statement on the database file beside the store's pools.
func rawExec(tb testing.TB, s *store.Store, query string, args ...any) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(on)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var e *store.Error
	if err == nil || store.ErrorCode(err) != code || !strings.Contains(err.Error(), msg) {
		t.Fatalf("got %v (%T %v), want %s %q", err, err, e, code, msg)
	}
}

func TestAgentReportingCycles(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Acme")
	other := mustCompany(t, s, "Other")
	a := mustAgent(t, s, c.ID, named("A"))
	b := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("B"), ReportsTo: store.Some(a.ID)})
	d := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("D"), ReportsTo: store.Some(b.ID)})
	x := mustAgent(t, s, other.ID, named("X"))
	patch := func(id, manager string) error {
		_, err := s.UpdateAgent(ctx, id, store.AgentPatch{ReportsTo: store.Some(manager)}, store.AgentUpdateOptions{})
		return err
	}
	wantErr(t, patch(a.ID, a.ID), store.EUNPROCESSABLE, "Agent cannot report to itself")
	wantErr(t, patch(a.ID, b.ID), store.EUNPROCESSABLE, "Reporting relationship would create cycle")
	wantErr(t, patch(a.ID, d.ID), store.EUNPROCESSABLE, "Reporting relationship would create cycle")
	wantErr(t, patch(a.ID, x.ID), store.EUNPROCESSABLE, "Manager must belong to same company")
	wantErr(t, patch(a.ID, "00000000-0000-4000-8000-000000000000"), store.ENOTFOUND, "Manager not found")
	// Moving a subtree under a sibling branch is fine; clearing is fine.
	e := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("E"), ReportsTo: store.Some(a.ID)})
	if err := patch(b.ID, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAgent(ctx, b.ID, store.AgentPatch{ReportsTo: store.Optional[string]{Set: true, Null: true}}, store.AgentUpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A cycle planted in the data (not reachable through the API) does not hang reads.
	rawExec(t, s, `UPDATE agents SET reports_to = ? WHERE id = ?`, d.ID, a.ID)
	rawExec(t, s, `UPDATE agents SET reports_to = ? WHERE id = ?`, a.ID, b.ID)
	detail, err := s.FindAgentDetail(ctx, a.ID)
	if err != nil || len(detail.ChainOfCommand) != 2 {
		t.Fatalf("cyclic chain %v %v", detail.ChainOfCommand, err)
	}
	tree, err := s.FindOrgTree(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	var walk func([]store.OrgNode)
	walk = func(ns []store.OrgNode) {
		for _, n := range ns {
			seen++
			walk(n.Reports)
		}
	}
	walk(tree)
	if seen != 4 {
		t.Fatalf("org tree with a cycle shows %d of 4 agents", seen)
	}
	// The cycle walk must terminate on a loop that never reaches the patched agent.
	if err := patch(e.ID, d.ID); err != nil {
		t.Fatalf("patch beside a planted loop: %v", err)
	}
}

func TestAgentURLKeyRules(t *testing.T) {
	fixed := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	s := MustOpen(t, store.Options{Now: func() time.Time { return fixed }})
	ctx := boardCtx()
	c := mustCompany(t, s, "Acme")
	var names []string
	for i := 0; i < 101; i++ {
		names = append(names, mustAgent(t, s, c.ID, named("Bot")).Name)
	}
	if names[0] != "Bot" || names[1] != "Bot 2" || names[99] != "Bot 100" {
		t.Fatalf("suffixes %v ... %v", names[:3], names[99])
	}
	wantLast := "Bot " + strconv.FormatInt(fixed.UnixMilli(), 10)
	if names[100] != wantLast {
		t.Fatalf("after 100: %q, want %q", names[100], wantLast)
	}
	// Collisions are by shortname, not by exact name.
	a := mustAgent(t, s, c.ID, named("Data  Wizard"))
	b := mustAgent(t, s, c.ID, named("data-wizard"))
	if a.URLKey != "data-wizard" || b.Name != "data-wizard 2" || b.URLKey != "data-wizard-2" {
		t.Fatalf("shortname collision %q/%q %q/%q", a.Name, a.URLKey, b.Name, b.URLKey)
	}
	// Shortname lookup normalises and skips terminated agents.
	got, err := s.FindAgentByShortname(ctx, c.ID, "DATA WIZARD")
	if err != nil || got.ID != a.ID {
		t.Fatalf("lookup %v %v", got.ID, err)
	}
	if _, err := s.TerminateAgent(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindAgentByShortname(ctx, c.ID, "data-wizard"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("terminated agent still resolves: %v", err)
	}
	// Rename: collision with a live agent is a conflict; the terminated one's key is free.
	_, err = s.UpdateAgent(ctx, b.ID, store.AgentPatch{Name: store.Some("Bot")}, store.AgentUpdateOptions{})
	wantErr(t, err, store.ECONFLICT, "Agent shortname 'bot' is already in use in this company")
	if _, err := s.UpdateAgent(ctx, b.ID, store.AgentPatch{Name: store.Some("Data Wizard")}, store.AgentUpdateOptions{}); err != nil {
		t.Fatalf("rename onto a terminated agent's key: %v", err)
	}
	// Keys are per company.
	other := mustCompany(t, s, "Other")
	if o := mustAgent(t, s, other.ID, named("Bot")); o.Name != "Bot" {
		t.Fatalf("other company dedupe %q", o.Name)
	}
	// Names without [a-z0-9] take the id as url key.
	sym := mustAgent(t, s, c.ID, named("★★"))
	if sym.URLKey != sym.ID {
		t.Fatalf("symbol url key %q", sym.URLKey)
	}
}

func TestAgentMembershipAndPermissions(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Acme")
	a := mustAgent(t, s, c.ID, named("A"))
	ok, err := s.AgentHasGrant(ctx, c.ID, a.ID, store.PermTasksAssign)
	if err != nil || !ok {
		t.Fatalf("tasks:assign grant at creation: %v %v", ok, err)
	}
	// Role defaults for board users (access-auth §8.1) plus explicit grants.
	now := store.FormatTime(time.Now())
	for user, role := range map[string]string{"u-owner": "owner", "u-admin": "admin", "u-op": "operator", "u-view": "viewer"} {
		rawExec(t, s, `INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at)
			VALUES (?, ?, 'user', ?, 'active', ?, ?, ?)`, store.NewID(), c.ID, user, role, now, now)
	}
	rawExec(t, s, `INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at)
		VALUES (?, ?, 'user', 'u-gone', 'suspended', 'owner', ?, ?)`, store.NewID(), c.ID, now, now)
	rawExec(t, s, `INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, created_at, updated_at)
		VALUES (?, ?, 'user', 'u-op', 'agents:configure', ?, ?)`, store.NewID(), c.ID, now, now)
	cases := []struct {
		user, key string
		want      bool
	}{
		{"u-owner", "agents:create", true}, {"u-owner", "users:manage_permissions", true},
		{"u-admin", "agents:configure", true}, {"u-admin", "users:manage_permissions", false},
		{"u-op", "tasks:assign", true}, {"u-op", "agents:create", false}, {"u-op", "agents:configure", true},
		{"u-view", "tasks:assign", false}, {"u-gone", "agents:create", false}, {"u-none", "agents:create", false},
	}
	for _, tc := range cases {
		got, err := s.UserHasPermission(ctx, c.ID, tc.user, tc.key)
		if err != nil || got != tc.want {
			t.Errorf("%s %s = %v (%v), want %v", tc.user, tc.key, got, err, tc.want)
		}
	}
	// Delete removes membership, grants and agent budget policies.
	b, err := s.CreateAgent(ctx, c.ID, store.AgentInput{Name: store.Some("B"), BudgetMonthlyCents: store.Some(int64(500))})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAgent(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.AgentHasGrant(ctx, c.ID, b.ID, store.PermTasksAssign); ok {
		t.Fatal("grant survived delete")
	}
}

func TestInboxLiteQuery(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	c := mustCompany(t, s, "Acme")
	a := mustAgent(t, s, c.ID, named("Worker"))
	other := mustCompany(t, s, "Other")
	now := time.Now()
	insert := func(companyID string, n int, status, priority string, assignee any, age time.Duration) string {
		id := store.NewID()
		ts := store.FormatTime(now.Add(-age))
		rawExec(t, s, `INSERT INTO issues (id, company_id, title, normalized_title, status, priority, assignee_agent_id, issue_number,
			identifier, created_at, updated_at) VALUES (?, ?, ?, 't', ?, ?, ?, ?, ?, ?, ?)`,
			id, companyID, fmt.Sprintf("T%d", n), status, priority, assignee, n, fmt.Sprintf("X%s-%d", companyID, n), ts, ts)
		return id
	}
	older := insert(c.ID, 1, "todo", "high", a.ID, time.Hour)
	newer := insert(c.ID, 2, "blocked", "high", a.ID, time.Minute)
	first := insert(c.ID, 3, "in_progress", "critical", a.ID, 2*time.Hour)
	last := insert(c.ID, 4, "todo", "weird", a.ID, 0)
	insert(c.ID, 5, "in_review", "critical", a.ID, 0)
	insert(c.ID, 6, "backlog", "critical", a.ID, 0)
	insert(c.ID, 7, "cancelled", "critical", a.ID, 0)
	insert(c.ID, 8, "todo", "critical", nil, 0)
	insert(other.ID, 1, "todo", "critical", a.ID, 0) // another company's row naming the agent
	items, err := s.FindInboxLite(ctx, c.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.ID)
	}
	want := []string{first, newer, older, last}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("inbox order %v, want %v", got, want)
	}
	for _, it := range items {
		if !it.DependencyReady || it.UnresolvedBlockerIssueIDs == nil || it.ActiveRun != nil {
			t.Fatalf("item defaults %+v", it)
		}
	}
}

func TestAgentRevisionSnapshotsAreRedacted(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Acme")
	a := mustAgent(t, s, c.ID, store.AgentInput{Name: store.Some("A"), AdapterConfig: store.Some(map[string]any{
		"env": map[string]any{"DB_PASSWORD": "ghp_x", "PLAIN": "p"}, "command": "x"})})
	if _, err := s.UpdateAgent(ctx, a.ID, store.AgentPatch{AdapterConfig: store.Some(map[string]any{"command": "y"})}, store.AgentUpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	revs, err := s.FindConfigRevisions(ctx, a.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions %v %v", revs, err)
	}
	if strings.Contains(string(revs[0].BeforeConfig), "ghp_x") || !strings.Contains(string(revs[0].AfterConfig), store.Redacted) {
		t.Fatalf("snapshot %s", revs[0].AfterConfig)
	}
	if fmt.Sprint(revs[0].ChangedKeys) != "[adapterConfig]" || revs[0].CreatedByUserID == nil {
		t.Fatalf("revision %+v", revs[0])
	}
	// The stored agent keeps the real value for the runtime.
	got, _ := s.FindAgentByID(ctx, a.ID)
	if got.AdapterConfig["env"].(map[string]any)["DB_PASSWORD"].(map[string]any)["value"] != "ghp_x" {
		t.Fatalf("stored env %v", got.AdapterConfig["env"])
	}
}

func BenchmarkAgentCreate(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	ctx := boardCtx()
	in := store.AgentInput{Name: store.Some("Bench Agent"), Role: store.Some("engineer"), AdapterType: store.Some("claude_local"),
		AdapterConfig: store.Some(map[string]any{"model": "m", "env": map[string]any{"API_KEY": "k"}}),
		RuntimeConfig: store.Some(map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 300}})}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in.Name = store.Some("Bench Agent " + strconv.Itoa(i))
		if _, err := s.CreateAgent(ctx, c.ID, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAgentGet(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench")
	ctx := boardCtx()
	var ids []string
	for i := 0; i < 100; i++ {
		ids = append(ids, mustAgent(b, s, c.ID, named("Agent "+strconv.Itoa(i))).ID)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.FindAgentDetail(ctx, ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
	}
}
