package store

import "strings"

// Permission rules of the governance domain (goals, projects, approvals). They sit
// beside actorCan so that every authorization decision lives in store: handlers call
// the exported pre-checks before reading a body, and the use cases re-check inside
// their transaction.

// requireWorkspaceCommandWriter refuses agent callers that touch the host-executed
// workspace commands: those run on the server's machine outside any adapter sandbox,
// so only the board may set them.
func requireWorkspaceCommandWriter(a Actor, in WorkspaceInput) error {
	if !a.IsAgent() {
		return nil
	}
	if fields := in.commandFields(); len(fields) > 0 {
		return Errorf(EFORBIDDEN, "Agent keys cannot modify host-executed workspace commands (%s).", strings.Join(fields, ", "))
	}
	return nil
}

// CheckApprovalDecider is the pre-check of approve, reject and request-revision: the
// board decides, never an agent (not even the CEO that asked).
func CheckApprovalDecider(a Actor) error {
	if !a.IsBoard() && a.Kind != ActorSystem {
		return Errorf(EFORBIDDEN, "Board access required")
	}
	return nil
}

// CheckApprovalResubmitter is the pre-check of resubmit: the board, or the agent that
// requested the approval.
func CheckApprovalResubmitter(a Actor, ap Approval) error {
	if !a.IsAgent() {
		return nil
	}
	if ap.RequestedByAgentID == nil || *ap.RequestedByAgentID != a.AgentID {
		return Errorf(EFORBIDDEN, "Only requesting agent can resubmit this approval")
	}
	return nil
}
