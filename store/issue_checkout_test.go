package store_test

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"paperclip/store"
)

func checkoutIn(agent string, statuses ...string) store.CheckoutInput {
	if len(statuses) == 0 {
		statuses = []string{"todo", "backlog", "blocked", "in_review"}
	}
	return store.CheckoutInput{AgentID: store.Some(agent), ExpectedStatuses: store.Some(statuses)}
}

// TestCheckoutRace: 100 agents, each in its own live run, check out one todo issue at
// the same time. Exactly one wins; every other call is a 409 conflict, never an error
// of another kind.
func TestCheckoutRace(t *testing.T) {
	s := MustOpen(t)
	c := mustCompany(t, s, "Race")
	is := mustIssue(t, s, boardCtx(), c.ID, store.IssueInput{Title: store.Some("contested"), Status: store.Some("todo")})
	const n = 100
	agents, runs := make([]string, n), make([]string, n)
	for i := range agents {
		agents[i] = insertAgent(t, s, c.ID, "Agent "+itoa(i), "engineer", "idle")
		runs[i] = insertRun(t, s, c.ID, agents[i], "running")
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, errs[i] = s.CheckoutIssue(agentCtx(c.ID, agents[i], runs[i]), is.ID, checkoutIn(agents[i]))
		}(i)
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch store.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Fatalf("two winners: %d and %d", winner, i)
			}
			winner = i
		case store.ECONFLICT:
			if err.(*store.Error).Message != "Issue checkout conflict" {
				t.Fatalf("conflict message %v", err)
			}
		default:
			t.Fatalf("agent %d: unexpected error %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("nobody won")
	}
	got, _ := s.FindIssueByID(boardCtx(), is.ID)
	if got.Status != "in_progress" || *got.AssigneeAgentID != agents[winner] || *got.CheckoutRunID != runs[winner] ||
		*got.ExecutionRunID != runs[winner] || got.ExecutionAgentNameKey == nil || got.StartedAt == nil {
		t.Fatalf("winner state %+v", got)
	}
	acts, _ := s.FindActivity(boardCtx(), store.ActivityFilter{CompanyID: c.ID, Action: "issue.checked_out"})
	if len(acts) != 1 {
		t.Fatalf("%d checkout activity rows", len(acts))
	}
}

