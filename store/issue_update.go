package store

import (
	"context"
	"reflect"
	"strings"
)

// UpdateIssue applies a PATCH (issues.md §7.3) in one transaction: agent write rules,
// assignment permission, status machine, reference checks, blockers, side effects,
// then the optional comment. The response lists the fields that actually changed.
func (s *Store) UpdateIssue(ctx context.Context, key string, in IssuePatch) (IssueUpdated, error) {
	if err := in.Validate(); err != nil {
		return IssueUpdated{}, err
	}
	var out IssueUpdated
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(key)
		if err != nil {
			return err
		}
		if err := tx.enforceAgentWrite(&is, false); err != nil {
			return err
		}
		out, err = tx.updateIssue(is, in)
		return err
	})
	return out, err
}

func (tx *Tx) updateIssue(is Issue, in IssuePatch) (IssueUpdated, error) {
	a := tx.actor
	board := !a.IsAgent()
	old := is
	oldBlockers, err := tx.blockerIDs(is.ID)
	if err != nil {
		return IssueUpdated{}, err
	}
	if in.HiddenAt.Set && a.IsAgent() {
		return IssueUpdated{}, Errorf(EFORBIDDEN, "Only board users can hide issues")
	}
	if assigneeTouched(&is, in) && !handsBackToCreator(a, &is, in) {
		if err := tx.requirePermission(is.CompanyID, PermTasksAssign); err != nil {
			return IssueUpdated{}, err
		}
	}
	target := is.Status
	if v := in.Status.Ptr(); v != nil {
		target = *v
	} else if in.Reopen.Value && IsClosedStatus(is.Status) {
		target = IssueTodo
	}
	if err := CheckTransition(is.Status, target, board); err != nil {
		return IssueUpdated{}, err
	}
	if in.AssigneeAgentID.Ptr() != nil && in.AssigneeUserID.Ptr() != nil {
		return IssueUpdated{}, Errorf(EUNPROCESSABLE, "Issue can only have one assignee")
	}
	if err := tx.resolveAssignees(&is, in.AssigneeAgentID, in.AssigneeUserID); err != nil {
		return IssueUpdated{}, err
	}
	// One assignee at a time: naming one clears the other unless the body set both.
	if in.AssigneeAgentID.Ptr() != nil && !in.AssigneeUserID.Set {
		is.AssigneeUserID = nil
	}
	if in.AssigneeUserID.Ptr() != nil && !in.AssigneeAgentID.Set {
		is.AssigneeAgentID = nil
	}
	if err := tx.resolveProjectAndGoal(&is, in.ProjectID, in.ProjectWorkspaceID, in.GoalID, false); err != nil {
		return IssueUpdated{}, err
	}
	if in.ParentID.Set {
		is.ParentID = nil
		if v := in.ParentID.Ptr(); v != nil {
			if err := tx.checkParent(&is, *v); err != nil {
				return IssueUpdated{}, err
			}
			p := strings.ToLower(*v)
			is.ParentID = &p
		}
	}
	if v := in.Title.Ptr(); v != nil {
		is.Title = strings.TrimSpace(*v)
	}
	if in.Description.Set {
		is.Description = in.Description.Ptr()
	}
	if v := in.Priority.Ptr(); v != nil {
		is.Priority = *v
	}
	if v := in.RequestDepth.Ptr(); v != nil {
		is.RequestDepth = *v
	}
	if in.BillingCode.Set {
		is.BillingCode = in.BillingCode.Ptr()
	}
	if in.AssigneeAdapterOverrides.Set {
		is.AssigneeAdapterOverrides = nil
		if v := in.AssigneeAdapterOverrides.Ptr(); v != nil {
			is.AssigneeAdapterOverrides = JSONRaw(*v)
		}
	}
	if in.HiddenAt.Set {
		is.HiddenAt = nil
		if v := in.HiddenAt.Ptr(); v != nil {
			t, _ := NormalizeTime(*v)
			is.HiddenAt = &t
		}
	}
	now := tx.Now()
	assigneeChanged := !eqPtr(old.AssigneeAgentID, is.AssigneeAgentID) || !eqPtr(old.AssigneeUserID, is.AssigneeUserID)
	if assigneeChanged {
		is.clearLocks()
	}
	applyStatus(&is, target, now)
	if is.Status == IssueInProgress && is.AssigneeAgentID == nil && is.AssigneeUserID == nil {
		return IssueUpdated{}, Errorf(EUNPROCESSABLE, "in_progress issues require an assignee")
	}
	newBlockers := oldBlockers
	if v := in.BlockedByIssueIDs.Ptr(); v != nil {
		if _, err := tx.setBlockers(&is, *v); err != nil {
			return IssueUpdated{}, err
		}
		if newBlockers, err = tx.blockerIDs(is.ID); err != nil {
			return IssueUpdated{}, err
		}
	}
	if is.Status == IssueInProgress && old.Status != IssueInProgress {
		if err := tx.requireUnblocked(is.ID); err != nil {
			return IssueUpdated{}, err
		}
	}
	if v := in.LabelIDs.Ptr(); v != nil {
		if err := tx.setIssueLabels(&is, *v); err != nil {
			return IssueUpdated{}, err
		}
	}
	touched := patchKeys(in)
	if in.Reopen.Value && target != old.Status && !in.Status.Set {
		touched = append(touched, "status")
	}
	before, after := issueValues(&old, oldBlockers), issueValues(&is, newBlockers)
	changes := map[string]FieldChange{}
	previous := map[string]any{}
	applied := map[string]any{}
	for _, k := range touched {
		applied[k] = forActivity(k, after[k])
		if !reflect.DeepEqual(before[k], after[k]) {
			changes[k] = FieldChange{From: forActivity(k, before[k]), To: forActivity(k, after[k])}
			previous[k] = forActivity(k, before[k])
		}
	}
	if len(changes) > 0 {
		if is.Status == IssueCancelled && old.Status != IssueCancelled {
			if _, err := tx.cancelIssueRun(&old, "Cancelled because the issue was cancelled"); err != nil {
				return IssueUpdated{}, err
			}
		}
		is.UpdatedAt = now
		if err := tx.writeIssue(&is); err != nil {
			return IssueUpdated{}, err
		}
		applied["identifier"] = is.Identifier
		applied["_previous"] = previous
		if in.Reopen.Value && IsReopen(old.Status, is.Status) {
			applied["reopened"], applied["reopenedFrom"] = true, old.Status
		}
		if err := tx.logActivity(is.CompanyID, "issue.updated", "issue", is.ID, applied); err != nil {
			return IssueUpdated{}, err
		}
		if err := tx.updateWakes(&old, &is); err != nil {
			return IssueUpdated{}, err
		}
	}
	out := IssueUpdated{Issue: is, Changes: changes}
	if v := in.Comment.Ptr(); v != nil {
		c, err := tx.addComment(&is, *v, commentEffects{viaPatch: true})
		if err != nil {
			return IssueUpdated{}, err
		}
		out.Comment = &c
		out.Issue.UpdatedAt = is.UpdatedAt
	}
	return out, nil
}

