package store

import (
	"context"
	"database/sql"
	"strings"
)

const projectColumns = `id, company_id, url_key, name, description, status, goal_id, lead_agent_id, target_date, color, icon,
	env, pause_reason, paused_at, execution_workspace_policy, archived_at, created_at, updated_at`

// projectRow is a project as stored: env unredacted, no goals or workspaces loaded.
func scanProject(sc scanner) (Project, error) {
	var p Project
	var desc, goal, lead, target, color, icon, env, pause, paused, policy, archived sql.NullString
	err := sc.Scan(&p.ID, &p.CompanyID, &p.URLKey, &p.Name, &desc, &p.Status, &goal, &lead, &target, &color, &icon,
		&env, &pause, &paused, &policy, &archived, &p.CreatedAt, &p.UpdatedAt)
	p.Description, p.GoalID, p.LeadAgentID, p.TargetDate = strPtr(desc), strPtr(goal), strPtr(lead), strPtr(target)
	p.Color, p.Icon, p.PauseReason, p.PausedAt, p.ArchivedAt = strPtr(color), strPtr(icon), strPtr(pause), strPtr(paused), strPtr(archived)
	if env.Valid {
		p.Env = decodeObject(env.String)
	}
	if policy.Valid {
		p.ExecutionWorkspacePolicy = JSONRaw(policy.String)
	}
	return p, err
}