func TestCheckoutRules(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{Waker: rec})
	board := boardCtx()
	c := mustCompany(t, s, "Rules")
	dev := insertAgent(t, s, c.ID, "Dev", "engineer", "idle")
	other := insertAgent(t, s, c.ID, "Other", "engineer", "idle")
	run := insertRun(t, s, c.ID, dev, "running")
	is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("work"), Status: store.Some("todo")})
	dctx := agentCtx(c.ID, dev, run)

	_, err := s.CheckoutIssue(dctx, is.ID, checkoutIn(other))
	wantCode(t, err, store.EFORBIDDEN, "Agent can only checkout as itself")
	_, err = s.CheckoutIssue(agentCtx(c.ID, dev, ""), is.ID, checkoutIn(dev))
	wantCode(t, err, store.EUNAUTHORIZED, "Agent run id required")
	_, err = s.CheckoutIssue(dctx, is.ID, checkoutIn(dev, "todo", "done"))
	wantCode(t, err, store.EUNPROCESSABLE, "expectedStatuses cannot include done or cancelled")
	_, err = s.CheckoutIssue(board, is.ID, checkoutIn(store.NewID()))
	wantCode(t, err, store.ENOTFOUND, "Agent not found")
	for status, msg := range map[string]string{"pending_approval": "pending approval", "terminated": "terminated"} {
		a := insertAgent(t, s, c.ID, "A "+status, "engineer", status)
		_, err = s.CheckoutIssue(board, is.ID, checkoutIn(a))
		wantCode(t, err, store.ECONFLICT, msg)
	}
	_, err = s.CheckoutIssue(dctx, is.ID, checkoutIn(dev, "backlog"))
	wantCode(t, err, store.ECONFLICT, "Issue checkout conflict")

	// An agent checking out in its own run is not woken; the same run again is
	// idempotent and writes nothing.
	rec.take()
	got, err := s.CheckoutIssue(dctx, is.ID, checkoutIn(dev))
	if err != nil || got.Status != "in_progress" || *got.CheckoutRunID != run {
		t.Fatalf("checkout: %v %+v", err, got)
	}
	if w := rec.take(); len(w) != 0 {
		t.Fatalf("own-run checkout woke %v", w)
	}
	before, _ := s.FindActivity(board, store.ActivityFilter{CompanyID: c.ID})
	if _, err := s.CheckoutIssue(dctx, is.ID, checkoutIn(dev, "in_progress")); err != nil {
		t.Fatalf("idempotent: %v", err)
	}
	if after, _ := s.FindActivity(board, store.ActivityFilter{CompanyID: c.ID}); len(after) != len(before) {
		t.Fatalf("idempotent checkout wrote activity")
	}
	// Another agent conflicts, with the lock state in details.
	orun := insertRun(t, s, c.ID, other, "running")
	_, err = s.CheckoutIssue(agentCtx(c.ID, other, orun), is.ID, checkoutIn(other, "in_progress", "todo"))
	wantCode(t, err, store.ECONFLICT, "Issue checkout conflict")
	if d := err.(*store.Error).Details.(map[string]any); d["checkoutRunId"].(*string) == nil || *d["checkoutRunId"].(*string) != run {
		t.Fatalf("details %v", d)
	}
	// The run crashes: the same agent re-claims with a new run; the stale lock is adopted.
	mustExec(t, rawDB(t, s), `UPDATE heartbeat_runs SET status = 'failed' WHERE id = ?`, run)
	run2 := insertRun(t, s, c.ID, dev, "running")
	got, err = s.CheckoutIssue(agentCtx(c.ID, dev, run2), is.ID, checkoutIn(dev, "in_progress"))
	if err != nil || *got.CheckoutRunID != run2 {
		t.Fatalf("re-claim: %v %+v", err, got)
	}
	adopted, _ := s.FindActivity(board, store.ActivityFilter{CompanyID: c.ID, Action: "issue.checkout_lock_adopted"})
	if len(adopted) != 1 || !containsJSON(adopted[0].Details, `"previousCheckoutRunId":"`+run+`"`) {
		t.Fatalf("adoption activity %v", adopted)
	}
	// Release: only the assignee, only from its checkout run.
	_, err = s.ReleaseIssue(agentCtx(c.ID, other, orun), is.ID)
	wantCode(t, err, store.ECONFLICT, "Only assignee can release issue")
	_, err = s.ReleaseIssue(agentCtx(c.ID, dev, ""), is.ID)
	wantCode(t, err, store.EUNAUTHORIZED, "Agent run id required")
	run3 := insertRun(t, s, c.ID, dev, "running")
	_, err = s.ReleaseIssue(agentCtx(c.ID, dev, run3), is.ID)
	wantCode(t, err, store.ECONFLICT, "Only checkout run can release issue")
	rel, err := s.ReleaseIssue(agentCtx(c.ID, dev, run2), is.ID)
	if err != nil || rel.Status != "todo" || rel.AssigneeAgentID != nil || rel.CheckoutRunID != nil {
		t.Fatalf("release: %v %+v", err, rel)
	}
	// A board checkout on behalf of an agent wakes it; its run id is recorded unchecked.
	boardRun := store.NewID()
	bctx := store.NewContextWithActor(board, store.Actor{Kind: store.ActorBoard, UserID: store.LocalBoardUserID, InstanceAdmin: true, RunID: boardRun})
	got, err = s.CheckoutIssue(bctx, is.ID, checkoutIn(other))
	if err != nil || *got.CheckoutRunID != boardRun {
		t.Fatalf("board checkout: %v %+v", err, got)
	}
	if w := rec.take(); !slices.Equal(w, []string{other + ":issue_checked_out"}) {
		t.Fatalf("board checkout wakes %v", w)
	}
	if _, err := s.CheckoutIssue(bctx, is.ID, checkoutIn(other, "in_progress")); err != nil {
		t.Fatalf("board idempotent checkout: %v", err)
	}
	fr, err := s.ForceReleaseIssue(board, is.ID, true)
	if err != nil || fr.Issue.Status != "todo" || fr.Issue.AssigneeAgentID != nil || fr.Previous.CheckoutRunID == nil || *fr.Previous.CheckoutRunID != boardRun {
		t.Fatalf("force release: %v %+v", err, fr)
	}
	_, err = s.ForceReleaseIssue(dctx, is.ID, false)
	wantCode(t, err, store.EFORBIDDEN, "")
	// A project paused by its budget refuses checkouts.
	project := store.NewID()
	mustExec(t, rawDB(t, s), `INSERT INTO projects (id, company_id, name, url_key, pause_reason, paused_at, created_at, updated_at)
		VALUES (?, ?, 'P', 'p', 'budget', ?, ?, ?)`, project, c.ID, fixtureTime, fixtureTime, fixtureTime)
	mustPatch(t, s, board, is.ID, store.IssuePatch{ProjectID: store.Some(project)})
	_, err = s.CheckoutIssue(board, is.ID, checkoutIn(dev))
	wantCode(t, err, store.ECONFLICT, "Project is paused because its budget hard-stop was reached")
}

func containsJSON(raw []byte, frag string) bool { return strings.Contains(string(raw), frag) }

func itoa(i int) string { return strconv.Itoa(i) }
