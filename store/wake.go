package store

// Wake reasons emitted by issue events (runtime.md §3.1, agents.md §9.2).
const (
	WakeIssueAssigned           = "issue_assigned"
	WakeIssueStatusChanged      = "issue_status_changed"
	WakeIssueCheckedOut         = "issue_checked_out"
	WakeIssueCommented          = "issue_commented"
	WakeIssueReopenedViaComment = "issue_reopened_via_comment"
	WakeIssueCommentMentioned   = "issue_comment_mentioned"
	WakeIssueBlockersResolved   = "issue_blockers_resolved"
	WakeIssueChildrenCompleted  = "issue_children_completed"
	WakeSourceAssignment        = "assignment"
	WakeSourceAutomation        = "automation"
)

// Wake asks the heartbeat runtime to wake one agent because of something that happened
// to an issue. Store collects them during a transaction and hands them to the store's Waker
// only after the commit, so a wake can never refer to data that was rolled back.
type Wake struct {
	CompanyID string
	AgentID   string
	// Source is the invocation source: assignment or automation.
	Source string
	// Reason is one of the Wake* reasons.
	Reason  string
	IssueID string
	// CommentID is set for comment wakes (also in Payload as commentId).
	CommentID string
	// Payload is the wake payload of runtime.md §3.3 ({issueId, commentId, mutation, ...}).
	Payload map[string]any
	// RequestedByActorType/ID name who caused the wake (user, agent, system).
	RequestedByActorType string
	RequestedByActorID   string
}

// wakeRank orders reasons when several apply to one agent in one request: the higher
// rank wins (runtime.md §3.3: mention < commented < assigned).
func wakeRank(reason string) int {
	switch reason {
	case WakeIssueCommentMentioned:
		return 1
	case WakeIssueCommented, WakeIssueReopenedViaComment:
		return 2
	case WakeIssueStatusChanged, WakeIssueBlockersResolved, WakeIssueChildrenCompleted:
		return 3
	case WakeIssueAssigned, WakeIssueCheckedOut:
		return 4
	}
	return 0
}

// wake records a wake for delivery after commit, merging it with an earlier wake of
// the same agent: the higher-ranked reason wins and the payloads are merged.
func (tx *Tx) wake(w Wake) {
	if w.AgentID == "" {
		return
	}
	if w.Payload == nil {
		w.Payload = map[string]any{}
	}
	if w.IssueID != "" {
		if _, ok := w.Payload["issueId"]; !ok {
			w.Payload["issueId"] = w.IssueID
		}
	}
	if w.CommentID != "" {
		w.Payload["commentId"] = w.CommentID
	}
	if w.RequestedByActorType == "" {
		kind, id, _ := tx.actor.activityActor()
		w.RequestedByActorType, w.RequestedByActorID = kind, id
	}
	for i := range tx.wakes {
		old := &tx.wakes[i]
		if old.AgentID != w.AgentID {
			continue
		}
		winner, loser := w, *old
		if wakeRank(old.Reason) > wakeRank(w.Reason) {
			winner, loser = *old, w
		}
		merged := map[string]any{}
		for k, v := range loser.Payload {
			merged[k] = v
		}
		for k, v := range winner.Payload {
			merged[k] = v
		}
		winner.Payload = merged
		if winner.CommentID == "" {
			winner.CommentID = loser.CommentID
		}
		*old = winner
		return
	}
	tx.wakes = append(tx.wakes, w)
}
