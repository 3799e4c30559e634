package store

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// packageBuilder turns exported rows into a Manifest: it picks the selected entities,
// gives each a slug, and rewrites every id reference as a slug reference.
type packageBuilder struct {
	d        *exportData
	include  PackageInclude
	now      time.Time
	rootPath string
	warnings []string

	agents   []Agent
	projects []Project
	issues   []Issue
	skills   []CompanySkill

	agentSlug   map[string]string // id -> slug
	projectSlug map[string]string
	goalSlug    map[string]string
	issueSlug   map[string]string
}

func newPackageBuilder(d *exportData, inc PackageInclude, now time.Time) *packageBuilder {
	return &packageBuilder{d: d, include: inc, now: now, rootPath: PackageSlug(d.company.Name),
		agentSlug: map[string]string{}, projectSlug: map[string]string{}, goalSlug: map[string]string{}, issueSlug: map[string]string{}}
}

// pick resolves selectors (slugs, ids, identifiers) against items; an unknown one is
// 422 "Unknown <kind> in selection".
func pick[T any](kind string, items []T, sel []string, keys func(T) []string) ([]T, error) {
	if len(sel) == 0 {
		return items, nil
	}
	want := map[string]bool{}
	for _, s := range sel {
		want[strings.ToLower(strings.TrimSpace(s))] = true
	}
	found := map[string]bool{}
	var out []T
	for _, it := range items {
		hit := false
		for _, k := range keys(it) {
			if want[strings.ToLower(k)] {
				found[strings.ToLower(k)], hit = true, true
			}
		}
		if hit {
			out = append(out, it)
		}
	}
	for _, s := range sel {
		if !found[strings.ToLower(strings.TrimSpace(s))] {
			return nil, Errorf(EUNPROCESSABLE, "Unknown %s in selection: %s", kind, s)
		}
	}
	return out, nil
}

func (b *packageBuilder) selectAll(in ExportInput) error {
	d := b.d
	goals := slugger{}
	for _, g := range d.goals {
		b.goalSlug[g.ID] = goals.next(g.Title)
	}
	agentSlugs := slugger{}
	allAgentSlug := map[string]string{}
	for _, a := range d.agents {
		allAgentSlug[a.ID] = agentSlugs.next(a.Name)
	}
	var err error
	if b.include.Agents {
		b.agents, err = pick("agent", d.agents, in.Agents, func(a Agent) []string { return []string{a.ID, a.URLKey, allAgentSlug[a.ID]} })
		if err != nil {
			return err
		}
		for _, a := range b.agents {
			b.agentSlug[a.ID] = allAgentSlug[a.ID]
		}
	}
	projectSlugs := slugger{}
	allProjectSlug := map[string]string{}
	for _, p := range d.projects {
		allProjectSlug[p.ID] = projectSlugs.next(p.Name)
	}
	projectKeys := func(p Project) []string { return []string{p.ID, p.URLKey, allProjectSlug[p.ID]} }
	if b.include.Projects {
		if b.projects, err = pick("project", d.projects, in.Projects, projectKeys); err != nil {
			return err
		}
		for _, p := range b.projects {
			b.projectSlug[p.ID] = allProjectSlug[p.ID]
		}
	}
	if err := b.selectIssues(in, projectKeys); err != nil {
		return err
	}
	return b.selectSkills(in)
}

func (b *packageBuilder) selectIssues(in ExportInput, projectKeys func(Project) []string) error {
	d := b.d
	issueKeys := func(is Issue) []string { return []string{is.ID, is.Identifier} }
	chosen := map[string]bool{}
	if b.include.Issues {
		list, err := pick("issue", d.issues, in.Issues, issueKeys)
		if err != nil {
			return err
		}
		for _, is := range list {
			chosen[is.ID] = true
		}
	} else if len(in.Issues) > 0 {
		list, err := pick("issue", d.issues, in.Issues, issueKeys)
		if err != nil {
			return err
		}
		for _, is := range list {
			chosen[is.ID] = true
		}
	}
	if len(in.ProjectIssues) > 0 {
		ps, err := pick("project", d.projects, in.ProjectIssues, projectKeys)
		if err != nil {
			return err
		}
		for _, p := range ps {
			for _, is := range d.issues {
				if is.ProjectID != nil && *is.ProjectID == p.ID {
					chosen[is.ID] = true
				}
			}
		}
	}
	for _, is := range d.issues {
		if chosen[is.ID] {
			b.issues = append(b.issues, is)
			b.issueSlug[is.ID] = PackageSlug(is.Identifier)
		}
	}
	if len(b.issues) > 0 {
		b.include.Issues = true
	}
	return nil
}

