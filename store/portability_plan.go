package store

import (
	"context"
	"fmt"
	"strings"
)

// importPlan is a computed import: the preview shown to the caller and the decisions
// the apply carries out.
type importPlan struct {
	in       ImportInput
	actor    Actor
	preview  ImportPreview
	m        Manifest
	ex       *existing
	include  PackageInclude
	agents   []ManifestAgent
	agentP   map[string]AgentPlan
	projects []ManifestProject
	projectP map[string]ProjectPlan
	goalP    map[string]GoalPlan
	skillP   map[string]SkillPlan
	issues   []ManifestIssue
	files    PackageFiles
}

func (p *importPlan) warn(format string, args ...any) {
	p.preview.Warnings = append(p.preview.Warnings, fmt.Sprintf(format, args...))
}

func (p *importPlan) fail(format string, args ...any) {
	p.preview.Errors = append(p.preview.Errors, fmt.Sprintf(format, args...))
}

// PreviewImport plans an import without writing anything.
func (s *Store) PreviewImport(ctx context.Context, in ImportInput) (ImportPreview, error) {
	p, err := s.planImport(ctx, s.reader, in)
	if err != nil {
		return ImportPreview{}, err
	}
	return p.preview, nil
}

// ParseImportPackage checks an import body and parses its package (normalised paths,
// selected files only) without touching the database: every error an apply gives
// before it plans against existing rows. The async import route answers these
// synchronously rather than as a failed job.
func ParseImportPackage(in ImportInput) (PackageFiles, Manifest, []string, error) {
	if err := in.Validate(); err != nil {
		return nil, Manifest{}, nil, err
	}
	files, err := NormalizePackage(in.Source.Files, in.Source.RootPath)
	if err != nil {
		return nil, Manifest{}, nil, err
	}
	if len(in.SelectedFiles) > 0 {
		// A new map: files may be the caller's own (NormalizePackage returns it as is
		// when there is no root to strip), and the body may be parsed more than once.
		keep := map[string]bool{SidecarPath: true}
		for _, f := range in.SelectedFiles {
			keep[f] = true
		}
		selected := make(PackageFiles, len(keep))
		for f, data := range files {
			if keep[f] {
				selected[f] = data
			}
		}
		files = selected
	}
	m, warnings, err := ParsePackage(files)
	if err != nil {
		return nil, Manifest{}, nil, err
	}
	return files, m, warnings, nil
}

func (s *Store) planImport(ctx context.Context, q querier, in ImportInput) (*importPlan, error) {
	files, m, warnings, err := ParseImportPackage(in)
	if err != nil {
		return nil, err
	}
	p := &importPlan{in: in, actor: ActorFromContext(ctx), m: m, files: files, agentP: map[string]AgentPlan{}, projectP: map[string]ProjectPlan{},
		goalP: map[string]GoalPlan{}, skillP: map[string]SkillPlan{}}
	p.include = in.Include.resolve(m.Includes)
	targetID := ""
	if in.Target.Mode == TargetExistingCompany {
		targetID = strings.ToLower(strings.TrimSpace(in.Target.CompanyID))
	}
	if p.ex, err = loadExisting(ctx, q, targetID, func() (string, string) { return MonthWindow(s.Now()) }); err != nil {
		return nil, err
	}
	pv := &p.preview
	pv.Include, pv.CollisionStrategy, pv.Manifest, pv.Files = p.include, in.CollisionStrategy, m, files
	pv.Warnings, pv.Errors, pv.SelectedAgentSlugs = append([]string{}, warnings...), []string{}, []string{}
	switch {
	case p.ex.company != nil:
		pv.TargetCompanyID, pv.TargetCompanyName = &p.ex.company.ID, p.ex.company.Name
		pv.Plan.CompanyAction = "none"
		if p.include.Company && m.Company != nil {
			pv.Plan.CompanyAction = "update"
		}
	default:
		pv.Plan.CompanyAction = "create"
		switch {
		case in.Target.NewCompanyName != nil:
			pv.TargetCompanyName = strings.TrimSpace(*in.Target.NewCompanyName)
		case m.Company != nil:
			pv.TargetCompanyName = m.Company.Name
		default:
			return nil, Errorf(EUNPROCESSABLE, "A new company needs a name: the package has no COMPANY.md and target.newCompanyName is empty")
		}
	}
	if err := p.planAgents(); err != nil {
		return nil, err
	}
	p.planGoals()
	p.planProjects()
	p.planSkills()
	p.planIssues()
	p.planInputs()
	pv.Plan.AgentPlans, pv.Plan.ProjectPlans, pv.Plan.GoalPlans = nonNil(pv.Plan.AgentPlans), nonNil(pv.Plan.ProjectPlans), nonNil(pv.Plan.GoalPlans)
	pv.Plan.IssuePlans, pv.Plan.SkillPlans = nonNil(pv.Plan.IssuePlans), nonNil(pv.Plan.SkillPlans)
	pv.EnvInputs = nonNil(pv.EnvInputs)
	return p, nil
}