// updateWakes: a new agent assignee is woken for the assignment; otherwise an agent
// assignee is woken when the issue leaves backlog or comes back to todo; closing an
// issue wakes its dependents and parent (runtime.md §3.3).
func (tx *Tx) updateWakes(old, is *Issue) error {
	if a := is.AssigneeAgentID; a != nil {
		switch {
		case !eqPtr(old.AssigneeAgentID, a):
			if is.Status != IssueBacklog {
				tx.wake(Wake{CompanyID: is.CompanyID, AgentID: *a, Source: WakeSourceAssignment, Reason: WakeIssueAssigned,
					IssueID: is.ID, Payload: map[string]any{"mutation": "update"}})
			}
		case old.Status != is.Status && !IsClosedStatus(is.Status) &&
			(old.Status == IssueBacklog || is.Status == IssueTodo && (old.Status == IssueBlocked || IsClosedStatus(old.Status))):
			tx.wake(Wake{CompanyID: is.CompanyID, AgentID: *a, Source: WakeSourceAutomation, Reason: WakeIssueStatusChanged,
				IssueID: is.ID, Payload: map[string]any{"fromStatus": old.Status, "toStatus": is.Status}})
		}
	}
	if old.Status != is.Status && IsClosedStatus(is.Status) {
		return tx.closeWakes(is)
	}
	return nil
}

