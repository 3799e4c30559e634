package store

import (
	"database/sql"
	"strings"
)

// An issue's "blocks" edges, read by issue from either end: the relation indexes lead
// with issue_id and with related_issue_id (migration 0012), since an issue id names its
// company. Before, both led with company_id, and these reads, which name only an issue,
// scanned every relation: a checkout into in_progress and every issue detail did.
const (
	blockerIDsSQL = `SELECT issue_id FROM issue_relations WHERE related_issue_id = ? AND type = 'blocks' ORDER BY created_at, issue_id`
	// unresolvedBlockersSQL: the blockers that are not done.
	unresolvedBlockersSQL = `SELECT r.issue_id FROM issue_relations r JOIN issues b ON b.id = r.issue_id
		WHERE r.related_issue_id = ? AND r.type = 'blocks' AND b.status <> 'done' ORDER BY r.created_at, r.issue_id`
	// unblockedDependentsSQL: the assigned todo or blocked issues that a done issue
	// blocked and that no other open blocker holds.
	unblockedDependentsSQL = `SELECT d.id, d.assignee_agent_id FROM issue_relations r JOIN issues d ON d.id = r.related_issue_id
		WHERE r.issue_id = ? AND r.type = 'blocks' AND d.assignee_agent_id IS NOT NULL AND d.status IN ('todo', 'blocked')
		AND NOT EXISTS (SELECT 1 FROM issue_relations r2 JOIN issues b ON b.id = r2.issue_id
			WHERE r2.related_issue_id = d.id AND r2.type = 'blocks' AND b.status <> 'done')`
)

// blockedBySomeSQL lists the issues that n issues block (one step of the cycle check).
func blockedBySomeSQL(n int) string {
	return `SELECT related_issue_id FROM issue_relations WHERE type = 'blocks' AND issue_id IN (` + placeholders(n) + `)`
}

// blockerIDs returns the ids of the issues blocking issueID, oldest edge first.
func (tx *Tx) blockerIDs(issueID string) ([]string, error) {
	return tx.strings(blockerIDsSQL, issueID)
}

// unresolvedBlockers are blockers of issueID that are not done (a cancelled blocker
// keeps blocking until removed, data-model §3.4).
func (tx *Tx) unresolvedBlockers(issueID string) ([]string, error) {
	return tx.strings(unresolvedBlockersSQL, issueID)
}

func errBlocked(ids []string) *Error {
	return &Error{Code: EUNPROCESSABLE, Message: "Issue is blocked by unresolved blockers",
		Details: map[string]any{"unresolvedBlockerIssueIds": ids}}
}

// requireUnblocked refuses entering in_progress while blockers are unresolved.
func (tx *Tx) requireUnblocked(issueID string) error {
	ids, err := tx.unresolvedBlockers(issueID)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		return errBlocked(ids)
	}
	return nil
}

func (tx *Tx) strings(query string, args ...any) ([]string, error) {
	return queryAll(tx.ctx, tx, scanString, query, args...)
}

