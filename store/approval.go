package store

// Approval is a decision the board is asked to take: a hire, a strategy, a budget
// override, or any request an agent escalates (approvals.md §1).
type Approval struct {
	ID                 string  `json:"id"`
	CompanyID          string  `json:"companyId"`
	Type               string  `json:"type"`
	RequestedByAgentID *string `json:"requestedByAgentId"`
	RequestedByUserID  *string `json:"requestedByUserId"`
	Status             string  `json:"status"`
	// Payload is redacted on every read: hire payloads carry adapter configuration.
	Payload         JSONRaw `json:"payload"`
	DecisionNote    *string `json:"decisionNote"`
	DecidedByUserID *string `json:"decidedByUserId"`
	DecidedAt       *string `json:"decidedAt"`
	CreatedAt       string  `json:"createdAt"`
	UpdatedAt       string  `json:"updatedAt"`
}

// ApprovalComment is a discussion entry on an approval; it never changes its status.
type ApprovalComment struct {
	ID            string  `json:"id"`
	CompanyID     string  `json:"companyId"`
	ApprovalID    string  `json:"approvalId"`
	AuthorAgentID *string `json:"authorAgentId"`
	AuthorUserID  *string `json:"authorUserId"`
	Body          string  `json:"body"`
	CreatedAt     string  `json:"createdAt"`
	UpdatedAt     string  `json:"updatedAt"`
}

// Approval types and statuses.
const (
	ApprovalHireAgent             = "hire_agent"
	ApprovalCEOStrategy           = "approve_ceo_strategy"
	ApprovalBudgetOverride        = "budget_override_required"
	ApprovalRequestBoard          = "request_board_approval"
	ApprovalPending               = "pending"
	ApprovalRevisionRequested     = "revision_requested"
	ApprovalApproved              = "approved"
	ApprovalRejected              = "rejected"
	ApprovalCancelled             = "cancelled"
	approvalRequesterWakeQueued   = "approval.requester_wakeup_queued"
	approvalRequesterWakeFailed   = "approval.requester_wakeup_failed"
	wakeApprovalApproved          = "approval_approved"
	wakeApprovalRejected          = "approval_rejected"
	wakeApprovalRevisionRequested = "approval_revision_requested"
)

// ApprovalTypes and ApprovalStatuses are the enum values of data-model §2.
var (
	ApprovalTypes    = []string{ApprovalHireAgent, ApprovalCEOStrategy, ApprovalBudgetOverride, ApprovalRequestBoard}
	ApprovalStatuses = []string{ApprovalPending, ApprovalRevisionRequested, ApprovalApproved, ApprovalRejected, ApprovalCancelled}
)

// ApprovalInput is the create body.
type ApprovalInput struct {
	Type               Optional[string]         `json:"type"`
	Payload            Optional[map[string]any] `json:"payload"`
	RequestedByAgentID Optional[string]         `json:"requestedByAgentId"`
	IssueIDs           Optional[[]string]       `json:"issueIds"`
}

// Validate checks the create body's shape.
func (in *ApprovalInput) Validate() error {
	var p Problems
	if !in.Type.Set {
		p.Required("type")
	} else {
		checkEnum(&p, "type", in.Type, ApprovalTypes)
	}
	switch {
	case !in.Payload.Set:
		p.Required("payload")
	case in.Payload.Null:
		p.Add("invalid_type", "Expected object, received null", "payload")
	}
	checkUUID(&p, "requestedByAgentId", in.RequestedByAgentID, true)
	checkUUIDList(&p, "issueIds", in.IssueIDs)
	if err := p.Err(); err != nil {
		return err
	}
	if in.Type.Value == ApprovalBudgetOverride {
		return Errorf(EUNPROCESSABLE, "budget_override_required approvals are created by the budget engine")
	}
	return nil
}

// DecisionInput is the body of approve, reject and request-revision.
type DecisionInput struct {
	DecisionNote Optional[string] `json:"decisionNote"`
}

// Validate allows a string or null note.
func (in *DecisionInput) Validate() error {
	var p Problems
	checkString(&p, "decisionNote", in.DecisionNote, true, false)
	return p.Err()
}

// ResubmitInput is the resubmit body: a payload that replaces the old one, if given.
type ResubmitInput struct {
	Payload Optional[map[string]any] `json:"payload"`
}

// Validate refuses a null payload (absent keeps the old one).
func (in *ResubmitInput) Validate() error {
	var p Problems
	if in.Payload.Set && in.Payload.Null {
		p.Add("invalid_type", "Expected object, received null", "payload")
	}
	return p.Err()
}

// ApprovalCommentInput is the comment create body.
type ApprovalCommentInput struct {
	Body Optional[string] `json:"body"`
}

// Validate requires a non-empty body.
func (in *ApprovalCommentInput) Validate() error {
	var p Problems
	checkRequiredString(&p, "body", in.Body)
	return p.Err()
}

// ApprovalFilter selects a company's approvals; empty fields do not filter.
type ApprovalFilter struct {
	CompanyID     string
	Status        string
	Type          string
	Limit, Offset int
}

// decisionRule is what one decision route may do (approvals.md §2.3).
type decisionRule struct {
	target   string
	from     []string
	noop     bool // repeating the decision on an approval already in target is a 200 no-op
	refusal  string
	activity string
	wake     string
}

var decisionRules = map[string]decisionRule{
	ApprovalApproved: {ApprovalApproved, []string{ApprovalPending, ApprovalRevisionRequested}, true,
		"Only pending or revision requested approvals can be approved", "approval.approved", wakeApprovalApproved},
	ApprovalRejected: {ApprovalRejected, []string{ApprovalPending, ApprovalRevisionRequested}, true,
		"Only pending or revision requested approvals can be rejected", "approval.rejected", wakeApprovalRejected},
	ApprovalRevisionRequested: {ApprovalRevisionRequested, []string{ApprovalPending}, false,
		"Only pending approvals can request revision", "approval.revision_requested", wakeApprovalRevisionRequested},
}

// DecisionOutcome tells what a decision on an approval in status current does:
// apply it, answer with the approval unchanged (a repeated approve or reject), or
// refuse it with 422.
func DecisionOutcome(target, current string) (apply, noop bool, err error) {
	rule, ok := decisionRules[target]
	if !ok {
		return false, false, Errorf(EINTERNAL, "unknown decision %s", target)
	}
	if contains(rule.from, current) {
		return true, false, nil
	}
	if rule.noop && current == target {
		return false, true, nil
	}
	return false, false, Errorf(EUNPROCESSABLE, "%s", rule.refusal)
}