// assigneeTouched reports whether the body names an assignee different from now.
func assigneeTouched(is *Issue, in IssuePatch) bool {
	differs := func(o Optional[string], cur *string) bool {
		if !o.Set {
			return false
		}
		v := o.Ptr()
		if v == nil || cur == nil {
			return (v == nil) != (cur == nil)
		}
		return !strings.EqualFold(*v, *cur)
	}
	return differs(in.AssigneeAgentID, is.AssigneeAgentID) || differs(in.AssigneeUserID, is.AssigneeUserID)
}

// handsBackToCreator is the one assignment an agent may make without tasks:assign:
// giving its own issue back to the user who created it.
func handsBackToCreator(a Actor, is *Issue, in IssuePatch) bool {
	return a.IsAgent() && is.AssigneeAgentID != nil && *is.AssigneeAgentID == a.AgentID &&
		in.AssigneeAgentID.Set && in.AssigneeAgentID.Null && is.CreatedByUserID != nil &&
		in.AssigneeUserID.Ptr() != nil && *in.AssigneeUserID.Ptr() == *is.CreatedByUserID
}

func eqPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// patchKeys lists the issue fields a patch names, by JSON name.
func patchKeys(in IssuePatch) []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"title", in.Title.Set}, {"description", in.Description.Set}, {"status", in.Status.Set}, {"priority", in.Priority.Set},
		{"projectId", in.ProjectID.Set}, {"projectWorkspaceId", in.ProjectWorkspaceID.Set || in.ProjectID.Set},
		{"goalId", in.GoalID.Set}, {"parentId", in.ParentID.Set},
		{"assigneeAgentId", in.AssigneeAgentID.Set || in.AssigneeUserID.Ptr() != nil},
		{"assigneeUserId", in.AssigneeUserID.Set || in.AssigneeAgentID.Ptr() != nil},
		{"blockedByIssueIds", in.BlockedByIssueIDs.Set}, {"labelIds", in.LabelIDs.Set}, {"requestDepth", in.RequestDepth.Set},
		{"billingCode", in.BillingCode.Set}, {"assigneeAdapterOverrides", in.AssigneeAdapterOverrides.Set}, {"hiddenAt", in.HiddenAt.Set},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// issueValues is the comparable view of the patchable fields of an issue.
func issueValues(is *Issue, blockers []string) map[string]any {
	p := func(s *string) any {
		if s == nil {
			return nil
		}
		return *s
	}
	var overrides any
	if len(is.AssigneeAdapterOverrides) > 0 {
		var v any
		if jsonUnmarshalString(string(is.AssigneeAdapterOverrides), &v) == nil {
			overrides = v
		}
	}
	return map[string]any{
		"title": is.Title, "description": p(is.Description), "status": is.Status, "priority": is.Priority,
		"projectId": p(is.ProjectID), "projectWorkspaceId": p(is.ProjectWorkspaceID), "goalId": p(is.GoalID),
		"parentId": p(is.ParentID), "assigneeAgentId": p(is.AssigneeAgentID), "assigneeUserId": p(is.AssigneeUserID),
		"blockedByIssueIds": sortedCopy(blockers), "labelIds": sortedCopy(is.LabelIDs), "requestDepth": is.RequestDepth,
		"billingCode": p(is.BillingCode), "assigneeAdapterOverrides": overrides, "hiddenAt": p(is.HiddenAt),
	}
}

// forActivity shortens descriptions and titles to 200 characters for responses and
// audit rows.
func forActivity(key string, v any) any {
	if s, ok := v.(string); ok && (key == "description" || key == "title") {
		return truncateRunes(s, 200)
	}
	return v
}