func (b *packageBuilder) selectSkills(in ExportInput) error {
	if !b.include.Skills {
		return nil
	}
	want := map[string]bool{}
	switch {
	case len(in.Skills) > 0:
		for _, s := range in.Skills {
			want[strings.TrimSpace(s)] = true
		}
	case len(in.Agents) > 0:
		for _, a := range b.agents {
			for _, s := range DesiredSkills(a.AdapterConfig) {
				want[s] = true
			}
		}
	default:
		for _, sk := range b.d.skills {
			want[sk.Slug] = true
		}
	}
	known := map[string]bool{}
	for _, sk := range b.d.skills {
		known[sk.Slug] = true
		if want[sk.Slug] {
			b.skills = append(b.skills, sk)
		}
	}
	for s := range want {
		if !known[s] && len(in.Skills) > 0 {
			return Errorf(EUNPROCESSABLE, "Unknown skill in selection: %s", s)
		}
	}
	return nil
}

func (b *packageBuilder) ref(m map[string]string, id *string) *string {
	if id == nil {
		return nil
	}
	if s, ok := m[*id]; ok {
		return &s
	}
	return nil
}

func (b *packageBuilder) warn(format string, args ...any) {
	b.warnings = append(b.warnings, fmt.Sprintf(format, args...))
}

// manifest builds the parsed form of the package.
func (b *packageBuilder) manifest() Manifest {
	d := b.d
	gen := FormatTime(b.now)
	m := Manifest{SchemaVersion: 1, GeneratedAt: &gen, Source: &ManifestSource{CompanyID: d.company.ID, CompanyName: d.company.Name},
		Includes: b.include, Goals: []ManifestGoal{}, Agents: []ManifestAgent{}, Projects: []ManifestProject{}, Issues: []ManifestIssue{},
		Skills: []ManifestSkill{}, Labels: []ManifestLabel{}, EnvInputs: []EnvInput{}}
	c := d.company
	m.Company = &ManifestCompany{Path: "COMPANY.md", Slug: b.rootPath, Name: c.Name, Description: c.Description, BrandColor: c.BrandColor,
		RequireBoardApprovalForNewAgents: c.RequireBoardApprovalForNewAgents, BudgetMonthlyCents: c.BudgetMonthlyCents}
	if d.logo != nil {
		lp := "assets/logo" + logoExt(d.logo.ContentType)
		m.Company.LogoPath = &lp
	}
	for _, g := range d.goals {
		m.Goals = append(m.Goals, ManifestGoal{Slug: b.goalSlug[g.ID], Title: g.Title, Description: g.Description, Level: g.Level,
			Status: g.Status, ParentSlug: b.ref(b.goalSlug, g.ParentID), OwnerAgentSlug: b.ref(b.agentSlug, g.OwnerAgentID)})
	}
	for _, a := range b.agents {
		m.Agents = append(m.Agents, b.agentEntry(a, &m))
	}
	for _, p := range b.projects {
		m.Projects = append(m.Projects, b.projectEntry(p, &m))
	}
	usedLabels := map[string]bool{}
	for _, is := range b.issues {
		e := b.issueEntry(is)
		for _, l := range e.LabelNames {
			usedLabels[l] = true
		}
		m.Issues = append(m.Issues, e)
	}
	if len(b.issues) > 0 {
		for _, l := range d.allLabel {
			m.Labels = append(m.Labels, ManifestLabel{Name: l.Name, Color: l.Color})
		}
	}
	for _, sk := range b.skills {
		files := make([]string, 0, len(sk.Files))
		for p := range sk.Files {
			files = append(files, path.Join("skills", sk.Slug, p))
		}
		sort.Strings(files)
		m.Skills = append(m.Skills, ManifestSkill{Slug: sk.Slug, Name: sk.Name, Description: sk.Description,
			Path: path.Join("skills", sk.Slug, "SKILL.md"), Files: files})
	}
	return m
}

func (b *packageBuilder) agentEntry(a Agent, m *Manifest) ManifestAgent {
	slug := b.agentSlug[a.ID]
	e := ManifestAgent{Slug: slug, Name: a.Name, Path: path.Join("agents", slug, "AGENTS.md"), Title: a.Title, Role: a.Role, Icon: a.Icon,
		Capabilities: a.Capabilities, ReportsToSlug: b.ref(b.agentSlug, a.ReportsTo), Skills: nonNil(DesiredSkills(a.AdapterConfig)),
		AdapterType: a.AdapterType, RuntimeConfig: portableRuntime(a.RuntimeConfig), Permissions: permissionsMap(a.Permissions),
		BudgetMonthlyCents: a.BudgetMonthlyCents}
	text, ok := agentInstructions(a)
	if !ok {
		b.warn("Agent %s instructions file is unreadable; exported without instructions", slug)
	}
	e.Instructions = text
	cfg := map[string]any{}
	for k, v := range a.AdapterConfig {
		switch k {
		case "env", "cwd", "instructionsFilePath", "paperclipSkillSync":
			continue
		case "command":
			if s, _ := v.(string); strings.HasPrefix(s, "/") || (len(s) > 2 && s[1] == ':') {
				b.warn("Agent %s command %s was omitted because it is machine-specific", slug, s)
				continue
			}
		case "headers":
			if h, ok := v.(map[string]any); ok {
				kept := map[string]any{}
				for name, hv := range h {
					if exportSensitiveRe.MatchString(name) {
						b.warn("Agent %s header %s was omitted (secret)", slug, name)
						continue
					}
					kept[name] = hv
				}
				if len(kept) == 0 {
					continue
				}
				v = kept
			}
		}
		cfg[k] = v
	}
	if len(cfg) > 0 {
		e.AdapterConfig = cfg
	}
	env, _ := a.AdapterConfig["env"].(map[string]any)
	for _, in := range b.envInputs(env) {
		in.AgentSlug = &slug
		m.EnvInputs = append(m.EnvInputs, in)
	}
	return e
}

