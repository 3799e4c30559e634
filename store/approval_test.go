package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"paperclip/store"
)

// TestDecisionOutcomeTable is approvals.md §2.3 as a table: every decision from every
// status either applies, is a quiet repeat, or is refused with the route's message.
func TestDecisionOutcomeTable(t *testing.T) {
	const apply, noop, refuse = "apply", "noop", "refuse"
	want := map[string]map[string]string{
		store.ApprovalApproved: {"pending": apply, "revision_requested": apply, "approved": noop, "rejected": refuse, "cancelled": refuse},
		store.ApprovalRejected: {"pending": apply, "revision_requested": apply, "approved": refuse, "rejected": noop, "cancelled": refuse},
		store.ApprovalRevisionRequested: {"pending": apply, "revision_requested": refuse, "approved": refuse, "rejected": refuse,
			"cancelled": refuse},
	}
	msgs := map[string]string{
		store.ApprovalApproved:          "Only pending or revision requested approvals can be approved",
		store.ApprovalRejected:          "Only pending or revision requested approvals can be rejected",
		store.ApprovalRevisionRequested: "Only pending approvals can request revision",
	}
	for target, row := range want {
		for _, from := range store.ApprovalStatuses {
			a, n, err := store.DecisionOutcome(target, from)
			got := refuse
			switch {
			case a:
				got = apply
			case n:
				got = noop
			}
			if got != row[from] {
				t.Errorf("%s from %s: %s, want %s", target, from, got, row[from])
			}
			if got == refuse {
				wantCode(t, err, store.EUNPROCESSABLE, msgs[target])
			} else if err != nil {
				t.Errorf("%s from %s: %v", target, from, err)
			}
		}
	}
}

func mustApproval(tb testing.TB, s *store.Store, ctx context.Context, companyID, typ string, issueIDs ...string) store.Approval {
	tb.Helper()
	in := store.ApprovalInput{Type: store.Some(typ), Payload: store.Some(map[string]any{"title": "Plan", "apiKey": "sk-123"})}
	if issueIDs != nil {
		in.IssueIDs = store.Some(issueIDs)
	}
	ap, err := s.CreateApproval(ctx, companyID, in)
	if err != nil {
		tb.Fatalf("create approval: %v", err)
	}
	return ap
}

func countActions(tb testing.TB, s *store.Store, companyID, action string) int {
	tb.Helper()
	acts, err := s.FindActivity(boardCtx(), store.ActivityFilter{CompanyID: companyID, Action: action, Limit: 500})
	if err != nil {
		tb.Fatal(err)
	}
	return len(acts)
}

