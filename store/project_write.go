package store

import (
	"context"
	"encoding/json"
	"sort"
)

// CreateProject adds a project with its goal set and, when the body has one, its first
// workspace, all in one transaction: an invalid seed workspace creates nothing.
func (s *Store) CreateProject(ctx context.Context, companyID string, in ProjectInput) (Project, error) {
	if err := in.Validate(true); err != nil {
		return Project{}, err
	}
	seed, err := in.seedWorkspace()
	if err != nil {
		return Project{}, err
	}
	p := Project{ID: NewID(), CompanyID: companyID, Status: "backlog"}
	err = s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		if seed != nil {
			if err := tx.authorize(ActWorkspaceSetCommands, Target{CompanyID: companyID, Fields: seed.commandFields()}); err != nil {
				return err
			}
		}
		if err := tx.applyProjectInput(&p, in, nil); err != nil {
			return err
		}
		if p.Name, err = tx.uniqueProjectName(companyID, p.ID, p.Name); err != nil {
			return err
		}
		p.URLKey = ProjectURLKey(p.Name, p.ID)
		p.CreatedAt, p.UpdatedAt = tx.Now(), tx.Now()
		if err := tx.insertProject(p); err != nil {
			return err
		}
		goals, _ := in.goalList()
		if err := tx.setProjectGoals(p, goals); err != nil {
			return err
		}
		var workspaceID any
		if seed != nil {
			w := newWorkspace(p, *seed)
			if checkWorkspace(w) != nil {
				return Errorf(EUNPROCESSABLE, errWorkspacePayload)
			}
			if err := tx.insertWorkspace(&w); err != nil {
				return err
			}
			workspaceID = w.ID
		}
		return tx.logActivity(companyID, "project.created", "project", p.ID, map[string]any{
			"name": p.Name, "workspaceId": workspaceID, "envKeys": envKeys(p.Env)})
	})
	if err != nil {
		return Project{}, err
	}
	return s.FindProjectByID(ctx, p.ID)
}

// seedWorkspace decodes the create body's workspace; any problem with it is the one 422
// of goals-projects.md §2.3.
func (in *ProjectInput) seedWorkspace() (*WorkspaceInput, error) {
	if !in.Workspace.Set || in.Workspace.Null {
		return nil, nil
	}
	var w WorkspaceInput
	if err := json.Unmarshal(in.Workspace.Value, &w); err != nil || w.Validate(true) != nil {
		return nil, Errorf(EUNPROCESSABLE, errWorkspacePayload)
	}
	return &w, nil
}

// UpdateProject applies a partial update. A rename whose url key another project of
// the company already uses is refused rather than silently renamed.
func (s *Store) UpdateProject(ctx context.Context, id string, in ProjectInput) (Project, error) {
	if err := in.Validate(false); err != nil {
		return Project{}, err
	}
	var pid string
	err := s.write(ctx, func(tx *Tx) error {
		p, err := tx.loadProjectRow(id)
		if err != nil {
			return err
		}
		pid = p.ID
		stored := p.Env
		if err := tx.applyProjectInput(&p, in, stored); err != nil {
			return err
		}
		if in.Name.Set {
			p.URLKey = ProjectURLKey(p.Name, p.ID)
			taken, err := tx.projectKeys(p.CompanyID, p.ID)
			if err != nil {
				return err
			}
			if taken[p.URLKey] {
				return Errorf(ECONFLICT, "Project shortname '%s' is already in use in this company", p.URLKey)
			}
		}
		p.UpdatedAt = tx.Now()
		env, err := nullableJSON(p.Env)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE projects SET name = ?, url_key = ?, description = ?, status = ?, lead_agent_id = ?,
			target_date = ?, color = ?, icon = ?, env = ?, execution_workspace_policy = ?, archived_at = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.URLKey, nullStr(p.Description), p.Status, nullStr(p.LeadAgentID), nullStr(p.TargetDate), nullStr(p.Color),
			nullStr(p.Icon), env, rawOrNil(p.ExecutionWorkspacePolicy), nullStr(p.ArchivedAt), p.UpdatedAt, p.ID); err != nil {
			return err
		}
		if goals, ok := in.goalList(); ok {
			if err := tx.setProjectGoals(p, goals); err != nil {
				return err
			}
		}
		return tx.logActivity(p.CompanyID, "project.updated", "project", p.ID, map[string]any{
			"changedKeys": in.changedKeys(), "envKeys": envKeys(p.Env)})
	})
	if err != nil {
		return Project{}, err
	}
	return s.FindProjectByID(ctx, pid)
}

