package store_test

import (
	"math/rand"
	"slices"
	"testing"

	"paperclip/store"
)

func TestCanTransitionTable(t *testing.T) {
	want := map[string][]string{
		"backlog":     {"todo", "cancelled"},
		"todo":        {"in_progress", "blocked", "cancelled"},
		"in_progress": {"in_review", "blocked", "done", "cancelled"},
		"in_review":   {"in_progress", "done", "cancelled"},
		"blocked":     {"todo", "in_progress", "cancelled"},
		"done":        {"todo"},
		"cancelled":   {"todo"},
	}
	for _, from := range store.IssueStatuses {
		for _, to := range store.IssueStatuses {
			if got, exp := store.CanTransition(from, to), slices.Contains(want[from], to); got != exp {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, exp)
			}
		}
		if got := store.AllowedTransitions(from, true); !slices.Equal(got, want[from]) {
			t.Errorf("board allowed from %s = %v", from, got)
		}
	}
	if got := store.AllowedTransitions("done", false); len(got) != 0 {
		t.Errorf("agents may reopen: %v", got)
	}
	if err := store.CheckTransition("done", "todo", false); store.ErrorCode(err) != store.EUNPROCESSABLE {
		t.Errorf("agent reopen allowed: %v", err)
	}
	if err := store.CheckTransition("done", "todo", true); err != nil {
		t.Errorf("board reopen refused: %v", err)
	}
	if err := store.CheckTransition("todo", "todo", false); err != nil {
		t.Errorf("same status refused: %v", err)
	}
	e := store.TransitionError("backlog", "done", true)
	if e.Message != "Invalid issue status transition: backlog -> done" || e.Tag != "invalid_status_transition" {
		t.Errorf("transition error %+v", e)
	}
}

func TestIssueStatusSideEffects(t *testing.T) {
	s := MustOpen(t)
	ctx := boardCtx()
	c := mustCompany(t, s, "Status")
	agent := insertAgent(t, s, c.ID, "Worker", "engineer", "idle")
	is := mustIssue(t, s, ctx, c.ID, store.IssueInput{Title: store.Some("A")})
	if is.Status != "backlog" {
		t.Fatalf("default status %s", is.Status)
	}
	patch := func(p store.IssuePatch) (store.IssueUpdated, error) { return s.UpdateIssue(ctx, is.ID, p) }
	_, err := patch(store.IssuePatch{Status: store.Some("done")})
	wantCode(t, err, store.EUNPROCESSABLE, "Invalid issue status transition: backlog -> done")
	if e := err.(*store.Error); !slices.Equal(e.Details.(map[string]any)["allowed"].([]string), []string{"todo", "cancelled"}) {
		t.Fatalf("details %v", e.Details)
	}
	up, err := patch(store.IssuePatch{Status: store.Some("todo")})
	if err != nil || up.Status != "todo" || up.Changes["status"].From != "backlog" {
		t.Fatalf("todo: %v %+v", err, up.Changes)
	}
	_, err = patch(store.IssuePatch{Status: store.Some("in_progress")})
	wantCode(t, err, store.EUNPROCESSABLE, "in_progress issues require an assignee")
	up, err = patch(store.IssuePatch{Status: store.Some("in_progress"), AssigneeAgentID: store.Some(agent)})
	if err != nil || up.StartedAt == nil {
		t.Fatalf("in_progress: %v %+v", err, up.Issue)
	}
	started := *up.StartedAt
	up, err = patch(store.IssuePatch{Status: store.Some("done")})
	if err != nil || up.CompletedAt == nil {
		t.Fatalf("done: %v", err)
	}
	// Same status is a no-op, not an error, and changes nothing.
	up, err = patch(store.IssuePatch{Status: store.Some("done")})
	if err != nil || len(up.Changes) != 0 {
		t.Fatalf("same status: %v %v", err, up.Changes)
	}
	// Agents cannot reopen; the board can, with reopen:true.
	_, err = s.UpdateIssue(agentCtx(c.ID, agent, ""), is.ID, store.IssuePatch{Status: store.Some("todo")})
	wantCode(t, err, store.EUNPROCESSABLE, "done -> todo")
	_, err = s.UpdateIssue(agentCtx(c.ID, agent, ""), is.ID, store.IssuePatch{Reopen: store.Some(true)})
	wantCode(t, err, store.EUNPROCESSABLE, "done -> todo")
	up, err = patch(store.IssuePatch{Reopen: store.Some(true)})
	if err != nil || up.Status != "todo" || up.CompletedAt != nil {
		t.Fatalf("reopen: %v %+v", err, up.Issue)
	}
	up, err = patch(store.IssuePatch{Status: store.Some("cancelled")})
	if err != nil || up.CancelledAt == nil {
		t.Fatalf("cancel: %v", err)
	}
	up, err = patch(store.IssuePatch{Status: store.Some("todo")})
	if err != nil || up.CancelledAt != nil {
		t.Fatalf("reopen cancelled: %v", err)
	}
	up, err = patch(store.IssuePatch{Status: store.Some("in_progress")})
	if err != nil || *up.StartedAt != started {
		t.Fatalf("startedAt must stay the first entry: %v %v", err, up.StartedAt)
	}
}

