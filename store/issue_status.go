package store

// Issue statuses (data-model §2).
const (
	IssueBacklog    = "backlog"
	IssueTodo       = "todo"
	IssueInProgress = "in_progress"
	IssueInReview   = "in_review"
	IssueBlocked    = "blocked"
	IssueDone       = "done"
	IssueCancelled  = "cancelled"
)

// IssueStatuses lists every issue status in display order.
var IssueStatuses = []string{IssueBacklog, IssueTodo, IssueInProgress, IssueInReview, IssueBlocked, IssueDone, IssueCancelled}

// IssuePriorities lists the priorities by sort rank.
var IssuePriorities = []string{"critical", "high", "medium", "low"}

// issueTransitions is the binding transition table (issues.md §4, decisions.md 2). The
// targets out of done and cancelled are reopens, which only board actors may perform.
var issueTransitions = map[string][]string{
	IssueBacklog:    {IssueTodo, IssueCancelled},
	IssueTodo:       {IssueInProgress, IssueBlocked, IssueCancelled},
	IssueInProgress: {IssueInReview, IssueBlocked, IssueDone, IssueCancelled},
	IssueInReview:   {IssueInProgress, IssueDone, IssueCancelled},
	IssueBlocked:    {IssueTodo, IssueInProgress, IssueCancelled},
	IssueDone:       {IssueTodo},
	IssueCancelled:  {IssueTodo},
}

// CanTransition reports whether the table allows a PATCH from one status to another.
// It says nothing about who may do it: reopening a closed issue is board-only
// (IsReopen). A same-status "transition" is not a transition and reports false.
func CanTransition(from, to string) bool {
	for _, t := range issueTransitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// IsClosedStatus reports whether s is terminal (done or cancelled).
func IsClosedStatus(s string) bool { return s == IssueDone || s == IssueCancelled }

// IsReopen reports whether from → to reopens a closed issue.
func IsReopen(from, to string) bool { return IsClosedStatus(from) && to == IssueTodo }

// AllowedTransitions lists the targets an actor may PATCH to from a status; agents do
// not get the reopen target.
func AllowedTransitions(from string, board bool) []string {
	out := []string{}
	for _, t := range issueTransitions[from] {
		if !board && IsReopen(from, t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// IsIssueStatus reports whether s is a known status.
func IsIssueStatus(s string) bool {
	_, ok := issueTransitions[s]
	return ok
}

// IsIssuePriority reports whether s is a known priority.
func IsIssuePriority(s string) bool {
	for _, p := range IssuePriorities {
		if p == s {
			return true
		}
	}
	return false
}

// TransitionError is the 422 of a forbidden transition.
func TransitionError(from, to string, board bool) *Error {
	return &Error{Code: EUNPROCESSABLE, Tag: "invalid_status_transition",
		Message: "Invalid issue status transition: " + from + " -> " + to,
		Details: map[string]any{"from": from, "to": to, "allowed": AllowedTransitions(from, board)}}
}

// CheckTransition validates a PATCH status change for an actor class: nil when allowed
// or when the status does not change.
func CheckTransition(from, to string, board bool) error {
	if from == to {
		return nil
	}
	if !CanTransition(from, to) || (!board && IsReopen(from, to)) {
		return TransitionError(from, to, board)
	}
	return nil
}

// applyStatus moves an issue to a new status with the side effects of issues.md §4 on
// its timestamps and run locks. It is pure: callers persist the result.
func applyStatus(is *Issue, to, now string) {
	from := is.Status
	if from == to {
		return
	}
	is.Status = to
	if to == IssueInProgress && is.StartedAt == nil {
		is.StartedAt = &now
	}
	if to == IssueDone {
		is.CompletedAt = &now
	} else if from == IssueDone {
		is.CompletedAt = nil
	}
	if to == IssueCancelled {
		is.CancelledAt = &now
	} else if from == IssueCancelled {
		is.CancelledAt = nil
	}
	if from == IssueInProgress {
		is.clearLocks()
	}
}

// clearLocks drops the four run-lock columns (leaving in_progress, assignee change).
func (is *Issue) clearLocks() {
	is.CheckoutRunID, is.ExecutionRunID, is.ExecutionAgentNameKey, is.ExecutionLockedAt = nil, nil, nil, nil
}

func priorityRankSQL(col string) string {
	return `(CASE ` + col + ` WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END)`
}
