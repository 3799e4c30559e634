package store

import (
	"context"
	"database/sql"
	"strings"
)

const goalColumns = `id, company_id, title, description, level, status, parent_id, owner_agent_id, created_at, updated_at`

func scanGoal(sc scanner) (Goal, error) {
	var g Goal
	var desc, parent, owner sql.NullString
	err := sc.Scan(&g.ID, &g.CompanyID, &g.Title, &desc, &g.Level, &g.Status, &parent, &owner, &g.CreatedAt, &g.UpdatedAt)
	g.Description, g.ParentID, g.OwnerAgentID = strPtr(desc), strPtr(parent), strPtr(owner)
	return g, err
}

func findGoal(ctx context.Context, q querier, id string) (Goal, error) {
	if !IsUUID(id) {
		return Goal{}, NotFound("Goal")
	}
	g, err := scanGoal(q.QueryRowContext(ctx, `SELECT `+goalColumns+` FROM goals WHERE id = ?`, strings.ToLower(id)))
	return g, translate(err, "Goal")
}

// FindGoalByID returns one goal or "Goal not found"; the caller checks its company.
func (s *Store) FindGoalByID(ctx context.Context, id string) (Goal, error) {
	return findGoal(ctx, s.reader, id)
}

// FindGoals lists a company's goals oldest first (then by id), filtered.
func (s *Store) FindGoals(ctx context.Context, f GoalFilter) ([]Goal, error) {
	var c conds
	c.add("company_id = ?", f.CompanyID)
	c.eq("level", f.Level)
	c.eq("status", f.Status)
	if f.ParentNull {
		c.add("parent_id IS NULL")
	} else {
		c.eq("parent_id", strings.ToLower(f.ParentID))
	}
	c.eq("owner_agent_id", strings.ToLower(f.OwnerAgentID))
	paging, pageArgs := limitOffset(f.Limit, f.Offset)
	return queryAll(ctx, s.reader, scanGoal, `SELECT `+goalColumns+` FROM goals WHERE `+c.sql()+
		` ORDER BY created_at, id`+paging, append(c.args, pageArgs...)...)
}

// CreateGoal adds a goal to a company (level task and status planned by default).
func (s *Store) CreateGoal(ctx context.Context, companyID string, in GoalInput) (Goal, error) {
	if err := in.Validate(true); err != nil {
		return Goal{}, err
	}
	g := Goal{ID: NewID(), CompanyID: companyID, Level: "task", Status: "planned"}
	in.apply(&g)
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		if err := tx.checkGoalRefs(g, in); err != nil {
			return err
		}
		g.CreatedAt, g.UpdatedAt = tx.Now(), tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO goals (`+goalColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			g.ID, g.CompanyID, g.Title, nullStr(g.Description), g.Level, g.Status, nullStr(g.ParentID), nullStr(g.OwnerAgentID),
			g.CreatedAt, g.UpdatedAt); err != nil {
			return err
		}
		return tx.logActivity(companyID, "goal.created", "goal", g.ID, map[string]any{"title": g.Title, "level": g.Level})
	})
	return g, err
}

// UpdateGoal applies a partial update. A parent that is the goal itself or one of its
// descendants would close a loop in the tree and is refused.
func (s *Store) UpdateGoal(ctx context.Context, id string, in GoalInput) (Goal, error) {
	if err := in.Validate(false); err != nil {
		return Goal{}, err
	}
	var g Goal
	err := s.write(ctx, func(tx *Tx) error {
		old, err := findGoal(ctx, tx, id)
		if err != nil {
			return err
		}
		g = old
		in.apply(&g)
		if err := tx.checkGoalRefs(g, in); err != nil {
			return err
		}
		if in.ParentID.Set && g.ParentID != nil {
			cycle, err := tx.goalIsAncestor(g.ID, *g.ParentID)
			if err != nil {
				return err
			}
			if cycle {
				return Errorf(EUNPROCESSABLE, "Goal hierarchy would create cycle")
			}
		}
		g.UpdatedAt = tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `UPDATE goals SET title = ?, description = ?, level = ?, status = ?, parent_id = ?,
			owner_agent_id = ?, updated_at = ? WHERE id = ?`, g.Title, nullStr(g.Description), g.Level, g.Status,
			nullStr(g.ParentID), nullStr(g.OwnerAgentID), g.UpdatedAt, g.ID); err != nil {
			return err
		}
		details := in.fields()
		details["_previous"] = old.previous(in.fields())
		return tx.logActivity(g.CompanyID, "goal.updated", "goal", g.ID, details)
	})
	return g, err
}

// DeleteGoal removes a goal and returns it as it was. Its children become roots and
// every reference to it (issues, projects, cost events) is cleared; a project whose
// first goal it was falls back to its next goal.
func (s *Store) DeleteGoal(ctx context.Context, id string) (Goal, error) {
	var g Goal
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		if g, err = findGoal(ctx, tx, id); err != nil {
			return err
		}
		projects, err := tx.strings(`SELECT project_id FROM project_goals WHERE goal_id = ?
			UNION SELECT id FROM projects WHERE goal_id = ?`, g.ID, g.ID)
		if err != nil {
			return err
		}
		// Foreign keys set parent_id, issues.goal_id, projects.goal_id and cost_events.goal_id
		// to null and drop the project_goals rows; the legacy projects.goal_id is then
		// recomputed from what remains of each project's goal list.
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM goals WHERE id = ?`, g.ID); err != nil {
			return err
		}
		for _, p := range projects {
			if err := tx.syncProjectLegacyGoal(p); err != nil {
				return err
			}
		}
		return tx.logActivity(g.CompanyID, "goal.deleted", "goal", g.ID, map[string]any{"title": g.Title})
	})
	return g, err
}

