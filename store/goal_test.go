package store_test

import (
	"testing"

	"paperclip/store"
)

func mustGoal(tb testing.TB, s *store.Store, companyID string, in store.GoalInput) store.Goal {
	tb.Helper()
	g, err := s.CreateGoal(boardCtx(), companyID, in)
	if err != nil {
		tb.Fatalf("create goal: %v", err)
	}
	return g
}

func goalTitles(gs []store.Goal) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Title)
	}
	return out
}

// TestGoalHierarchyRules: parents stay in the company, and no update may close a loop,
// whether through the goal itself or any of its descendants.
func TestGoalHierarchyRules(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Tree")
	other := mustCompany(t, s, "Other")
	a := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("  Win  "), Level: store.Some("company")})
	if a.Title != "Win" || a.Level != "company" || a.Status != "planned" || a.ParentID != nil {
		t.Fatalf("defaults %+v", a)
	}
	b := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Team"), Level: store.Some("team"), ParentID: store.Some(a.ID)})
	leaf := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Leaf"), ParentID: store.Some(b.ID)})
	foreign := mustGoal(t, s, other.ID, store.GoalInput{Title: store.Some("Theirs")})
	foreignAgent := insertAgent(t, s, other.ID, "Spy", "engineer", "idle")
	mine := insertAgent(t, s, c.ID, "Owner", "engineer", "idle")

	for _, tc := range []struct {
		name      string
		id        string
		in        store.GoalInput
		code, msg string
	}{
		{"self parent", a.ID, store.GoalInput{ParentID: store.Some(a.ID)}, store.EUNPROCESSABLE, "Goal hierarchy would create cycle"},
		{"grandchild parent", a.ID, store.GoalInput{ParentID: store.Some(leaf.ID)}, store.EUNPROCESSABLE, "Goal hierarchy would create cycle"},
		{"child parent", b.ID, store.GoalInput{ParentID: store.Some(leaf.ID)}, store.EUNPROCESSABLE, "Goal hierarchy would create cycle"},
		{"foreign parent", leaf.ID, store.GoalInput{ParentID: store.Some(foreign.ID)}, store.EUNPROCESSABLE, "Parent goal must belong to same company"},
		{"missing parent", leaf.ID, store.GoalInput{ParentID: store.Some(store.NewID())}, store.ENOTFOUND, "Parent goal not found"},
		{"foreign owner", leaf.ID, store.GoalInput{OwnerAgentID: store.Some(foreignAgent)}, store.EUNPROCESSABLE, "Owner agent must belong to same company"},
		{"missing owner", leaf.ID, store.GoalInput{OwnerAgentID: store.Some(store.NewID())}, store.ENOTFOUND, "Owner agent not found"},
		{"bad level", leaf.ID, store.GoalInput{Level: store.Some("galaxy")}, store.EINVALID, "Validation error"},
		{"empty title", leaf.ID, store.GoalInput{Title: store.Some("  ")}, store.EINVALID, "Validation error"},
		{"missing goal", store.NewID(), store.GoalInput{Title: store.Some("x")}, store.ENOTFOUND, "Goal not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.UpdateGoal(ctx, tc.id, tc.in)
			wantCode(t, err, tc.code, tc.msg)
		})
	}
	// A refused update changed nothing.
	if g, _ := s.FindGoalByID(ctx, a.ID); g.ParentID != nil {
		t.Fatalf("refused update stored a parent: %+v", g)
	}
	// Moving the leaf under the root is not a loop; any status may follow any other.
	moved, err := s.UpdateGoal(ctx, leaf.ID, store.GoalInput{ParentID: store.Some(a.ID), Status: store.Some("achieved"), OwnerAgentID: store.Some(mine)})
	if err != nil || *moved.ParentID != a.ID || moved.Status != "achieved" || *moved.OwnerAgentID != mine {
		t.Fatalf("move: %+v %v", moved, err)
	}
	if moved, err = s.UpdateGoal(ctx, leaf.ID, store.GoalInput{Status: store.Some("planned")}); err != nil || moved.Status != "planned" {
		t.Fatalf("status back: %+v %v", moved, err)
	}
	// Siblings may nest: leaf is no longer below b, so b may go under leaf; then a
	// under b would close a loop through leaf.
	if _, err := s.UpdateGoal(ctx, b.ID, store.GoalInput{ParentID: store.Some(leaf.ID)}); err != nil {
		t.Fatalf("b under its former child: %v", err)
	}
	_, err = s.UpdateGoal(ctx, a.ID, store.GoalInput{ParentID: store.Some(b.ID)})
	wantCode(t, err, store.EUNPROCESSABLE, "Goal hierarchy would create cycle")
	if _, err := s.UpdateGoal(ctx, leaf.ID, store.GoalInput{ParentID: store.Optional[string]{Set: true, Null: true}}); err != nil {
		t.Fatal(err)
	}

	roots, err := s.FindGoals(ctx, store.GoalFilter{CompanyID: c.ID, ParentNull: true})
	if err != nil || len(roots) != 2 || roots[0].ParentID != nil || roots[1].ParentID != nil || roots[0].ID == b.ID || roots[1].ID == b.ID {
		t.Fatalf("roots %v %v", goalTitles(roots), err)
	}
	kids, _ := s.FindGoals(ctx, store.GoalFilter{CompanyID: c.ID, ParentID: leaf.ID})
	teams, _ := s.FindGoals(ctx, store.GoalFilter{CompanyID: c.ID, Level: "team"})
	owned, _ := s.FindGoals(ctx, store.GoalFilter{CompanyID: c.ID, OwnerAgentID: mine})
	all, _ := s.FindGoals(ctx, store.GoalFilter{CompanyID: c.ID})
	paged, _ := s.FindGoals(ctx, store.GoalFilter{CompanyID: c.ID, Limit: 1, Offset: 1})
	if len(kids) != 1 || kids[0].ID != b.ID || len(teams) != 1 || len(owned) != 1 || len(all) != 3 || len(paged) != 1 || paged[0].ID != all[1].ID {
		t.Fatalf("filters: kids %v teams %v owned %v paged %v", goalTitles(kids), goalTitles(teams), goalTitles(owned), goalTitles(paged))
	}
	acts, _ := s.FindActivity(ctx, store.ActivityFilter{CompanyID: c.ID, Action: "goal.*"})
	if len(acts) != 3+4 {
		t.Fatalf("goal activity rows %d, want 7 (3 creates, 4 applied updates)", len(acts))
	}
}