func findProjectRow(ctx context.Context, q querier, id string) (Project, error) {
	if !IsUUID(id) {
		return Project{}, NotFound("Project")
	}
	p, err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects WHERE id = ?`, strings.ToLower(id)))
	return p, translate(err, "Project")
}

func (tx *Tx) loadProjectRow(id string) (Project, error) { return findProjectRow(tx.ctx, tx, id) }

// loadProjectExtras fills goalIds, goals and workspaces of projects, and redacts env
// for reading.
func loadProjectExtras(ctx context.Context, q querier, ps []*Project) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]string, len(ps))
	args := make([]any, len(ps))
	byID := map[string]*Project{}
	for i, p := range ps {
		ids[i], args[i] = p.ID, p.ID
		byID[p.ID] = p
		p.GoalIDs, p.Goals, p.Workspaces, p.PrimaryWorkspace = []string{}, []ProjectGoal{}, []Workspace{}, nil
		if p.Env != nil {
			p.Env = redactEnv(p.Env)
		}
	}
	type link struct {
		projectID string
		goal      ProjectGoal
	}
	links, err := queryAll(ctx, q, func(sc scanner) (link, error) {
		var l link
		err := sc.Scan(&l.projectID, &l.goal.ID, &l.goal.Title)
		return l, err
	}, `SELECT pg.project_id, g.id, g.title FROM project_goals pg JOIN goals g ON g.id = pg.goal_id
		WHERE pg.project_id IN (`+placeholders(len(ids))+`) ORDER BY pg.position, pg.created_at, g.id`, args...)
	if err != nil {
		return err
	}
	for _, l := range links {
		p := byID[l.projectID]
		p.GoalIDs = append(p.GoalIDs, l.goal.ID)
		p.Goals = append(p.Goals, l.goal)
	}
	ws, err := findWorkspaces(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, w := range ws {
		p := byID[w.ProjectID]
		p.Workspaces = append(p.Workspaces, w)
		if w.IsPrimary && p.PrimaryWorkspace == nil {
			pw := w
			p.PrimaryWorkspace = &pw
		}
	}
	return nil
}

func findProject(ctx context.Context, q querier, id string) (Project, error) {
	p, err := findProjectRow(ctx, q, id)
	if err != nil {
		return p, err
	}
	return p, loadProjectExtras(ctx, q, []*Project{&p})
}

// FindProjectByID returns one project with its goals and workspaces; the caller
// checks its company.
func (s *Store) FindProjectByID(ctx context.Context, id string) (Project, error) {
	return findProject(ctx, s.reader, id)
}

// FindProjectByURLKey resolves a project url key within a company (README §7). Two
// projects sharing a key (possible for rows written before keys were unique) answer
// 409, since guessing would act on the wrong one.
func (s *Store) FindProjectByURLKey(ctx context.Context, companyID, key string) (Project, error) {
	k := URLKey(key)
	if k == "" {
		k = strings.ToLower(strings.TrimSpace(key))
	}
	ids, err := queryAll(ctx, s.reader, scanString, `SELECT id FROM projects WHERE company_id = ? AND url_key = ? ORDER BY created_at, id LIMIT 2`, companyID, k)
	if err != nil {
		return Project{}, err
	}
	switch len(ids) {
	case 0:
		return Project{}, NotFound("Project")
	case 1:
		return s.FindProjectByID(ctx, ids[0])
	}
	return Project{}, Errorf(ECONFLICT, "Project shortname is ambiguous in this company. Use the project ID.")
}

// FindProjects lists a company's projects oldest first; archived ones only on request.
func (s *Store) FindProjects(ctx context.Context, f ProjectFilter) ([]Project, error) {
	var c conds
	c.add("company_id = ?", f.CompanyID)
	c.eq("status", f.Status)
	if !f.IncludeArchived {
		c.add("archived_at IS NULL")
	}
	paging, pageArgs := limitOffset(f.Limit, f.Offset)
	out, err := queryAll(ctx, s.reader, scanProject, `SELECT `+projectColumns+` FROM projects WHERE `+c.sql()+
		` ORDER BY created_at, id`+paging, append(c.args, pageArgs...)...)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*Project, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, loadProjectExtras(ctx, s.reader, ptrs)
}

// setProjectGoals replaces a project's goal set (order kept) and its legacy goal_id.
// Every goal must be one of the project's company.
func (tx *Tx) setProjectGoals(p Project, goalIDs []string) error {
	if len(goalIDs) > 0 {
		args := []any{p.CompanyID}
		for _, id := range goalIDs {
			args = append(args, id)
		}
		var n int
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM goals WHERE company_id = ? AND id IN (`+placeholders(len(goalIDs))+`)`,
			args...).Scan(&n); err != nil {
			return err
		}
		if n != len(goalIDs) {
			return Errorf(EUNPROCESSABLE, "Goals must belong to same company")
		}
	}
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM project_goals WHERE project_id = ?`, p.ID); err != nil {
		return err
	}
	for i, id := range goalIDs {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO project_goals (project_id, goal_id, company_id, position, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, p.ID, id, p.CompanyID, i, tx.Now(), tx.Now()); err != nil {
			return err
		}
	}
	return tx.syncProjectLegacyGoal(p.ID)
}

// syncProjectLegacyGoal keeps projects.goal_id equal to the first goal of the set.
func (tx *Tx) syncProjectLegacyGoal(projectID string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE projects SET goal_id = (SELECT goal_id FROM project_goals WHERE project_id = ?
		ORDER BY position, created_at, goal_id LIMIT 1) WHERE id = ?`, projectID, projectID)
	return err
}

// uniqueProjectName returns the name to store on create: when its url key is taken in
// the company, " 2", " 3", ... is appended. Names with non-ASCII letters are exempt:
// their key already carries part of the id.
func (tx *Tx) uniqueProjectName(companyID, id, name string) (string, error) {
	if hasNonASCII(name) || URLKey(name) == "" {
		return name, nil
	}
	taken, err := tx.projectKeys(companyID, id)
	if err != nil {
		return "", err
	}
	for n := 1; n < 10000; n++ {
		cand := name
		if n > 1 {
			cand = name + " " + itoa(n)
		}
		if !taken[URLKey(cand)] {
			return cand, nil
		}
	}
	return name + " " + itoa(int(tx.now.UnixMilli())), nil
}

// projectKeys is the set of url keys used by the company's other projects.
func (tx *Tx) projectKeys(companyID, exceptID string) (map[string]bool, error) {
	keys, err := tx.strings(`SELECT url_key FROM projects WHERE company_id = ? AND id <> ?`, companyID, exceptID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, nil
}