func (p *importPlan) planAgents() error {
	if !p.include.Agents {
		return nil
	}
	sel := p.in.Agents
	chosen := map[string]bool{}
	if sel != nil && !sel.All {
		known := map[string]bool{}
		for _, a := range p.m.Agents {
			known[a.Slug] = true
		}
		for _, s := range sel.Slugs {
			if !known[s] {
				return Errorf(EUNPROCESSABLE, "Unknown agent in selection: %s", s)
			}
			chosen[s] = true
		}
	}
	taken := map[string]bool{}
	for k := range p.ex.agentByKey {
		taken[k] = true
	}
	strategy := p.in.CollisionStrategy
	for _, a := range p.m.Agents {
		if len(chosen) > 0 && !chosen[a.Slug] {
			continue
		}
		p.agents = append(p.agents, a)
		p.preview.SelectedAgentSlugs = append(p.preview.SelectedAgentSlugs, a.Slug)
		p.checkAgent(a)
		name := a.Name
		if o := strings.TrimSpace(p.in.NameOverrides[a.Slug]); o != "" {
			name = o
		}
		old, hit := p.ex.agentByKey[URLKey(name)]
		c := resolveCollision("agent", "name", name, old.ID, hit, strategy, URLKey, taken)
		plan := AgentPlan{Slug: a.Slug, Action: c.action, PlannedName: c.name, ExistingAgentID: c.existing, Reason: c.reason}
		p.agentP[a.Slug] = plan
		p.preview.Plan.AgentPlans = append(p.preview.Plan.AgentPlans, plan)
	}
	p.checkReportsCycle()
	if p.actor.IsAgent() && p.ex.company != nil && p.ex.company.RequireBoardApprovalForNewAgents && len(p.agents) > 0 {
		p.fail("This company requires board approval for new agents; only the board can import agents into it")
	}
	return nil
}

// checkAgent reports the values apply would refuse.
func (p *importPlan) checkAgent(a ManifestAgent) {
	if !contains(AgentRoles, a.Role) {
		p.fail("Agent %s has an invalid role: %s", a.Slug, a.Role)
	}
	typ, cfg := a.AdapterType, a.AdapterConfig
	if o, ok := p.in.AdapterOverrides[a.Slug]; ok && o.AdapterType != "" {
		typ, cfg = o.AdapterType, o.AdapterConfig
	}
	if !IsAdapterType(typ) {
		p.fail("Agent %s uses an unsupported adapter type: %s (give an adapter override)", a.Slug, typ)
		return
	}
	if err := checkAdapterConfig(typ, cfg); err != nil {
		p.fail("Agent %s: %s", a.Slug, err.(*Error).Message)
	}
	if typ == AdapterProcess && cfg["command"] == nil {
		p.warn("Agent %s needs configuration: the process adapter has no command; it is imported paused", a.Slug)
	}
	if a.ReportsToSlug != nil && !p.hasAgent(*a.ReportsToSlug) {
		p.warn("Agent %s reportsTo %s is not in the import; dropped", a.Slug, *a.ReportsToSlug)
	}
}

func (p *importPlan) hasAgent(slug string) bool {
	for _, a := range p.m.Agents {
		if a.Slug == slug {
			return p.in.Agents == nil || p.in.Agents.All || contains(p.in.Agents.Slugs, slug)
		}
	}
	return false
}

