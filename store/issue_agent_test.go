package store_test

import (
	"slices"
	"testing"

	"paperclip/store"
)

func TestAgentWriteRules(t *testing.T) {
	s := MustOpen(t)
	board := boardCtx()
	c := mustCompany(t, s, "Writes")
	dev := insertAgent(t, s, c.ID, "Dev", "engineer", "idle")
	peer := insertAgent(t, s, c.ID, "Peer", "engineer", "idle")
	ceo := insertAgent(t, s, c.ID, "Boss", "ceo", "idle")
	run := insertRun(t, s, c.ID, dev, "running")
	peerRun := insertRun(t, s, c.ID, peer, "running")
	ceoRun := insertRun(t, s, c.ID, ceo, "running")
	is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("mine"), Status: store.Some("todo")})
	if _, err := s.CheckoutIssue(agentCtx(c.ID, dev, run), is.ID, checkoutIn(dev)); err != nil {
		t.Fatal(err)
	}
	desc := store.IssuePatch{Description: store.Some("x")}
	// Own in_progress issue: needs a run id that owns the checkout.
	_, err := s.UpdateIssue(agentCtx(c.ID, dev, ""), is.ID, desc)
	wantCode(t, err, store.EUNAUTHORIZED, "Agent run id required")
	run2 := insertRun(t, s, c.ID, dev, "running")
	_, err = s.UpdateIssue(agentCtx(c.ID, dev, run2), is.ID, desc)
	wantCode(t, err, store.ECONFLICT, "Issue run ownership conflict")
	if _, err := s.UpdateIssue(agentCtx(c.ID, dev, run), is.ID, desc); err != nil {
		t.Fatalf("owner write: %v", err)
	}
	// Another agent's in_progress issue: 409, unless it may manage active checkouts.
	_, err = s.UpdateIssue(agentCtx(c.ID, peer, peerRun), is.ID, desc)
	wantCode(t, err, store.ECONFLICT, "Issue is checked out by another agent")
	if err.(*store.Error).Tag != "issue_write_assignee_run_lock" {
		t.Fatalf("tag %q", err.(*store.Error).Tag)
	}
	if _, err := s.UpdateIssue(agentCtx(c.ID, ceo, ceoRun), is.ID, store.IssuePatch{Priority: store.Some("high")}); err != nil {
		t.Fatalf("ceo write: %v", err)
	}
	_, err = s.CreateComment(agentCtx(c.ID, dev, run2), is.ID, store.CommentInput{Body: store.Some("hi")})
	wantCode(t, err, store.ECONFLICT, "Issue run ownership conflict")
	if _, err := s.CreateComment(agentCtx(c.ID, peer, peerRun), is.ID, store.CommentInput{Body: store.Some("peer note")}); err != nil {
		t.Fatalf("agents may comment on others' issues: %v", err)
	}
	_, _, err = s.PutIssueDocument(agentCtx(c.ID, peer, peerRun), is.ID, "plan", store.DocumentInput{Format: store.Some("markdown"), Body: store.Some("x")})
	wantCode(t, err, store.ECONFLICT, "checked out by another agent")
	_, err = s.DeleteIssue(agentCtx(c.ID, peer, peerRun), is.ID)
	wantCode(t, err, store.ECONFLICT, "checked out by another agent")
	_, err = s.UpdateIssue(agentCtx(c.ID, dev, run), is.ID, store.IssuePatch{HiddenAt: store.Some("2026-01-01T00:00:00Z")})
	wantCode(t, err, store.EFORBIDDEN, "Only board users can hide issues")
	// The owning run ends: the next run adopts the lock on its first write.
	mustExec(t, rawDB(t, s), `UPDATE heartbeat_runs SET status = 'succeeded' WHERE id = ?`, run)
	up, err := s.UpdateIssue(agentCtx(c.ID, dev, run2), is.ID, desc)
	if err != nil || *up.CheckoutRunID != run2 {
		t.Fatalf("adopt on write: %v %+v", err, up.Issue)
	}
	// Delete: agents may delete only unassigned issues or their own.
	loose := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("loose")})
	peers := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("peer's"), AssigneeAgentID: store.Some(peer)})
	_, err = s.DeleteIssue(agentCtx(c.ID, dev, run2), peers.ID)
	wantCode(t, err, store.EFORBIDDEN, "Agent cannot mutate another agent's issue")
	if _, err := s.DeleteIssue(agentCtx(c.ID, dev, run2), loose.ID); err != nil {
		t.Fatalf("delete unassigned: %v", err)
	}
	// Assignment needs tasks:assign, except handing one's own issue back to its creator.
	mustExec(t, rawDB(t, s), `DELETE FROM principal_permission_grants WHERE principal_id = ?`, peer)
	_, err = s.UpdateIssue(agentCtx(c.ID, peer, peerRun), peers.ID, store.IssuePatch{AssigneeAgentID: store.Some(dev)})
	wantCode(t, err, store.EFORBIDDEN, "Missing permission: tasks:assign")
	back, err := s.UpdateIssue(agentCtx(c.ID, peer, peerRun), peers.ID, store.IssuePatch{
		AssigneeAgentID: store.Optional[string]{Set: true, Null: true}, AssigneeUserID: store.Some(store.LocalBoardUserID)})
	if err != nil || back.AssigneeUserID == nil || back.AssigneeAgentID != nil {
		t.Fatalf("hand back: %v %+v", err, back.Issue)
	}
	// Another company's agent sees nothing.
	other := mustCompany(t, s, "Far")
	stranger := insertAgent(t, s, other.ID, "Stranger", "ceo", "idle")
	_, err = s.UpdateIssue(agentCtx(other.ID, stranger, ""), is.ID, desc)
	wantCode(t, err, store.ENOTFOUND, "Issue not found")
	_, err = s.CreateComment(agentCtx(other.ID, stranger, ""), is.ID, store.CommentInput{Body: store.Some("x")})
	wantCode(t, err, store.ENOTFOUND, "Issue not found")
}

