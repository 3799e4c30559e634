package store_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"

	"paperclip/store"
)

func TestIssueIdentifierAllocation(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Acme")
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some(fmt.Sprint("t", i))}).Identifier)
	}
	if !slices.Equal(ids, []string{"ACM-1", "ACM-2", "ACM-3"}) {
		t.Fatalf("identifiers %v", ids)
	}
	// Lookup by identifier ignores case; a number is never reused after a delete.
	got, err := s.FindIssueByID(ctx, "acm-2")
	if err != nil || got.Identifier != "ACM-2" || got.IssueNumber != 2 {
		t.Fatalf("lookup: %v %+v", err, got)
	}
	if _, err := s.DeleteIssue(ctx, "ACM-3"); err != nil {
		t.Fatal(err)
	}
	if next := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("t3")}); next.Identifier != "ACM-4" {
		t.Fatalf("after delete got %s", next.Identifier)
	}
	// A counter behind the data (e.g. restored from an old backup) never reuses numbers.
	mustExec(t, rawDB(t, s), `UPDATE companies SET issue_counter = 0 WHERE id = ?`, c.ID)
	if next := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("t4")}); next.Identifier != "ACM-5" {
		t.Fatalf("counter reset got %s", next.Identifier)
	}
	if cc, _ := s.FindCompanyByID(ctx, c.ID); cc.IssueCounter != 5 {
		t.Fatalf("company counter %d", cc.IssueCounter)
	}
	for _, key := range []string{"nope", "ACM-99", "00000000-0000-4000-8000-000000000000", "ACM-"} {
		if _, err := s.FindIssueByID(ctx, key); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("%q: %v", key, err)
		}
	}
	// Concurrent creates in two companies get dense, unique numbers.
	other := mustCompany(t, s, "Bolt")
	var wg sync.WaitGroup
	var mu sync.Mutex
	nums := map[string][]int{}
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cid := c.ID
			if i%2 == 0 {
				cid = other.ID
			}
			is, err := s.CreateIssue(ctx, cid, store.IssueInput{Title: store.Some(fmt.Sprint("c", i)), AllowDuplicate: store.Some(true)})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			nums[cid] = append(nums[cid], int(is.IssueNumber))
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	for cid, start := range map[string]int{c.ID: 6, other.ID: 1} {
		sort.Ints(nums[cid])
		for i, n := range nums[cid] {
			if n != start+i {
				t.Fatalf("company %s numbers %v", cid, nums[cid])
			}
		}
	}
}