// TestRandomPatchesRespectStatusMachine drives random PATCH, checkout, release and
// comment sequences through the store and checks after every step that the issue is
// in a state the machine allows and that the step itself was a legal move.
func TestRandomPatchesRespectStatusMachine(t *testing.T) {
	s := MustOpen(t)
	board := boardCtx()
	c := mustCompany(t, s, "Prop")
	agents := []string{insertAgent(t, s, c.ID, "A1", "engineer", "idle"), insertAgent(t, s, c.ID, "A2", "engineer", "idle")}
	blocker := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("blocker")})
	rng := rand.New(rand.NewSource(42))
	okOps := map[int]int{}
	for round := 0; round < 6; round++ {
		is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("prop")})
		prev := is
		for step := 0; step < 120; step++ {
			agent := agents[rng.Intn(len(agents))]
			var err error
			op := rng.Intn(8)
			switch op {
			case 0, 1, 2:
				_, err = s.UpdateIssue(board, is.ID, store.IssuePatch{Status: store.Some(store.IssueStatuses[rng.Intn(7)])})
			case 3:
				p := store.IssuePatch{}
				if rng.Intn(3) == 0 {
					p.AssigneeAgentID = store.Optional[string]{Set: true, Null: true}
				} else {
					p.AssigneeAgentID = store.Some(agent)
				}
				_, err = s.UpdateIssue(board, is.ID, p)
			case 4:
				run := insertRun(t, s, c.ID, agent, "running")
				_, err = s.CheckoutIssue(agentCtx(c.ID, agent, run), is.ID, store.CheckoutInput{AgentID: store.Some(agent),
					ExpectedStatuses: store.Some([]string{"backlog", "todo", "blocked", "in_review"})})
			case 5:
				_, err = s.ReleaseIssue(board, is.ID)
			case 6:
				_, err = s.UpdateIssue(agentCtx(c.ID, agent, ""), is.ID, store.IssuePatch{Status: store.Some(store.IssueStatuses[rng.Intn(7)])})
			case 7:
				ids := []string{}
				if rng.Intn(2) == 0 {
					ids = []string{blocker.ID}
				}
				_, err = s.UpdateIssue(board, is.ID, store.IssuePatch{BlockedByIssueIDs: store.Some(ids)})
			}
			if err == nil {
				okOps[op]++
			}
			if err != nil && store.ErrorCode(err) == store.EINTERNAL {
				t.Fatalf("round %d step %d op %d: internal error %v", round, step, op, err)
			}
			cur, ferr := s.FindIssueByID(board, is.ID)
			if ferr != nil {
				t.Fatal(ferr)
			}
			legal := cur.Status == prev.Status || store.CanTransition(prev.Status, cur.Status) ||
				(op == 4 && cur.Status == "in_progress") || (op == 5 && prev.Status == "in_progress" && cur.Status == "todo")
			if !legal {
				t.Fatalf("round %d step %d op %d: illegal move %s -> %s", round, step, op, prev.Status, cur.Status)
			}
			if op == 6 && store.IsReopen(prev.Status, cur.Status) {
				t.Fatalf("agent reopened %s", prev.Status)
			}
			checkIssueInvariants(t, cur)
			prev = cur
		}
	}
	// Every kind of step must have succeeded sometimes, or the walk proves little.
	for op := 0; op < 8; op++ {
		if okOps[op] == 0 {
			t.Errorf("op %d never succeeded (%v)", op, okOps)
		}
	}
	t.Logf("successful steps per op: %v", okOps)
}

func checkIssueInvariants(t *testing.T, is store.Issue) {
	t.Helper()
	if is.Status == "in_progress" && is.AssigneeAgentID == nil && is.AssigneeUserID == nil {
		t.Fatalf("in_progress without assignee: %+v", is)
	}
	if is.AssigneeAgentID != nil && is.AssigneeUserID != nil {
		t.Fatalf("two assignees")
	}
	if (is.Status == "done") != (is.CompletedAt != nil) {
		t.Fatalf("completedAt %v with status %s", is.CompletedAt, is.Status)
	}
	if (is.Status == "cancelled") != (is.CancelledAt != nil) {
		t.Fatalf("cancelledAt %v with status %s", is.CancelledAt, is.Status)
	}
	if is.Status == "in_progress" && is.StartedAt == nil {
		t.Fatalf("in_progress without startedAt")
	}
	if is.Status != "in_progress" && (is.CheckoutRunID != nil || is.ExecutionRunID != nil) {
		t.Fatalf("run lock outside in_progress: %s %v %v", is.Status, is.CheckoutRunID, is.ExecutionRunID)
	}
	if !store.IsIssueStatus(is.Status) {
		t.Fatalf("unknown status %s", is.Status)
	}
}
