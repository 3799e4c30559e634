package store

import (
	"path/filepath"
	"strings"
)

// The agent, project and task steps of an import apply (portability_apply.go).

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// importRuntime is the package runtime config with the timer heartbeat off: imported
// agents must not start working before the board has looked at them.
func importRuntime(rc map[string]any) map[string]any {
	out := copyMap(rc)
	hb, _ := out["heartbeat"].(map[string]any)
	hb = copyMap(hb)
	hb["enabled"] = false
	out["heartbeat"] = hb
	return out
}

func (a *applier) agents() error {
	p, tx := a.p, a.tx
	for _, ma := range p.agents {
		plan := p.agentP[ma.Slug]
		if plan.Action == "skip" {
			a.agentID[ma.Slug] = *plan.ExistingAgentID
			a.res.Agents = append(a.res.Agents, ImportedEntity{Slug: ma.Slug, ID: *plan.ExistingAgentID, Action: "skipped", Name: plan.PlannedName, Reason: plan.Reason})
			continue
		}
		typ, cfg := ma.AdapterType, copyMap(ma.AdapterConfig)
		if o, ok := p.in.AdapterOverrides[ma.Slug]; ok && o.AdapterType != "" {
			typ, cfg = o.AdapterType, copyMap(o.AdapterConfig)
		}
		env, err := a.envBindings(ma.Slug, "")
		if err != nil {
			return err
		}
		if len(env) > 0 {
			cfg["env"] = env
		}
		var skills []any
		for _, s := range ma.Skills {
			if stored, ok := a.skillSlug[s]; ok {
				skills = append(skills, stored)
			} else if p.ex.skills[s] {
				skills = append(skills, s)
			}
		}
		if len(skills) > 0 {
			cfg["paperclipSkillSync"] = map[string]any{"desiredSkills": skills}
		}
		needsConfig := typ == AdapterProcess && cfg["command"] == nil
		var id string
		if plan.Action == "update" {
			id = *plan.ExistingAgentID
			if err := a.replaceAgent(id, ma, typ, cfg); err != nil {
				return err
			}
		} else {
			in := AgentInput{Name: Some(plan.PlannedName), Role: Some(ma.Role), Title: optionalOf(ma.Title), Icon: optionalOf(ma.Icon),
				Capabilities: optionalOf(ma.Capabilities), AdapterType: Some(typ), AdapterConfig: Some(cfg),
				RuntimeConfig: Some(importRuntime(ma.RuntimeConfig)), BudgetMonthlyCents: Some(ma.BudgetMonthlyCents)}
			if v, ok := ma.Permissions["canCreateAgents"].(bool); ok {
				in.Permissions = Some(AgentPermissionsInput{CanCreateAgents: Some(v)})
			}
			if err := in.Validate(); err != nil {
				return err
			}
			ag, err := tx.insertAgent(a.companyID, in, AgentIdle)
			if err != nil {
				return err
			}
			if err := tx.applyCreateBudget(ag, in); err != nil {
				return err
			}
			id = ag.ID
		}
		if err := a.agentExtras(id, ma, typ, needsConfig); err != nil {
			return err
		}
		a.agentID[ma.Slug] = id
		a.res.Agents = append(a.res.Agents, ImportedEntity{Slug: ma.Slug, ID: id, Action: pastTense(plan.Action), Name: plan.PlannedName, Reason: plan.Reason})
	}
	for _, ma := range p.agents {
		if p.agentP[ma.Slug].Action == "skip" {
			continue
		}
		boss := a.agentID[deref(ma.ReportsToSlug)]
		if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET reports_to = ? WHERE id = ?`, nullIfEmpty(boss), a.agentID[ma.Slug]); err != nil {
			return err
		}
	}
	return nil
}

// agentExtras writes the instructions file (after commit) and pauses agents that
// cannot run as imported.
func (a *applier) agentExtras(id string, ma ManifestAgent, typ string, needsConfig bool) error {
	tx := a.tx
	if ma.Instructions != "" && (typ == AdapterClaudeLocal || typ == AdapterCodexLocal) && a.agentsDir != "" {
		file := filepath.Join(a.agentsDir, id, "AGENTS.md")
		var text string
		if err := tx.QueryRowContext(tx.ctx, `SELECT adapter_config FROM agents WHERE id = ?`, id).Scan(&text); err != nil {
			return err
		}
		cfg := decodeObject(text)
		cfg["instructionsFilePath"] = file
		if text, err := jsonText(cfg); err != nil {
			return err
		} else if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET adapter_config = ? WHERE id = ?`, text, id); err != nil {
			return err
		}
		a.writeAfterCommit(file, ma.Instructions+"\n")
	}
	if needsConfig {
		_, err := tx.ExecContext(tx.ctx, `UPDATE agents SET status = 'paused', pause_reason = 'manual', paused_at = ? WHERE id = ?`, tx.Now(), id)
		return err
	}
	return nil
}