// portableRuntime is runtimeConfig without heartbeat.enabled: imports always turn the
// timer off, so the exported value would only mislead.
func portableRuntime(rc map[string]any) map[string]any {
	if len(rc) == 0 {
		return nil
	}
	out := map[string]any{}
	for k, v := range rc {
		if hb, ok := v.(map[string]any); ok && k == "heartbeat" {
			h := map[string]any{}
			for hk, hv := range hb {
				if hk != "enabled" {
					h[hk] = hv
				}
			}
			if len(h) == 0 {
				continue
			}
			v = h
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// envInputs turns env bindings into declarations: names and kinds, never secret values.
func (b *packageBuilder) envInputs(env map[string]any) []EnvInput {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []EnvInput
	for _, k := range keys {
		in := EnvInput{Key: k, Kind: "secret", Requirement: "required", Portability: "portable"}
		var value string
		isSecret := exportSensitiveRe.MatchString(k)
		switch v := env[k].(type) {
		case string:
			value = v
		case map[string]any:
			isSecret = isSecret || v["type"] == "secret_ref"
			value, _ = v["value"].(string)
		}
		if !isSecret {
			in.Kind, in.Requirement = "plain", "optional"
			if strings.HasPrefix(value, "/") {
				in.Portability = "system_dependent"
			} else {
				dv := value
				in.DefaultValue = &dv
			}
		}
		out = append(out, in)
	}
	return out
}

func (b *packageBuilder) projectEntry(p Project, m *Manifest) ManifestProject {
	slug := b.projectSlug[p.ID]
	e := ManifestProject{Slug: slug, Name: p.Name, Path: path.Join("projects", slug, "PROJECT.md"), Description: p.Description,
		Status: p.Status, LeadAgentSlug: b.ref(b.agentSlug, p.LeadAgentID), TargetDate: p.TargetDate, Color: p.Color,
		GoalSlugs: []string{}, Workspaces: []ManifestWorkspace{}}
	for _, g := range b.d.goalIDs[p.ID] {
		if s, ok := b.goalSlug[g]; ok {
			e.GoalSlugs = append(e.GoalSlugs, s)
		}
	}
	keys := slugger{}
	for _, w := range p.Workspaces {
		if w.RepoURL == nil || *w.RepoURL == "" {
			continue
		}
		e.Workspaces = append(e.Workspaces, ManifestWorkspace{Key: keys.next(w.Name), Name: w.Name, SourceType: w.SourceType,
			RepoURL: w.RepoURL, RepoRef: w.RepoRef, DefaultRef: w.DefaultRef, IsPrimary: w.IsPrimary})
	}
	for _, in := range b.envInputs(p.Env) {
		in.ProjectSlug = &slug
		m.EnvInputs = append(m.EnvInputs, in)
	}
	return e
}

func (b *packageBuilder) issueEntry(is Issue) ManifestIssue {
	slug := b.issueSlug[is.ID]
	id := is.Identifier
	e := ManifestIssue{Slug: slug, Identifier: &id, Title: is.Title, Path: path.Join("tasks", slug, "TASK.md"), Description: is.Description,
		Status: is.Status, Priority: is.Priority, AssigneeAgentSlug: b.ref(b.agentSlug, is.AssigneeAgentID),
		ProjectSlug: b.ref(b.projectSlug, is.ProjectID), ParentSlug: b.ref(b.issueSlug, is.ParentID), GoalSlug: b.ref(b.goalSlug, is.GoalID),
		LabelNames: nonNil(b.d.labels[is.ID]), BillingCode: is.BillingCode, BlockedBySlugs: []string{}, Comments: []ManifestComment{},
		Documents: []ManifestDocument{}}
	for _, bl := range b.d.blockers[is.ID] {
		if s, ok := b.issueSlug[bl]; ok {
			e.BlockedBySlugs = append(e.BlockedBySlugs, s)
		}
	}
	for _, c := range b.d.comments[is.ID] {
		mc := ManifestComment{AuthorType: c.AuthorType, Body: c.Body, CreatedAt: c.CreatedAt}
		switch c.AuthorType {
		case "agent":
			if mc.AuthorAgentSlug = b.ref(b.agentSlug, c.AuthorAgentID); mc.AuthorAgentSlug == nil {
				mc.AuthorType = "system"
			}
		case "user":
			label := "Board"
			mc.AuthorLabel = &label
		}
		e.Comments = append(e.Comments, mc)
	}
	for _, doc := range b.d.docs[is.ID] {
		doc.Path = path.Join("tasks", slug, "docs", doc.Key+".md")
		e.Documents = append(e.Documents, doc)
	}
	return e
}
