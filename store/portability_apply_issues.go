package store

import (
	"strconv"
	"strings"
)

// issues writes the package tasks in package order, so identifiers are handed out in
// the exported order; parents and blockers are linked once every task exists. Imports
// never wake anyone: the rows are written directly, without the create path's wakes.
func (a *applier) issues() error {
	p, tx := a.p, a.tx
	agentID, userID := tx.creatorColumns()
	for _, mi := range p.issues {
		now := tx.Now()
		is := Issue{ID: NewID(), CompanyID: a.companyID, Title: mi.Title, Description: mi.Description, Priority: mi.Priority}
		status := mi.Status
		if status == IssueInProgress {
			status = IssueTodo // no run holds it on the new instance
		}
		if id := a.agentID[deref(mi.AssigneeAgentSlug)]; id != "" {
			is.AssigneeAgentID = &id
		}
		if id := a.projectID[deref(mi.ProjectSlug)]; id != "" {
			is.ProjectID = &id
		}
		if id := a.goalID[deref(mi.GoalSlug)]; id != "" {
			is.GoalID = &id
		}
		applyStatus(&is, status, now)
		if err := tx.QueryRowContext(tx.ctx, `UPDATE companies
			SET issue_counter = max(issue_counter, (SELECT coalesce(max(issue_number), 0) FROM issues WHERE company_id = ?)) + 1, updated_at = ?
			WHERE id = ? RETURNING issue_counter, issue_prefix`, a.companyID, now, a.companyID).Scan(&is.IssueNumber, &is.Identifier); err != nil {
			return translate(err, "Company")
		}
		is.Identifier += "-" + strconv.FormatInt(is.IssueNumber, 10)
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issues (id, company_id, project_id, goal_id, title, normalized_title, description,
			status, priority, assignee_agent_id, created_by_agent_id, created_by_user_id, issue_number, identifier, origin_kind,
			request_depth, billing_code, started_at, completed_at, cancelled_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'manual', 0, ?, ?, ?, ?, ?, ?)`,
			is.ID, a.companyID, nullStr(is.ProjectID), nullStr(is.GoalID), is.Title, NormalizeTitle(is.Title), nullStr(is.Description),
			is.Status, is.Priority, nullStr(is.AssigneeAgentID), agentID, userID, is.IssueNumber, is.Identifier, nullStr(mi.BillingCode),
			nullStr(is.StartedAt), nullStr(is.CompletedAt), nullStr(is.CancelledAt), now, now); err != nil {
			return err
		}
		for _, name := range mi.LabelNames {
			if id := a.labelID[name]; id != "" {
				if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_labels (issue_id, label_id, company_id, created_at) VALUES (?, ?, ?, ?)
					ON CONFLICT DO NOTHING`, is.ID, id, a.companyID, now); err != nil {
					return err
				}
			}
		}
		if err := a.comments(is, mi); err != nil {
			return err
		}
		if err := a.documents(is, mi); err != nil {
			return err
		}
		a.issueID[mi.Slug] = is.ID
		a.res.Issues = append(a.res.Issues, ImportedIssue{Slug: mi.Slug, ID: is.ID, Identifier: is.Identifier, Action: "created"})
	}
	return a.issueLinks(agentID, userID)
}

func (a *applier) issueLinks(agentID, userID any) error {
	tx := a.tx
	for _, mi := range a.p.issues {
		id := a.issueID[mi.Slug]
		if parent := a.issueID[deref(mi.ParentSlug)]; parent != "" && parent != id {
			if _, err := tx.ExecContext(tx.ctx, `UPDATE issues SET parent_id = ? WHERE id = ?`, parent, id); err != nil {
				return err
			}
		}
		for _, b := range mi.BlockedBySlugs {
			blocker := a.issueID[b]
			if blocker == "" || blocker == id {
				continue
			}
			if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_relations (id, company_id, issue_id, related_issue_id, type,
				created_by_agent_id, created_by_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'blocks', ?, ?, ?, ?)`,
				NewID(), a.companyID, blocker, id, agentID, userID, tx.Now(), tx.Now()); err != nil {
				return err
			}
		}
	}
	return nil
}

// comments keeps agent comments on the mapped agent; user comments (people do not
// travel) become system comments saying who wrote them and when.
func (a *applier) comments(is Issue, mi ManifestIssue) error {
	tx := a.tx
	for _, c := range mi.Comments {
		author, body, kind := "", c.Body, "system"
		switch c.AuthorType {
		case "agent":
			if author = a.agentID[deref(c.AuthorAgentSlug)]; author != "" {
				kind = "agent"
			}
		case "user":
			label := deref(c.AuthorLabel)
			if label == "" {
				label = "Board"
			}
			body = "*Imported comment by " + label + ", " + c.CreatedAt + "*\n\n" + c.Body
		}
		if strings.TrimSpace(body) == "" {
			continue
		}
		at := c.CreatedAt
		if _, err := ParseTime(at); err != nil {
			at = tx.Now()
		}
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_comments (`+commentColumns+`) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?)`,
			NewID(), a.companyID, is.ID, nullIfEmpty(author), kind, body, at, at); err != nil {
			return err
		}
	}
	return nil
}

// documents writes each task document at revision 1.
func (a *applier) documents(is Issue, mi ManifestIssue) error {
	tx := a.tx
	agentID, userID := tx.creatorColumns()
	for _, d := range mi.Documents {
		key, err := NormalizeDocumentKey(d.Key)
		if err != nil {
			a.warn("Task %s document %s has an invalid key; skipped", mi.Slug, d.Key)
			continue
		}
		docID, revID, now := NewID(), NewID(), tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO documents (id, company_id, title, format, latest_body, latest_revision_id,
			latest_revision_number, created_by_agent_id, updated_by_agent_id, created_by_user_id, updated_by_user_id, created_at, updated_at)
			VALUES (?, ?, ?, 'markdown', ?, ?, 1, ?, ?, ?, ?, ?, ?)`, docID, a.companyID, nullStr(d.Title), d.Body, revID,
			agentID, agentID, userID, userID, now, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO document_revisions (id, company_id, document_id, revision_number, title, format,
			body, created_by_agent_id, created_by_user_id, created_at) VALUES (?, ?, ?, 1, ?, 'markdown', ?, ?, ?, ?)`,
			revID, a.companyID, docID, nullStr(d.Title), d.Body, agentID, userID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_documents (id, company_id, issue_id, document_id, key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, NewID(), a.companyID, is.ID, docID, key, now, now); err != nil {
			return err
		}
	}
	return nil
}