// TestGoalDeleteClearsReferences: children become roots, issues and projects lose the
// goal, and a project's legacy goalId falls back to its next goal.
func TestGoalDeleteClearsReferences(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Del")
	g := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Gone")})
	h := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Stays")})
	child := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Child"), ParentID: store.Some(g.ID)})
	p, err := s.CreateProject(ctx, c.ID, store.ProjectInput{Name: store.Some("P"), GoalIDs: store.Some([]string{g.ID, h.ID})})
	if err != nil || *p.GoalID != g.ID || len(p.Goals) != 2 || p.Goals[1].Title != "Stays" {
		t.Fatalf("project %+v %v", p, err)
	}
	is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("t"), GoalID: store.Some(g.ID)})
	deleted, err := s.DeleteGoal(ctx, g.ID)
	if err != nil || deleted.Title != "Gone" {
		t.Fatalf("delete %+v %v", deleted, err)
	}
	if got, _ := s.FindGoalByID(ctx, child.ID); got.ParentID != nil {
		t.Fatalf("child keeps parent %v", *got.ParentID)
	}
	if got, _ := s.FindIssueByID(ctx, is.ID); got.GoalID != nil {
		t.Fatalf("issue keeps goal %v", *got.GoalID)
	}
	p, _ = s.FindProjectByID(ctx, p.ID)
	if p.GoalID == nil || *p.GoalID != h.ID || len(p.GoalIDs) != 1 || p.GoalIDs[0] != h.ID {
		t.Fatalf("project goals after delete: %v %v", p.GoalID, p.GoalIDs)
	}
	_, err = s.FindGoalByID(ctx, g.ID)
	wantCode(t, err, store.ENOTFOUND, "Goal not found")
	if acts, _ := s.FindActivity(ctx, store.ActivityFilter{CompanyID: c.ID, Action: "goal.deleted"}); len(acts) != 1 || acts[0].EntityID != g.ID {
		t.Fatalf("goal.deleted rows %v", acts)
	}
}

// TestCompanyDefaultGoal: an issue filed without goal or project gets the oldest root
// company-level goal, an active one first; with a project it gets the project's goal.
func TestCompanyDefaultGoal(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Default")
	if is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("none")}); is.GoalID != nil {
		t.Fatalf("goal without goals: %v", *is.GoalID)
	}
	planned := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Old plan"), Level: store.Some("company")})
	mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Team"), Level: store.Some("team"), Status: store.Some("active")})
	if is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("a")}); is.GoalID == nil || *is.GoalID != planned.ID {
		t.Fatalf("want the planned company goal, got %v", is.GoalID)
	}
	active := mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Now"), Level: store.Some("company"), Status: store.Some("active")})
	mustGoal(t, s, c.ID, store.GoalInput{Title: store.Some("Nested"), Level: store.Some("company"), Status: store.Some("active"), ParentID: store.Some(active.ID)})
	if is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("b")}); is.GoalID == nil || *is.GoalID != active.ID {
		t.Fatalf("want the active company goal, got %v", is.GoalID)
	}
	p, err := s.CreateProject(ctx, c.ID, store.ProjectInput{Name: store.Some("Goalless")})
	if err != nil {
		t.Fatal(err)
	}
	if is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("c"), ProjectID: store.Some(p.ID)}); is.GoalID != nil {
		t.Fatalf("a project without goals gives none, got %v", *is.GoalID)
	}
	if _, err := s.UpdateProject(ctx, p.ID, store.ProjectInput{GoalID: store.Some(planned.ID)}); err != nil {
		t.Fatal(err)
	}
	if is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("d"), ProjectID: store.Some(p.ID)}); is.GoalID == nil || *is.GoalID != planned.ID {
		t.Fatalf("want the project's goal, got %v", is.GoalID)
	}
}