// DeleteProject removes a project and returns it as it was. Its issues stay, without
// project or workspace; its workspaces, goal links and project budget policies go.
func (s *Store) DeleteProject(ctx context.Context, id string) (Project, error) {
	var p Project
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		if p, err = findProject(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM budget_policies WHERE company_id = ? AND scope_type = 'project' AND scope_id = ?`,
			p.CompanyID, p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projects WHERE id = ?`, p.ID); err != nil {
			return err
		}
		return tx.logActivity(p.CompanyID, "project.deleted", "project", p.ID, map[string]any{"name": p.Name})
	})
	return p, err
}

// applyProjectInput writes the body's fields onto p, checking references (lead agent)
// and normalising env against the stored bindings (redacted placeholders keep them).
func (tx *Tx) applyProjectInput(p *Project, in ProjectInput, storedEnv map[string]any) error {
	if v := in.Name.Ptr(); v != nil {
		p.Name = trimmed(*v)
	}
	if in.Description.Set {
		p.Description = in.Description.Ptr()
	}
	if v := in.Status.Ptr(); v != nil {
		p.Status = *v
	}
	if in.LeadAgentID.Set {
		p.LeadAgentID = lowerPtr(in.LeadAgentID.Ptr())
		if p.LeadAgentID != nil {
			if err := tx.checkCompanyRef("agents", p.CompanyID, *p.LeadAgentID, "Lead agent"); err != nil {
				return err
			}
		}
	}
	if in.TargetDate.Set {
		p.TargetDate = nil
		if v := in.TargetDate.Ptr(); v != nil {
			d, _ := projectDate(*v)
			p.TargetDate = &d
		}
	}
	if in.Color.Set {
		p.Color = in.Color.Ptr()
	}
	if in.Icon.Set {
		p.Icon = in.Icon.Ptr()
	}
	if in.Env.Set {
		p.Env = nil
		if !in.Env.Null {
			m, ok := in.Env.Value.(map[string]any)
			if !ok {
				return Errorf(EUNPROCESSABLE, "env must be an object")
			}
			env, err := tx.normalizeEnv(p.CompanyID, m, storedEnv)
			if err != nil {
				return err
			}
			p.Env = env
		}
	}
	if in.ExecutionWorkspacePolicy.Set {
		p.ExecutionWorkspacePolicy = nil
		if !in.ExecutionWorkspacePolicy.Null {
			raw, err := json.Marshal(in.ExecutionWorkspacePolicy.Value)
			if err != nil {
				return err
			}
			p.ExecutionWorkspacePolicy = raw
		}
	}
	if in.ArchivedAt.Set {
		p.ArchivedAt = nil
		if v := in.ArchivedAt.Ptr(); v != nil {
			t, _ := NormalizeTime(*v)
			p.ArchivedAt = &t
		}
	}
	return nil
}

func (tx *Tx) insertProject(p Project) error {
	env, err := nullableJSON(p.Env)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO projects (`+projectColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.CompanyID, p.URLKey, p.Name, nullStr(p.Description), p.Status, nil, nullStr(p.LeadAgentID), nullStr(p.TargetDate),
		nullStr(p.Color), nullStr(p.Icon), env, nil, nil, rawOrNil(p.ExecutionWorkspacePolicy), nullStr(p.ArchivedAt), p.CreatedAt, p.UpdatedAt)
	return err
}

func rawOrNil(raw JSONRaw) any {
	if raw == nil {
		return nil
	}
	return string(raw)
}

// envKeys lists binding names only: activity never carries env values.
func envKeys(env map[string]any) []string {
	out := make([]string, 0, len(env))
	for k := range env {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