func (p *importPlan) checkReportsCycle() {
	up := map[string]string{}
	for _, a := range p.agents {
		if a.ReportsToSlug != nil {
			up[a.Slug] = *a.ReportsToSlug
		}
	}
	for _, a := range p.agents {
		seen := map[string]bool{a.Slug: true}
		for cur, ok := up[a.Slug]; ok; cur, ok = up[cur] {
			if seen[cur] {
				p.fail("reportsTo cycle through agent %s", a.Slug)
				return
			}
			seen[cur] = true
		}
	}
}

func (p *importPlan) planGoals() {
	if !p.include.Company {
		return
	}
	known := map[string]bool{}
	for _, g := range p.m.Goals {
		known[g.Slug] = true
	}
	taken := map[string]bool{}
	for k := range p.ex.goalByTitle {
		taken[k] = true
	}
	for _, g := range p.m.Goals {
		if !contains(GoalLevels, g.Level) || !contains(GoalStatuses, g.Status) {
			p.fail("Goal %s has an invalid level or status: %s/%s", g.Slug, g.Level, g.Status)
		}
		if g.ParentSlug != nil && !known[*g.ParentSlug] {
			p.warn("Goal %s parent %s is not in the package; dropped", g.Slug, *g.ParentSlug)
		}
		old, hit := p.ex.goalByTitle[goalKey(g.Title, g.Level)]
		c := resolveCollision("goal", "title", g.Title, old.ID, hit, p.in.CollisionStrategy,
			func(t string) string { return goalKey(t, g.Level) }, taken)
		plan := GoalPlan{Slug: g.Slug, Action: c.action, PlannedTitle: c.name, ExistingGoalID: c.existing, Reason: c.reason}
		p.goalP[g.Slug] = plan
		p.preview.Plan.GoalPlans = append(p.preview.Plan.GoalPlans, plan)
	}
}

func (p *importPlan) planProjects() {
	if !p.include.Projects {
		return
	}
	taken := map[string]bool{}
	for k := range p.ex.projByKey {
		taken[k] = true
	}
	for _, pr := range p.m.Projects {
		if !contains(ProjectStatuses, pr.Status) {
			p.fail("Project %s has an invalid status: %s", pr.Slug, pr.Status)
		}
		if pr.LeadAgentSlug != nil && p.agentP[*pr.LeadAgentSlug].Slug == "" {
			p.warn("Project %s lead %s is not in the import; dropped", pr.Slug, *pr.LeadAgentSlug)
		}
		for _, g := range pr.GoalSlugs {
			if p.goalP[g].Slug == "" {
				p.warn("Project %s goal %s is not in the import; dropped", pr.Slug, g)
			}
		}
		p.projects = append(p.projects, pr)
		name := pr.Name
		if o := strings.TrimSpace(p.in.NameOverrides[pr.Slug]); o != "" {
			name = o
		}
		old, hit := p.ex.projByKey[URLKey(name)]
		c := resolveCollision("project", "name", name, old.ID, hit, p.in.CollisionStrategy, URLKey, taken)
		plan := ProjectPlan{Slug: pr.Slug, Action: c.action, PlannedName: c.name, ExistingProjectID: c.existing, Reason: c.reason}
		p.projectP[pr.Slug] = plan
		p.preview.Plan.ProjectPlans = append(p.preview.Plan.ProjectPlans, plan)
	}
}

func (p *importPlan) planSkills() {
	defer func() {
		for _, a := range p.agents {
			for _, s := range a.Skills {
				if p.skillP[s].Slug == "" && !p.ex.skills[s] {
					p.warn("Agent %s skill %s is not in the package; dropped", a.Slug, s)
				}
			}
		}
	}()
	if !p.include.Skills {
		return
	}
	taken := map[string]bool{BuiltinSkillSlug: true}
	for k := range p.ex.skills {
		taken[k] = true
	}
	for _, sk := range p.m.Skills {
		if sk.Slug == BuiltinSkillSlug {
			p.warn("Skill paperclip is built in; the package copy was skipped")
			continue
		}
		plan := SkillPlan{Slug: sk.Slug, Action: "create", PlannedSlug: sk.Slug}
		if p.ex.skills[sk.Slug] {
			switch p.in.CollisionStrategy {
			case CollisionSkip:
				plan.Action, plan.Reason = "skip", reason("Existing skill kept")
			case CollisionReplace:
				plan.Action, plan.Reason = "update", reason("Existing skill will be replaced")
			default:
				plan.PlannedSlug = freeName(sk.Slug, func(s string) string { return strings.ReplaceAll(s, " ", "-") },
					func(k string) bool { return taken[k] })
				plan.PlannedSlug = strings.ReplaceAll(plan.PlannedSlug, " ", "-")
				plan.Reason = reason("Renamed from %q (slug in use)", sk.Slug)
			}
		}
		taken[plan.PlannedSlug] = true
		p.skillP[sk.Slug] = plan
		p.preview.Plan.SkillPlans = append(p.preview.Plan.SkillPlans, plan)
	}
}