// setBlockers replaces every "blocks" edge pointing at is with edges from ids
// (issues.md §13) and audits the change. It reports whether the set changed.
func (tx *Tx) setBlockers(is *Issue, ids []string) (bool, error) {
	ids = dedupeStrings(ids)
	for _, id := range ids {
		if id == is.ID {
			return false, Errorf(EUNPROCESSABLE, "Issue cannot be blocked by itself")
		}
	}
	if len(ids) > 0 {
		args := []any{is.CompanyID}
		for _, id := range ids {
			args = append(args, id)
		}
		var n int
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM issues WHERE company_id = ? AND id IN (`+placeholders(len(ids))+`)`, args...).Scan(&n); err != nil {
			return false, err
		}
		if n != len(ids) {
			return false, Errorf(EUNPROCESSABLE, "Blocked-by issues must belong to the same company")
		}
	}
	current, err := tx.blockerIDs(is.ID)
	if err != nil {
		return false, err
	}
	added, removed := setDiff(ids, current), setDiff(current, ids)
	if len(added) == 0 && len(removed) == 0 {
		return false, nil
	}
	if len(added) > 0 {
		cyclic, err := tx.reaches(is.ID, added)
		if err != nil {
			return false, err
		}
		if cyclic {
			return false, Errorf(EUNPROCESSABLE, "Blocking relations cannot contain cycles")
		}
	}
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM issue_relations WHERE related_issue_id = ? AND type = 'blocks'`, is.ID); err != nil {
		return false, err
	}
	var agentID, userID any
	if tx.actor.IsAgent() {
		agentID = tx.actor.AgentID
	} else if tx.actor.IsBoard() {
		userID = tx.actor.UserID
	}
	now := tx.Now()
	for _, id := range ids {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_relations (id, company_id, issue_id, related_issue_id, type,
			created_by_agent_id, created_by_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'blocks', ?, ?, ?, ?)`,
			NewID(), is.CompanyID, id, is.ID, agentID, userID, now, now); err != nil {
			return false, err
		}
	}
	return true, tx.logActivity(is.CompanyID, "issue.blockers_updated", "issue", is.ID, map[string]any{
		"blockedByIssueIds": ids, "added": added, "removed": removed})
}

// reaches reports whether any of targets is downstream of from along "blocks" edges,
// i.e. whether making targets block from would close a cycle (BFS).
func (tx *Tx) reaches(from string, targets []string) (bool, error) {
	want := map[string]bool{}
	for _, t := range targets {
		want[t] = true
	}
	seen := map[string]bool{from: true}
	frontier := []string{from}
	for len(frontier) > 0 {
		args := make([]any, len(frontier))
		for i, id := range frontier {
			args[i] = id
		}
		next, err := tx.strings(blockedBySomeSQL(len(args)), args...)
		if err != nil {
			return false, err
		}
		frontier = frontier[:0]
		for _, id := range next {
			if want[id] {
				return true, nil
			}
			if !seen[id] {
				seen[id] = true
				frontier = append(frontier, id)
			}
		}
	}
	return false, nil
}

func setDiff(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	out := []string{}
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

// checkParent validates a parent reference: same company, not the issue itself, no
// cycle (walk up from the proposed parent).
func (tx *Tx) checkParent(is *Issue, parentID string) error {
	parentID = strings.ToLower(parentID)
	var company string
	err := tx.QueryRowContext(tx.ctx, `SELECT company_id FROM issues WHERE id = ?`, parentID).Scan(&company)
	if err == sql.ErrNoRows {
		return Errorf(ENOTFOUND, "Parent issue not found")
	}
	if err != nil {
		return err
	}
	if company != is.CompanyID {
		return Errorf(EUNPROCESSABLE, "Parent issue must belong to same company")
	}
	if is.ID == "" {
		return nil
	}
	cur := parentID
	for depth := 0; cur != "" && depth < 10000; depth++ {
		if cur == is.ID {
			return Errorf(EUNPROCESSABLE, "Issue hierarchy would create cycle")
		}
		var next sql.NullString
		if err := tx.QueryRowContext(tx.ctx, `SELECT parent_id FROM issues WHERE id = ?`, cur).Scan(&next); err != nil {
			if err == sql.ErrNoRows {
				return nil
			}
			return err
		}
		cur = next.String
	}
	return nil
}

// closeWakes are the wakes of an issue reaching done or cancelled (issues.md §13):
// dependents whose last blocker is now done, and a parent whose children are all closed.
func (tx *Tx) closeWakes(is *Issue) error {
	if is.Status == IssueDone {
		type dep struct{ id, agent string }
		deps, err := queryAll(tx.ctx, tx, func(sc scanner) (dep, error) {
			var d dep
			err := sc.Scan(&d.id, &d.agent)
			return d, err
		}, unblockedDependentsSQL, is.ID)
		if err != nil {
			return err
		}
		for _, d := range deps {
			tx.wake(Wake{CompanyID: is.CompanyID, AgentID: d.agent, Source: WakeSourceAutomation, Reason: WakeIssueBlockersResolved,
				IssueID: d.id, Payload: map[string]any{"issueId": d.id, "resolvedBlockerIssueId": is.ID}})
		}
	}
	if is.ParentID == nil {
		return nil
	}
	var parentAgent sql.NullString
	var parentStatus string
	var open int
	err := tx.QueryRowContext(tx.ctx, parentOpenChildrenSQL, *is.ParentID).Scan(&parentAgent, &parentStatus, &open)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	// Backlog issues are never woken (runtime.md §3.3).
	if parentAgent.Valid && open == 0 && parentStatus != IssueBacklog {
		tx.wake(Wake{CompanyID: is.CompanyID, AgentID: parentAgent.String, Source: WakeSourceAutomation, Reason: WakeIssueChildrenCompleted,
			IssueID: *is.ParentID, Payload: map[string]any{"issueId": *is.ParentID, "childIssueId": is.ID}})
	}
	return nil
}

// parentOpenChildrenSQL reads a parent issue's assignee and status and counts its open
// children. The company term lets the count search the (company, parent) index; with
// the parent alone SQLite read every issue of every company.
const parentOpenChildrenSQL = `SELECT p.assignee_agent_id, p.status,
	(SELECT COUNT(*) FROM issues c WHERE c.company_id = p.company_id AND c.parent_id = p.id AND c.status NOT IN ('done', 'cancelled'))
	FROM issues p WHERE p.id = ?`