func TestIssueCreateDefaultsAndDedupe(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{Waker: rec})
	ctx := boardCtx()
	c := mustCompany(t, s, "Dedupe")
	agent := insertAgent(t, s, c.ID, "CTO", "cto", "idle")
	is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("Assigned"), AssigneeAgentID: store.Some("cto")})
	if is.Status != "todo" || is.AssigneeAgentID == nil || *is.AssigneeAgentID != agent || is.Priority != "medium" ||
		is.CreatedByUserID == nil || *is.CreatedByUserID != store.LocalBoardUserID || is.OriginKind != "manual" {
		t.Fatalf("defaults %+v", is)
	}
	if w := rec.take(); !slices.Equal(w, []string{agent + ":issue_assigned"}) {
		t.Fatalf("wakes %v", w)
	}
	mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("Backlog one"), AssigneeAgentID: store.Some(agent), Status: store.Some("backlog")})
	if w := rec.take(); len(w) != 0 {
		t.Fatalf("backlog assignment woke %v", w)
	}
	first, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("  Fix   the Bug "), IdempotencyKey: store.Some("k1")})
	if err != nil || !first.Created {
		t.Fatal(err)
	}
	again, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("other"), IdempotencyKey: store.Some(" k1 ")})
	if err != nil || again.Created || !again.Deduplicated || again.DeduplicationReason != "idempotency_key" || again.ID != first.ID {
		t.Fatalf("idempotency: %v %+v", err, again)
	}
	dup, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("fix the bug")})
	if err != nil || dup.DeduplicationReason != "recent_open_title" || dup.ID != first.ID {
		t.Fatalf("title dedupe: %v %+v", err, dup)
	}
	forced, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("fix the bug"), AllowDuplicate: store.Some(true)})
	if err != nil || !forced.Created {
		t.Fatalf("allowDuplicate: %v", err)
	}
	// Under another parent the same title is not a duplicate.
	child, err := s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("fix the bug"), ParentID: store.Some(first.ID)})
	if err != nil || !child.Created || child.ParentID == nil {
		t.Fatalf("child: %v", err)
	}
	for _, tc := range []struct {
		in   store.IssueInput
		code string
		msg  string
	}{
		{store.IssueInput{Title: store.Some("x"), AssigneeAgentID: store.Some(agent), AssigneeUserID: store.Some("local-board")}, store.EUNPROCESSABLE, "Issue can only have one assignee"},
		{store.IssueInput{Title: store.Some("x"), Status: store.Some("in_progress")}, store.EUNPROCESSABLE, "in_progress issues require an assignee"},
		{store.IssueInput{Title: store.Some("x"), AssigneeAgentID: store.Some(store.NewID())}, store.ENOTFOUND, "Assignee agent not found"},
		{store.IssueInput{Title: store.Some("x"), AssigneeUserID: store.Some("stranger")}, store.ENOTFOUND, "Assignee user not found"},
		{store.IssueInput{Title: store.Some("x"), ParentID: store.Some(store.NewID())}, store.ENOTFOUND, "Parent issue not found"},
		{store.IssueInput{Title: store.Some("x"), ProjectID: store.Some(store.NewID())}, store.ENOTFOUND, "Project not found"},
		{store.IssueInput{Title: store.Some("x"), GoalID: store.Some(store.NewID())}, store.ENOTFOUND, "Goal not found"},
		{store.IssueInput{Title: store.Some("x"), LabelIDs: store.Some([]string{store.NewID()})}, store.EUNPROCESSABLE, "One or more labels are invalid"},
		{store.IssueInput{Title: store.Some("   ")}, store.EINVALID, "Validation error"},
		{store.IssueInput{}, store.EINVALID, "Validation error"},
	} {
		_, err := s.CreateIssue(ctx, c.ID, tc.in)
		wantCode(t, err, tc.code, tc.msg)
	}
	pending := insertAgent(t, s, c.ID, "Newbie", "engineer", "pending_approval")
	_, err = s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("x"), AssigneeAgentID: store.Some(pending)})
	wantCode(t, err, store.ECONFLICT, "Cannot assign work to pending approval agents")
	other := mustCompany(t, s, "Other")
	foreign := insertAgent(t, s, other.ID, "Foreign", "engineer", "idle")
	_, err = s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("x"), AssigneeAgentID: store.Some(foreign)})
	wantCode(t, err, store.EUNPROCESSABLE, "Assignee must belong to same company")
	foreignIssue := mustIssue(t, s, ctx, other.ID, store.IssueInput{Title: store.Some("theirs")})
	_, err = s.CreateIssue(ctx, c.ID, store.IssueInput{Title: store.Some("x"), ParentID: store.Some(foreignIssue.ID)})
	wantCode(t, err, store.EUNPROCESSABLE, "Parent issue must belong to same company")
}