func (a *applier) replaceAgent(id string, ma ManifestAgent, typ string, cfg map[string]any) error {
	tx := a.tx
	if !IsAdapterType(typ) {
		return Errorf(EUNPROCESSABLE, "Unknown adapter type: %s", typ)
	}
	cfg, err := tx.prepareAdapterConfig(a.companyID, typ, cfg, nil)
	if err != nil {
		return err
	}
	cfgText, err := jsonText(cfg)
	if err != nil {
		return err
	}
	rtText, err := jsonText(normalizeRuntimeConfig(importRuntime(ma.RuntimeConfig)))
	if err != nil {
		return err
	}
	perms, _ := jsonText(AgentPermissions{CanCreateAgents: ma.Permissions["canCreateAgents"] == true || (ma.Permissions == nil && ma.Role == RoleCEO)})
	_, err = tx.ExecContext(tx.ctx, `UPDATE agents SET title = ?, role = ?, icon = ?, capabilities = ?, adapter_type = ?, adapter_config = ?,
		runtime_config = ?, budget_monthly_cents = ?, permissions = ?, updated_at = ? WHERE id = ?`,
		nullStr(ma.Title), ma.Role, nullStr(ma.Icon), nullStr(ma.Capabilities), typ, cfgText, rtText, ma.BudgetMonthlyCents, perms, tx.Now(), id)
	return err
}

// envBindings turns the env inputs of one agent or project into bindings: a given
// value (sealed as a company secret for secret inputs), else an existing company secret
// of that name, else the plain default.
func (a *applier) envBindings(agentSlug, projectSlug string) (map[string]any, error) {
	env := map[string]any{}
	for _, in := range a.p.preview.EnvInputs {
		if deref(in.AgentSlug) != agentSlug || deref(in.ProjectSlug) != projectSlug {
			continue
		}
		if v, ok := a.p.in.SecretValues[in.Key]; ok {
			if in.Kind != "secret" {
				env[in.Key] = map[string]any{"type": "plain", "value": v}
				continue
			}
			id, err := a.secretFor(in.Key, v)
			if err != nil {
				return nil, err
			}
			env[in.Key] = map[string]any{"type": "secret_ref", "secretId": id}
			continue
		}
		switch {
		case in.Kind == "secret" && a.tx.actor.IsAgent():
			// Binding a company secret to an agent is the board's call: an agent
			// importing agents could otherwise hand itself any secret by name.
			a.warn("%s needs %s: ask the board to bind it", ownerOf(in), in.Key)
		case in.Kind == "secret" && a.p.ex.secretByKey[in.Key] != "":
			env[in.Key] = map[string]any{"type": "secret_ref", "secretId": a.p.ex.secretByKey[in.Key]}
		case in.Kind != "secret" && in.DefaultValue != nil:
			env[in.Key] = map[string]any{"type": "plain", "value": *in.DefaultValue}
		}
	}
	return env, nil
}