func TestExtractMentions(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	ids, tokens := store.ExtractMentions("Hi @cto and @Backend-Engineer, see [@CTO](agent://" + id + ") (@qa) [@pm]\n" +
		"mail a@b.c or x@y `@inline` ```\n@fenced\n``` @cto again")
	if !slices.Equal(ids, []string{id}) {
		t.Errorf("ids %v", ids)
	}
	if !slices.Equal(tokens, []string{"cto", "backend-engineer", "qa", "pm"}) {
		t.Errorf("tokens %v", tokens)
	}
	if _, tokens := store.ExtractMentions("@a @b"); !slices.Equal(tokens, []string{"a", "b"}) {
		t.Errorf("adjacent tokens %v", tokens)
	}
}

func TestCommentsMentionsAndWakes(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{Waker: rec, RunStopper: rec})
	board := boardCtx()
	c := mustCompany(t, s, "Talk")
	dev := insertAgent(t, s, c.ID, "Dev", "engineer", "idle")
	cto := insertAgent(t, s, c.ID, "CTO", "cto", "idle")
	qa := insertAgent(t, s, c.ID, "QA Lead", "qa", "idle")
	gone := insertAgent(t, s, c.ID, "Gone", "engineer", "terminated")
	is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("talk"), AssigneeAgentID: store.Some(dev)})
	rec.take()
	cm, err := s.CreateComment(board, is.Identifier, store.CommentInput{Body: store.Some("@cto please review; cc [@QA](agent://" + qa + ") @gone `@dev`")})
	if err != nil || cm.AuthorType != "user" || *cm.AuthorUserID != store.LocalBoardUserID {
		t.Fatalf("comment: %v %+v", err, cm)
	}
	w := rec.take()
	slices.Sort(w)
	want := []string{cto + ":issue_comment_mentioned", dev + ":issue_commented", qa + ":issue_comment_mentioned"}
	slices.Sort(want)
	if !slices.Equal(w, want) {
		t.Fatalf("wakes %v want %v", w, want)
	}
	var n int
	rawDB(t, s).QueryRow(`SELECT COUNT(*) FROM issue_comment_mentions WHERE comment_id = ?`, cm.ID).Scan(&n)
	if n != 2 {
		t.Fatalf("%d mention rows", n)
	}
	_ = gone
	// The assignee's own comment wakes nobody but who it mentions (never itself).
	run := insertRun(t, s, c.ID, dev, "running")
	if _, err := s.CreateComment(agentCtx(c.ID, dev, run), is.ID, store.CommentInput{Body: store.Some("done soon @dev @cto")}); err != nil {
		t.Fatal(err)
	}
	if w := rec.take(); !slices.Equal(w, []string{cto + ":issue_comment_mentioned"}) {
		t.Fatalf("own comment wakes %v", w)
	}
	// A mention and an assignment to the same agent in one request merge into one wake.
	up, err := s.UpdateIssue(board, is.ID, store.IssuePatch{AssigneeAgentID: store.Some(cto), Comment: store.Some("over to @cto")})
	if err != nil || up.Comment == nil || up.Changes["assigneeAgentId"].To != cto {
		t.Fatalf("patch+comment: %v %+v", err, up)
	}
	if w := rec.take(); !slices.Equal(w, []string{cto + ":issue_assigned"}) {
		t.Fatalf("merged wakes %v", w)
	}
	// Closed issues: agents cannot reopen, board reopen wakes the assignee.
	mustPatch(t, s, board, is.ID, store.IssuePatch{Status: store.Some("cancelled")})
	rec.take()
	_, err = s.CreateComment(agentCtx(c.ID, dev, run), is.ID, store.CommentInput{Body: store.Some("reopen?"), Reopen: store.Some(true)})
	wantCode(t, err, store.EUNPROCESSABLE, "Only board users can reopen closed issues")
	if _, err := s.CreateComment(board, is.ID, store.CommentInput{Body: store.Some("closed note")}); err != nil {
		t.Fatal(err)
	}
	if w := rec.take(); len(w) != 0 {
		t.Fatalf("closed issue comment woke %v", w)
	}
	if _, err := s.CreateComment(board, is.ID, store.CommentInput{Body: store.Some("again"), Reopen: store.Some(true)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindIssueByID(board, is.ID); got.Status != "todo" || got.CancelledAt != nil {
		t.Fatalf("reopened %+v", got)
	}
	if w := rec.take(); !slices.Equal(w, []string{cto + ":issue_reopened_via_comment"}) {
		t.Fatalf("reopen wakes %v", w)
	}
	// Interrupt: board only; cancels the live run and tells the runtime.
	_, err = s.CreateComment(agentCtx(c.ID, dev, run), is.ID, store.CommentInput{Body: store.Some("x"), Interrupt: store.Some(true)})
	wantCode(t, err, store.EFORBIDDEN, "Only board users can interrupt")
	live := insertRun(t, s, c.ID, cto, "running")
	mustExec(t, rawDB(t, s), `UPDATE issues SET execution_run_id = ? WHERE id = ?`, live, is.ID)
	if _, err := s.CreateComment(board, is.ID, store.CommentInput{Body: store.Some("stop"), Interrupt: store.Some(true)}); err != nil {
		t.Fatal(err)
	}
	var status, msg string
	rawDB(t, s).QueryRow(`SELECT status, error FROM heartbeat_runs WHERE id = ?`, live).Scan(&status, &msg)
	if status != "cancelled" || msg != "Interrupted by board comment" || !slices.Equal(rec.stopped, []string{live}) {
		t.Fatalf("interrupt: %s %q %v", status, msg, rec.stopped)
	}
	// Listing: order, after, limit.
	all, _ := s.FindComments(board, store.CommentFilter{IssueID: is.ID})
	desc, _ := s.FindComments(board, store.CommentFilter{IssueID: is.ID, Desc: true})
	if len(all) != 6 || all[0].ID != desc[len(desc)-1].ID {
		t.Fatalf("orders %d %d", len(all), len(desc))
	}
	after, _ := s.FindComments(board, store.CommentFilter{IssueID: is.ID, After: all[3].ID, Limit: 1})
	if len(after) != 1 || after[0].ID != all[4].ID {
		t.Fatalf("after %v", after)
	}
	if none, _ := s.FindComments(board, store.CommentFilter{IssueID: is.ID, After: store.NewID()}); len(none) != 0 {
		t.Fatalf("unknown anchor %v", none)
	}
	if _, err := s.FindCommentByID(board, is.ID, all[0].ID); err != nil {
		t.Fatal(err)
	}
}

func TestIssueCancelStopsLiveRun(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{RunStopper: rec})
	board := boardCtx()
	c := mustCompany(t, s, "Cancel")
	dev := insertAgent(t, s, c.ID, "Dev", "engineer", "idle")
	run := insertRun(t, s, c.ID, dev, "running")
	is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("x"), Status: store.Some("todo")})
	if _, err := s.CheckoutIssue(agentCtx(c.ID, dev, run), is.ID, checkoutIn(dev)); err != nil {
		t.Fatal(err)
	}
	up := mustPatch(t, s, board, is.ID, store.IssuePatch{Status: store.Some("cancelled")})
	if up.CheckoutRunID != nil || up.ExecutionRunID != nil {
		t.Fatalf("locks kept %+v", up.Issue)
	}
	acts, _ := s.FindActivity(board, store.ActivityFilter{CompanyID: c.ID, Action: "heartbeat.cancelled"})
	if len(acts) != 1 || !slices.Equal(rec.stopped, []string{run}) {
		t.Fatalf("cancel run: %v %v", acts, rec.stopped)
	}
}