func TestGoalFallbackAndProjectDefaults(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Goals")
	db := rawDB(t, s)
	companyGoal, projectGoal, project, ws := store.NewID(), store.NewID(), store.NewID(), store.NewID()
	mustExec(t, db, `INSERT INTO goals (id, company_id, title, level, status, created_at, updated_at) VALUES (?, ?, 'Mission', 'company', 'active', ?, ?)`,
		companyGoal, c.ID, fixtureTime, fixtureTime)
	mustExec(t, db, `INSERT INTO goals (id, company_id, title, level, status, created_at, updated_at) VALUES (?, ?, 'Ship', 'team', 'active', ?, ?)`,
		projectGoal, c.ID, fixtureTime, fixtureTime)
	mustExec(t, db, `INSERT INTO projects (id, company_id, goal_id, name, url_key, created_at, updated_at) VALUES (?, ?, ?, 'App', 'app', ?, ?)`,
		project, c.ID, projectGoal, fixtureTime, fixtureTime)
	mustExec(t, db, `INSERT INTO project_workspaces (id, company_id, project_id, name, is_primary, created_at, updated_at) VALUES (?, ?, ?, 'main', 1, ?, ?)`,
		ws, c.ID, project, fixtureTime, fixtureTime)
	plain := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("plain")})
	if plain.GoalID == nil || *plain.GoalID != companyGoal {
		t.Fatalf("company default goal: %v", plain.GoalID)
	}
	inProject := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("p"), ProjectID: store.Some(project)})
	if inProject.GoalID == nil || *inProject.GoalID != projectGoal || inProject.ProjectWorkspaceID == nil || *inProject.ProjectWorkspaceID != ws {
		t.Fatalf("project defaults: %+v", inProject)
	}
	none := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("n"), GoalID: store.Optional[string]{Set: true, Null: true}})
	if none.GoalID != nil {
		t.Fatalf("explicit null goal got %v", none.GoalID)
	}
	// The detail shows the fallback goal even when the issue has none stored.
	d, err := s.FindIssueDetail(ctx, none.ID)
	if err != nil || d.Goal == nil || d.Goal.ID != companyGoal || d.GoalID == nil {
		t.Fatalf("detail goal: %v %+v", err, d.Goal)
	}
	child, err := s.CreateChildIssue(ctx, inProject.ID, store.IssueInput{Title: store.Some("child"),
		AcceptanceCriteria: store.Some([]string{"works", "tested"}), BlockParentUntilDone: store.Some(true)})
	if err != nil || child.ProjectID == nil || *child.ProjectID != project || *child.GoalID != projectGoal ||
		child.Description == nil || *child.Description != "## Acceptance criteria\n\n- [ ] works\n- [ ] tested\n" {
		t.Fatalf("child: %v %+v", err, child.Issue)
	}
	pd, _ := s.FindIssueDetail(ctx, inProject.ID)
	if len(pd.BlockedBy) != 1 || pd.BlockedBy[0].ID != child.ID || pd.Project == nil || pd.Project.URLKey != "app" {
		t.Fatalf("parent detail: %+v", pd)
	}
	cd, _ := s.FindIssueDetail(ctx, child.ID)
	if len(cd.Ancestors) != 1 || cd.Ancestors[0].ID != inProject.ID || len(cd.Blocks) != 1 {
		t.Fatalf("child detail: %+v", cd)
	}
}

