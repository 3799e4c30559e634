package store

import (
	"context"
	"database/sql"
)

// IssueAncestor is one parent on the way to the root of an issue tree.
type IssueAncestor struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	Priority   string `json:"priority"`
}

// IssueRelationRef is one issue of a blockedBy / blocks list.
type IssueRelationRef struct {
	ID              string  `json:"id"`
	Identifier      string  `json:"identifier"`
	Title           string  `json:"title"`
	Status          string  `json:"status"`
	Priority        string  `json:"priority"`
	AssigneeAgentID *string `json:"assigneeAgentId"`
}

// IssueProjectRef is the project summary of an issue detail.
type IssueProjectRef struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	URLKey string  `json:"urlKey"`
	Status string  `json:"status"`
	Color  *string `json:"color"`
}

// IssueGoalRef is the goal summary of an issue detail.
type IssueGoalRef struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Level    string  `json:"level"`
	Status   string  `json:"status"`
	ParentID *string `json:"parentId"`
}

// IssueDetail is GET /api/issues/{id} (issues.md §1).
type IssueDetail struct {
	Issue
	Ancestors         []IssueAncestor    `json:"ancestors"`
	Project           *IssueProjectRef   `json:"project"`
	Goal              *IssueGoalRef      `json:"goal"`
	BlockedBy         []IssueRelationRef `json:"blockedBy"`
	Blocks            []IssueRelationRef `json:"blocks"`
	DocumentSummaries []DocumentSummary  `json:"documentSummaries"`
	PlanDocument      *Document          `json:"planDocument"`
}

// The detail view's blockers and blocked issues, by the relation indexes that lead with
// either end's issue id.
const (
	blockedBySQL = `SELECT i.id, i.identifier, i.title, i.status, i.priority, i.assignee_agent_id
		FROM issue_relations r JOIN issues i ON i.id = r.issue_id WHERE r.related_issue_id = ? AND r.type = 'blocks'
		ORDER BY i.identifier, i.id`
	blocksSQL = `SELECT i.id, i.identifier, i.title, i.status, i.priority, i.assignee_agent_id
		FROM issue_relations r JOIN issues i ON i.id = r.related_issue_id WHERE r.issue_id = ? AND r.type = 'blocks'
		ORDER BY i.identifier, i.id`
)

// FindIssueDetail loads an issue with its tree, project, goal (the fallback goal when
// none is set), relations and documents.
func (s *Store) FindIssueDetail(ctx context.Context, key string) (IssueDetail, error) {
	is, err := s.FindIssueByID(ctx, key)
	if err != nil {
		return IssueDetail{}, err
	}
	d := IssueDetail{Issue: is, Ancestors: []IssueAncestor{}}
	seen := map[string]bool{is.ID: true}
	for p := is.ParentID; p != nil && !seen[*p]; {
		seen[*p] = true
		var a IssueAncestor
		var next sql.NullString
		err := s.reader.QueryRowContext(ctx, `SELECT id, identifier, title, status, priority, parent_id FROM issues WHERE id = ?`, *p).Scan(
			&a.ID, &a.Identifier, &a.Title, &a.Status, &a.Priority, &next)
		if err == sql.ErrNoRows {
			break
		}
		if err != nil {
			return d, err
		}
		d.Ancestors = append(d.Ancestors, a)
		p = strPtr(next)
	}
	if is.ProjectID != nil {
		var p IssueProjectRef
		var color sql.NullString
		err := s.reader.QueryRowContext(ctx, `SELECT id, name, url_key, status, color FROM projects WHERE id = ?`, *is.ProjectID).Scan(
			&p.ID, &p.Name, &p.URLKey, &p.Status, &color)
		if err != nil && err != sql.ErrNoRows {
			return d, err
		}
		if err == nil {
			p.Color = strPtr(color)
			d.Project = &p
		}
	}
	goalID := is.GoalID
	if goalID == nil {
		if goalID, err = defaultGoal(ctx, s.reader, is.CompanyID, is.ProjectID); err != nil {
			return d, err
		}
	}
	if goalID != nil {
		var g IssueGoalRef
		var parent sql.NullString
		err := s.reader.QueryRowContext(ctx, `SELECT id, title, level, status, parent_id FROM goals WHERE id = ?`, *goalID).Scan(
			&g.ID, &g.Title, &g.Level, &g.Status, &parent)
		if err != nil && err != sql.ErrNoRows {
			return d, err
		}
		if err == nil {
			g.ParentID = strPtr(parent)
			d.Goal = &g
			d.GoalID = &g.ID
		}
	}
	if d.BlockedBy, err = s.relationRefs(ctx, blockedBySQL, is.ID); err != nil {
		return d, err
	}
	if d.Blocks, err = s.relationRefs(ctx, blocksSQL, is.ID); err != nil {
		return d, err
	}
	if d.DocumentSummaries, err = s.FindIssueDocuments(ctx, is.ID); err != nil {
		return d, err
	}
	plan, err := findDocument(ctx, s.reader, is.ID, "plan")
	switch ErrorCode(err) {
	case "":
		d.PlanDocument = &plan
	case ENOTFOUND:
	default:
		return d, err
	}
	return d, nil
}

func (s *Store) relationRefs(ctx context.Context, query, issueID string) ([]IssueRelationRef, error) {
	return queryAll(ctx, s.reader, scanRelationRef, query, issueID)
}

func scanRelationRef(sc scanner) (IssueRelationRef, error) {
	var r IssueRelationRef
	var agent sql.NullString
	err := sc.Scan(&r.ID, &r.Identifier, &r.Title, &r.Status, &r.Priority, &agent)
	r.AssigneeAgentID = strPtr(agent)
	return r, err
}