func TestDocumentsRevisions(t *testing.T) {
	s := MustOpen(t)
	board := boardCtx()
	c := mustCompany(t, s, "Docs")
	is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("doc")})
	md := func(body, base string) store.DocumentInput {
		in := store.DocumentInput{Format: store.Some("markdown"), Body: store.Some(body), Title: store.Some(" Plan ")}
		if base != "" {
			in.BaseRevisionID = store.Some(base)
		}
		return in
	}
	_, _, err := s.PutIssueDocument(board, is.ID, "plan", md("v0", store.NewID()))
	wantCode(t, err, store.ECONFLICT, "Document does not exist yet")
	d, created, err := s.PutIssueDocument(board, is.ID, "PLAN", md("v1", ""))
	if err != nil || !created || d.Key != "plan" || d.LatestRevisionNumber != 1 || *d.Title != "Plan" {
		t.Fatalf("create: %v %+v", err, d)
	}
	_, _, err = s.PutIssueDocument(board, is.ID, "plan", md("v2", ""))
	wantCode(t, err, store.ECONFLICT, "Document update requires baseRevisionId")
	first := *d.LatestRevisionID
	d, created, err = s.PutIssueDocument(board, is.ID, "plan", md("v2", first))
	if err != nil || created || d.LatestRevisionNumber != 2 {
		t.Fatalf("update: %v %+v", err, d)
	}
	_, _, err = s.PutIssueDocument(board, is.ID, "plan", md("v3", first))
	wantCode(t, err, store.ECONFLICT, "Document was updated by someone else")
	if det := err.(*store.Error).Details.(map[string]any); det["currentRevisionNumber"] != 2 {
		t.Fatalf("stale details %v", det)
	}
	_, err = s.RestoreDocumentRevision(board, is.ID, "plan", *d.LatestRevisionID)
	wantCode(t, err, store.ECONFLICT, "Selected revision is already the latest revision")
	d, err = s.RestoreDocumentRevision(board, is.ID, "plan", first)
	if err != nil || d.Body != "v1" || d.LatestRevisionNumber != 3 {
		t.Fatalf("restore: %v %+v", err, d)
	}
	revs, _ := s.FindDocumentRevisions(board, is.ID, "plan")
	if len(revs) != 3 || revs[0].RevisionNumber != 3 || *revs[0].ChangeSummary != "Restored revision 1" {
		t.Fatalf("revisions %+v", revs)
	}
	det, _ := s.FindIssueDetail(board, is.ID)
	if det.PlanDocument == nil || det.PlanDocument.Body != "v1" || len(det.DocumentSummaries) != 1 {
		t.Fatalf("detail plan %+v", det.PlanDocument)
	}
	_, _, err = s.PutIssueDocument(board, is.ID, "-bad", md("x", ""))
	wantCode(t, err, store.EINVALID, "Invalid document key")
	dev := insertAgent(t, s, c.ID, "Dev", "engineer", "idle")
	wantCode(t, s.DeleteIssueDocument(agentCtx(c.ID, dev, ""), is.ID, "plan"), store.EFORBIDDEN, "Board authentication required")
	if err := s.DeleteIssueDocument(board, is.ID, "plan"); err != nil {
		t.Fatal(err)
	}
	var n int
	rawDB(t, s).QueryRow(`SELECT COUNT(*) FROM document_revisions`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d revisions survived", n)
	}
}