func TestBlockersAndHierarchyCycles(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{Waker: rec})
	ctx := boardCtx()
	c := mustCompany(t, s, "Graph")
	agent := insertAgent(t, s, c.ID, "Dev", "engineer", "idle")
	a := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("a")})
	b := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("b"), BlockedByIssueIDs: store.Some([]string{a.ID, a.ID})})
	cc := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("c"), BlockedByIssueIDs: store.Some([]string{b.ID}),
		AssigneeAgentID: store.Some(agent), Status: store.Some("blocked")})
	_, err := s.UpdateIssue(ctx, a.ID, store.IssuePatch{BlockedByIssueIDs: store.Some([]string{cc.ID})})
	wantCode(t, err, store.EUNPROCESSABLE, "Blocking relations cannot contain cycles")
	_, err = s.UpdateIssue(ctx, a.ID, store.IssuePatch{BlockedByIssueIDs: store.Some([]string{a.ID})})
	wantCode(t, err, store.EUNPROCESSABLE, "Issue cannot be blocked by itself")
	other := mustCompany(t, s, "Elsewhere")
	foreign := mustIssue(t, s, ctx, other.ID, store.IssueInput{Title: store.Some("x")})
	_, err = s.UpdateIssue(ctx, a.ID, store.IssuePatch{BlockedByIssueIDs: store.Some([]string{foreign.ID})})
	wantCode(t, err, store.EUNPROCESSABLE, "Blocked-by issues must belong to the same company")
	// Unresolved blockers keep c out of in_progress (PATCH and checkout).
	_, err = s.UpdateIssue(ctx, cc.ID, store.IssuePatch{Status: store.Some("in_progress")})
	wantCode(t, err, store.EUNPROCESSABLE, "Issue is blocked by unresolved blockers")
	if d := err.(*store.Error).Details.(map[string]any)["unresolvedBlockerIssueIds"].([]string); !slices.Equal(d, []string{b.ID}) {
		t.Fatalf("details %v", d)
	}
	_, err = s.CheckoutIssue(ctx, cc.ID, store.CheckoutInput{AgentID: store.Some(agent), ExpectedStatuses: store.Some([]string{"blocked"})})
	wantCode(t, err, store.EUNPROCESSABLE, "unresolved blockers")
	// A cancelled blocker still blocks; done resolves and wakes the dependent's assignee.
	rec.take()
	if _, err := s.UpdateIssue(ctx, b.ID, store.IssuePatch{Status: store.Some("cancelled")}); err != nil {
		t.Fatal(err)
	}
	if w := rec.take(); len(w) != 0 {
		t.Fatalf("cancel woke %v", w)
	}
	_, err = s.UpdateIssue(ctx, cc.ID, store.IssuePatch{Status: store.Some("in_progress")})
	wantCode(t, err, store.EUNPROCESSABLE, "unresolved blockers")
	mustPatch(t, s, ctx, b.ID, store.IssuePatch{Status: store.Some("todo")})
	mustPatch(t, s, ctx, b.ID, store.IssuePatch{Status: store.Some("in_progress"), AssigneeUserID: store.Some("local-board"), BlockedByIssueIDs: store.Some([]string{})})
	rec.take()
	mustPatch(t, s, ctx, b.ID, store.IssuePatch{Status: store.Some("done")})
	if w := rec.take(); !slices.Equal(w, []string{agent + ":issue_blockers_resolved"}) {
		t.Fatalf("done wakes %v", w)
	}
	mustPatch(t, s, ctx, cc.ID, store.IssuePatch{Status: store.Some("in_progress")})
	// Hierarchy: no self parent, no cycles.
	mustPatch(t, s, ctx, b.ID, store.IssuePatch{ParentID: store.Some(a.ID)})
	_, err = s.UpdateIssue(ctx, a.ID, store.IssuePatch{ParentID: store.Some(b.ID)})
	wantCode(t, err, store.EUNPROCESSABLE, "Issue hierarchy would create cycle")
	_, err = s.UpdateIssue(ctx, a.ID, store.IssuePatch{ParentID: store.Some(a.ID)})
	wantCode(t, err, store.EUNPROCESSABLE, "Issue hierarchy would create cycle")
	// Children completed wakes the parent's agent assignee.
	mustPatch(t, s, ctx, a.ID, store.IssuePatch{AssigneeAgentID: store.Some(agent), Status: store.Some("todo")})
	rec.take()
	mustPatch(t, s, ctx, cc.ID, store.IssuePatch{ParentID: store.Some(a.ID), Status: store.Some("done")})
	if w := rec.take(); !slices.Equal(w, []string{agent + ":issue_children_completed"}) {
		t.Fatalf("children wakes %v", w)
	}
	// Deleting keeps children with a null parent.
	if _, err := s.DeleteIssue(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindIssueByID(ctx, b.ID); got.ParentID != nil {
		t.Fatalf("child kept parent %v", got.ParentID)
	}
}

func mustPatch(tb testing.TB, s *store.Store, ctx context.Context, id string, p store.IssuePatch) store.IssueUpdated {
	tb.Helper()
	up, err := s.UpdateIssue(ctx, id, p)
	if err != nil {
		tb.Fatalf("patch %+v: %v", p, err)
	}
	return up
}