func (p *importPlan) planIssues() {
	if !p.include.Issues {
		return
	}
	known := map[string]bool{}
	for _, is := range p.m.Issues {
		known[is.Slug] = true
	}
	for _, is := range p.m.Issues {
		if !IsIssueStatus(is.Status) {
			p.fail("Task %s has an invalid status: %s", is.Slug, is.Status)
		}
		if !IsIssuePriority(is.Priority) {
			p.fail("Task %s has an invalid priority: %s", is.Slug, is.Priority)
		}
		if is.AssigneeAgentSlug != nil && p.agentP[*is.AssigneeAgentSlug].Slug == "" {
			p.warn("Task %s assignee %s is not in the import; left unassigned", is.Slug, *is.AssigneeAgentSlug)
		}
		if is.ProjectSlug != nil && p.projectP[*is.ProjectSlug].Slug == "" {
			p.warn("Task %s project %s is not in the import; dropped", is.Slug, *is.ProjectSlug)
		}
		if is.ParentSlug != nil && !known[*is.ParentSlug] {
			p.warn("Task %s parent %s is not in the package; dropped", is.Slug, *is.ParentSlug)
		}
		for _, b := range is.BlockedBySlugs {
			if !known[b] {
				p.warn("Task %s blocker %s is not in the package; dropped", is.Slug, b)
			}
		}
		p.issues = append(p.issues, is)
		p.preview.Plan.IssuePlans = append(p.preview.Plan.IssuePlans, IssuePlan{Slug: is.Slug, Action: "create", PlannedTitle: is.Title})
	}
}

// planInputs lists the env inputs of what is imported and warns about required ones
// no value or existing secret will satisfy.
func (p *importPlan) planInputs() {
	for _, in := range p.m.EnvInputs {
		switch {
		case in.AgentSlug != nil:
			if pl, ok := p.agentP[*in.AgentSlug]; !ok || pl.Action == "skip" {
				continue
			}
		case in.ProjectSlug != nil:
			if pl, ok := p.projectP[*in.ProjectSlug]; !ok || pl.Action == "skip" {
				continue
			}
		}
		p.preview.EnvInputs = append(p.preview.EnvInputs, in)
		_, given := p.in.SecretValues[in.Key]
		satisfied := given || in.DefaultValue != nil || (in.Kind == "secret" && p.ex.secretByKey[in.Key] != "")
		if !satisfied && in.Requirement == "required" {
			p.warn("%s needs %s", ownerOf(in), in.Key)
		}
	}
}

// collision is the plan of one package entity against the target company.
type collision struct {
	action   string  // create, update or skip
	name     string  // the name (or title) it will have
	existing *string // the row it keeps or replaces
	reason   *string
}

// resolveCollision plans one entity named name: with a hit on existingID, skip keeps
// it and replace updates it; otherwise (and for rename) it is created under the next
// name whose key is not in taken, which then records it.
func resolveCollision(kind, what, name, existingID string, hit bool, strategy string, key func(string) string, taken map[string]bool) collision {
	if hit {
		id := existingID
		switch strategy {
		case CollisionSkip:
			return collision{"skip", name, &id, reason("Existing %s kept", kind)}
		case CollisionReplace:
			return collision{"update", name, &id, reason("Existing %s will be replaced", kind)}
		}
	}
	c := collision{action: "create", name: freeName(name, key, func(k string) bool { return taken[k] })}
	if c.name != name {
		c.reason = reason("Renamed from %q (%s in use)", name, what)
	}
	taken[key(c.name)] = true
	return c
}