// TestApprovalDecisionRules drives the decisions through the store: board only, one
// conditional update, effects (activity, wake) only when a row moved.
func TestApprovalDecisionRules(t *testing.T) {
	rec := &recorder{}
	s := MustOpen(t, store.Options{Waker: rec})
	board := boardCtx()
	c := mustCompany(t, s, "Decide")
	ceo := insertAgent(t, s, c.ID, "Chief", "ceo", "idle")
	peer := insertAgent(t, s, c.ID, "Peer", "engineer", "idle")
	ceoCtx, peerCtx := agentCtx(c.ID, ceo, ""), agentCtx(c.ID, peer, "")
	is := mustIssue(t, s, board, c.ID, store.IssueInput{Title: store.Some("linked")})

	ap := mustApproval(t, s, ceoCtx, c.ID, store.ApprovalCEOStrategy, is.ID)
	if ap.Status != "pending" || ap.RequestedByAgentID == nil || *ap.RequestedByAgentID != ceo || ap.RequestedByUserID != nil {
		t.Fatalf("created %+v", ap)
	}
	var payload map[string]any
	json.Unmarshal(ap.Payload, &payload)
	if payload["apiKey"] != store.Redacted || payload["title"] != "Plan" {
		t.Fatalf("payload not redacted on read: %s", ap.Payload)
	}
	// Agents never decide, not even the requester.
	_, err := s.DecideApproval(ceoCtx, ap.ID, store.ApprovalApproved, store.DecisionInput{})
	wantCode(t, err, store.EFORBIDDEN, "Board access required")

	note := store.Some("needs numbers")
	rev, err := s.DecideApproval(board, ap.ID, store.ApprovalRevisionRequested, store.DecisionInput{DecisionNote: note})
	if err != nil || rev.Status != "revision_requested" || *rev.DecisionNote != "needs numbers" || *rev.DecidedByUserID != store.LocalBoardUserID || rev.DecidedAt == nil {
		t.Fatalf("revision %+v %v", rev, err)
	}
	if got := rec.take(); len(got) != 1 || got[0] != ceo+":approval_revision_requested" {
		t.Fatalf("revision wakes %v", got)
	}
	_, err = s.DecideApproval(board, ap.ID, store.ApprovalRevisionRequested, store.DecisionInput{})
	wantCode(t, err, store.EUNPROCESSABLE, "Only pending approvals can request revision")

	// Only the requester (or the board) resubmits; the payload is replaced and the
	// decision cleared.
	_, err = s.ResubmitApproval(peerCtx, ap.ID, store.ResubmitInput{})
	wantCode(t, err, store.EFORBIDDEN, "Only requesting agent can resubmit this approval")
	re, err := s.ResubmitApproval(ceoCtx, ap.ID, store.ResubmitInput{Payload: store.Some(map[string]any{"title": "Plan v2"})})
	if err != nil || re.Status != "pending" || re.DecisionNote != nil || re.DecidedByUserID != nil || re.DecidedAt != nil || string(re.Payload) != `{"title":"Plan v2"}` {
		t.Fatalf("resubmit %+v %s %v", re, re.Payload, err)
	}
	_, err = s.ResubmitApproval(ceoCtx, ap.ID, store.ResubmitInput{})
	wantCode(t, err, store.EUNPROCESSABLE, "Only revision requested approvals can be resubmitted")

	ok, err := s.DecideApproval(board, ap.ID, store.ApprovalApproved, store.DecisionInput{})
	if err != nil || ok.Status != "approved" {
		t.Fatalf("approve %+v %v", ok, err)
	}
	rec.mu.Lock()
	last := rec.wakes[len(rec.wakes)-1]
	rec.mu.Unlock()
	if last.Reason != "approval_approved" || last.Source != store.WakeSourceAutomation || last.IssueID != is.ID ||
		last.Payload["approvalId"] != ap.ID || last.Payload["approvalStatus"] != "approved" || fmt.Sprint(last.Payload["issueIds"]) != "["+is.ID+"]" {
		t.Fatalf("approve wake %+v", last)
	}
	rec.take()
	// The same decision again is a no-op: same row, no wake, no activity.
	before := countActions(t, s, c.ID, "approval.*")
	again, err := s.DecideApproval(board, ap.ID, store.ApprovalApproved, store.DecisionInput{DecisionNote: store.Some("changed my mind")})
	if err != nil || again.UpdatedAt != ok.UpdatedAt || again.DecisionNote != nil {
		t.Fatalf("repeat approve %+v %v", again, err)
	}
	if got := rec.take(); len(got) != 0 || countActions(t, s, c.ID, "approval.*") != before {
		t.Fatalf("repeat approve had effects: wakes %v", got)
	}
	_, err = s.DecideApproval(board, ap.ID, store.ApprovalRejected, store.DecisionInput{})
	wantCode(t, err, store.EUNPROCESSABLE, "Only pending or revision requested approvals can be rejected")

	for _, action := range []string{"approval.created", "approval.revision_requested", "approval.resubmitted", "approval.approved"} {
		if n := countActions(t, s, c.ID, action); n != 1 {
			t.Errorf("%s rows %d", action, n)
		}
	}
	if n := countActions(t, s, c.ID, "approval.requester_wakeup_queued"); n != 2 {
		t.Errorf("wakeup_queued rows %d, want 2", n)
	}
	issues, err := s.FindApprovalIssues(board, ap)
	if err != nil || len(issues) != 1 || issues[0].ID != is.ID {
		t.Fatalf("linked issues %v %v", issues, err)
	}

	// A paused requester is not woken; the refusal is on the record instead.
	paused := insertAgent(t, s, c.ID, "Sleepy", "engineer", "paused")
	ap2 := mustApproval(t, s, agentCtx(c.ID, paused, ""), c.ID, store.ApprovalRequestBoard)
	if _, err := s.DecideApproval(board, ap2.ID, store.ApprovalRejected, store.DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 || countActions(t, s, c.ID, "approval.requester_wakeup_failed") != 1 {
		t.Fatalf("paused requester woken %v", got)
	}

	// Create rules.
	_, err = s.CreateApproval(board, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalBudgetOverride), Payload: store.Some(map[string]any{})})
	wantCode(t, err, store.EUNPROCESSABLE, "budget_override_required approvals are created by the budget engine")
	other := mustCompany(t, s, "Elsewhere")
	foreignIssue := mustIssue(t, s, board, other.ID, store.IssueInput{Title: store.Some("theirs")})
	_, err = s.CreateApproval(board, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalRequestBoard), Payload: store.Some(map[string]any{}),
		IssueIDs: store.Some([]string{foreignIssue.ID})})
	wantCode(t, err, store.EUNPROCESSABLE, "Linked issues must belong to same company")
	_, err = s.CreateApproval(board, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalRequestBoard), Payload: store.Some(map[string]any{}),
		RequestedByAgentID: store.Some(insertAgent(t, s, other.ID, "Foreign", "ceo", "idle"))})
	wantCode(t, err, store.ENOTFOUND, "Agent not found")
	named, err := s.CreateApproval(board, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalRequestBoard), Payload: store.Some(map[string]any{}),
		RequestedByAgentID: store.Some(peer)})
	if err != nil || *named.RequestedByAgentID != peer || *named.RequestedByUserID != store.LocalBoardUserID {
		t.Fatalf("board naming an agent: %+v %v", named, err)
	}
	// An agent is always recorded as itself.
	self, err := s.CreateApproval(peerCtx, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalRequestBoard), Payload: store.Some(map[string]any{}),
		RequestedByAgentID: store.Some(ceo)})
	if err != nil || *self.RequestedByAgentID != peer {
		t.Fatalf("agent naming another agent: %+v %v", self, err)
	}
	pending, _ := s.FindApprovals(board, store.ApprovalFilter{CompanyID: c.ID, Status: "pending"})
	strategy, _ := s.FindApprovals(board, store.ApprovalFilter{CompanyID: c.ID, Type: store.ApprovalCEOStrategy})
	if len(pending) != 2 || len(strategy) != 1 || strategy[0].ID != ap.ID {
		t.Fatalf("filters: pending %d strategy %d", len(pending), len(strategy))
	}
}