// secretFor stores value as the company secret named key: rotated when it exists,
// created otherwise. Later inputs of the same key bind the same secret.
func (a *applier) secretFor(key, value string) (string, error) {
	if a.key == nil {
		return "", Errorf(EUNPROCESSABLE, "Secret provider not available: %s (no master key)", ProviderLocalEncrypted)
	}
	if id, done := a.sealed[key]; done {
		return id, nil
	}
	material, digest, err := a.key.seal(value)
	if err != nil {
		return "", err
	}
	tx := a.tx
	id := a.p.ex.secretByKey[key]
	if id != "" {
		var version int64
		if err := tx.QueryRowContext(tx.ctx, `SELECT latest_version FROM company_secrets WHERE id = ?`, id).Scan(&version); err != nil {
			return "", err
		}
		if err := tx.rotateSecret(id, version+1, material, digest); err != nil {
			return "", err
		}
	} else if id, err = tx.insertSecret(a.companyID, key, key, nil, material, digest); err != nil {
		return "", translate(err, "Secret")
	}
	a.p.ex.secretByKey[key], a.sealed[key] = id, id
	return id, nil
}

func (a *applier) projects() error {
	p, tx := a.p, a.tx
	for _, mp := range p.projects {
		plan := p.projectP[mp.Slug]
		var goals []string
		for _, g := range mp.GoalSlugs {
			if id := a.goalID[g]; id != "" {
				goals = append(goals, id)
			}
		}
		lead := a.agentID[deref(mp.LeadAgentSlug)]
		var id string
		switch plan.Action {
		case "skip":
			id = *plan.ExistingProjectID
		case "update":
			id = *plan.ExistingProjectID
			if _, err := tx.ExecContext(tx.ctx, `UPDATE projects SET description = ?, status = ?, lead_agent_id = ?, target_date = ?, color = ?,
				updated_at = ? WHERE id = ?`, nullStr(mp.Description), mp.Status, nullIfEmpty(lead), nullStr(mp.TargetDate), nullStr(mp.Color),
				tx.Now(), id); err != nil {
				return err
			}
			if err := tx.setProjectGoals(Project{ID: id, CompanyID: a.companyID}, goals); err != nil {
				return err
			}
		default:
			env, err := a.envBindings("", mp.Slug)
			if err != nil {
				return err
			}
			pr := Project{ID: NewID(), CompanyID: a.companyID, Description: mp.Description, Status: mp.Status, TargetDate: mp.TargetDate,
				Color: mp.Color, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
			if lead != "" {
				pr.LeadAgentID = &lead
			}
			if len(env) > 0 {
				pr.Env = env
			}
			if pr.Name, err = tx.uniqueProjectName(a.companyID, pr.ID, plan.PlannedName); err != nil {
				return err
			}
			pr.URLKey = ProjectURLKey(pr.Name, pr.ID)
			if err := tx.insertProject(pr); err != nil {
				return err
			}
			if err := tx.setProjectGoals(pr, goals); err != nil {
				return err
			}
			if err := a.workspaces(pr, mp); err != nil {
				return err
			}
			id = pr.ID
		}
		a.projectID[mp.Slug] = id
		a.res.Projects = append(a.res.Projects, ImportedEntity{Slug: mp.Slug, ID: id, Action: pastTense(plan.Action), Name: plan.PlannedName, Reason: plan.Reason})
	}
	return nil
}

func (a *applier) workspaces(pr Project, mp ManifestProject) error {
	for _, ws := range mp.Workspaces {
		if ws.RepoURL == nil || strings.TrimSpace(*ws.RepoURL) == "" {
			a.warn("Project %s workspace %s has no repoUrl; skipped", mp.Slug, ws.Key)
			continue
		}
		w := Workspace{ID: NewID(), CompanyID: a.companyID, ProjectID: pr.ID, Name: orStr(ws.Name, ws.Key),
			SourceType: orStr(ws.SourceType, "git_repo"), RepoURL: ws.RepoURL, RepoRef: ws.RepoRef, DefaultRef: ws.DefaultRef,
			Visibility: "default", IsPrimary: ws.IsPrimary}
		if checkWorkspace(w) != nil {
			a.warn("Project %s workspace %s is invalid; skipped", mp.Slug, ws.Key)
			continue
		}
		if err := a.tx.insertWorkspace(&w); err != nil {
			return err
		}
	}
	return nil
}

// ownerOf names an env input's agent or project for messages.
func ownerOf(in EnvInput) string {
	if in.ProjectSlug != nil {
		return "project " + *in.ProjectSlug
	}
	return "agent " + deref(in.AgentSlug)
}