// checkGoalRefs checks the parent and owner references the body sets: they must exist
// (404) and belong to the goal's company (422).
func (tx *Tx) checkGoalRefs(g Goal, in GoalInput) error {
	if in.ParentID.Set && g.ParentID != nil {
		if err := tx.checkCompanyRef("goals", g.CompanyID, *g.ParentID, "Parent goal"); err != nil {
			return err
		}
	}
	if in.OwnerAgentID.Set && g.OwnerAgentID != nil {
		if err := tx.checkCompanyRef("agents", g.CompanyID, *g.OwnerAgentID, "Owner agent"); err != nil {
			return err
		}
	}
	return nil
}

// goalIsAncestor reports whether goal id is candidate itself or one of candidate's
// ancestors, i.e. whether making candidate the parent of id closes a loop. UNION (not
// UNION ALL) stops the walk even if the stored tree already holds a loop.
func (tx *Tx) goalIsAncestor(id, candidate string) (bool, error) {
	var n int
	err := tx.QueryRowContext(tx.ctx, `WITH RECURSIVE up(id, parent_id) AS (
			SELECT id, parent_id FROM goals WHERE id = ?
			UNION SELECT g.id, g.parent_id FROM goals g JOIN up ON g.id = up.parent_id)
		SELECT COUNT(*) FROM up WHERE id = ?`, candidate, id).Scan(&n)
	return n > 0, err
}

// checkCompanyRef checks that id names a row of table in companyID: a missing row is
// 404 "<label> not found", a row of another company 422 "<label> must belong to same
// company". table is always a literal of this package.
func (tx *Tx) checkCompanyRef(table, companyID, id, label string) error {
	var company string
	err := tx.QueryRowContext(tx.ctx, `SELECT company_id FROM `+table+` WHERE id = ?`, strings.ToLower(id)).Scan(&company)
	if err == sql.ErrNoRows {
		return Errorf(ENOTFOUND, "%s not found", label)
	}
	if err != nil {
		return err
	}
	if company != companyID {
		return Errorf(EUNPROCESSABLE, "%s must belong to same company", label)
	}
	return nil
}