// TestHireApprovalOutcomes: approving a hire activates its pending agent, rejecting
// terminates it, and a hire filed without an agent row creates one on approval.
func TestHireApprovalOutcomes(t *testing.T) {
	s := MustOpen(t)
	board := boardCtx()
	c, err := s.CreateCompany(board, store.CompanyInput{Name: store.Some("Hiring"), RequireBoardApprovalForNewAgents: store.Some(true)})
	if err != nil {
		t.Fatal(err)
	}
	ceo := insertAgent(t, s, c.ID, "Chief", "ceo", "idle")
	ceoCtx := agentCtx(c.ID, ceo, "")
	hire := func(name string) store.HireResult {
		t.Helper()
		res, err := s.HireAgent(ceoCtx, c.ID, store.AgentInput{Name: store.Some(name), Role: store.Some("engineer"), BudgetMonthlyCents: store.Some(int64(500))})
		if err != nil || res.Approval == nil || res.Agent.Status != store.AgentPendingApproval || *res.Approval.RequestedByAgentID != ceo {
			t.Fatalf("hire %+v %v", res, err)
		}
		return res
	}
	yes := hire("Builder")
	if _, err := s.DecideApproval(board, yes.Approval.ID, store.ApprovalApproved, store.DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.FindAgentByID(board, yes.Agent.ID); a.Status != store.AgentIdle || a.BudgetMonthlyCents != 500 {
		t.Fatalf("approved hire: %s budget %d", a.Status, a.BudgetMonthlyCents)
	}
	no := hire("Wrecker")
	if _, err := s.DecideApproval(board, no.Approval.ID, store.ApprovalRejected, store.DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.FindAgentByID(board, no.Agent.ID); a.Status != store.AgentTerminated {
		t.Fatalf("rejected hire: %s", a.Status)
	}
	for action, want := range map[string]int{"agent.approved": 1, "agent.terminated": 1, "approval.approved": 1, "approval.rejected": 1} {
		if n := countActions(t, s, c.ID, action); n != want {
			t.Errorf("%s rows %d, want %d", action, n, want)
		}
	}
	// A hire_agent approval filed through the approvals API has no agent yet.
	ap, err := s.CreateApproval(ceoCtx, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalHireAgent),
		Payload: store.Some(map[string]any{"name": "Builder", "role": "designer", "adapterType": "process"})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideApproval(board, ap.ID, store.ApprovalApproved, store.DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	agents, err := s.FindAgents(board, store.AgentFilter{CompanyID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	var created *store.Agent
	for i := range agents {
		if agents[i].Role == "designer" {
			created = &agents[i]
		}
	}
	if created == nil || created.Name != "Builder 2" || created.Status != store.AgentIdle {
		t.Fatalf("agent from payload: %+v", created)
	}
	// A payload that does not describe an agent cannot be approved.
	bad, _ := s.CreateApproval(ceoCtx, c.ID, store.ApprovalInput{Type: store.Some(store.ApprovalHireAgent),
		Payload: store.Some(map[string]any{"name": 7})})
	_, err = s.DecideApproval(board, bad.ID, store.ApprovalApproved, store.DecisionInput{})
	wantCode(t, err, store.EUNPROCESSABLE, "Invalid hire_agent payload")
	if got, _ := s.FindApprovalByID(board, bad.ID); got.Status != "pending" {
		t.Fatalf("refused approval moved to %s", got.Status)
	}
}
