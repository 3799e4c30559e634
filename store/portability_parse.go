package store

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ParsePackage reads a normalised file map into a Manifest. Malformed front matter or
// YAML is a 422 naming the file and line; problems an import can work around are
// returned as warnings.
func ParsePackage(files PackageFiles) (Manifest, []string, error) {
	p := &parser{files: files}
	m, err := p.parse()
	return m, nonNil(p.warnings), err
}

type parser struct {
	files    PackageFiles
	warnings []string
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// decodeYAML decodes text (which starts at line offset+1 of file) into v, refusing
// anchors, aliases, merge keys and custom tags: they make a package mean different
// things to different readers.
func decodeYAML(file string, offset int, text string, v any) error {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(text), &root); err != nil {
		return yamlError(file, offset, err)
	}
	if bad := unsupportedYAML(&root); bad != nil {
		return Errorf(EUNPROCESSABLE, "Unsupported YAML feature in %s line %d", file, bad.Line+offset)
	}
	if root.Kind == 0 {
		return nil
	}
	if err := root.Decode(v); err != nil {
		return yamlError(file, offset, err)
	}
	return nil
}

func yamlError(file string, offset int, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "\n ", ";")
	msg = yamlLineRe.ReplaceAllStringFunc(msg, func(s string) string {
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "line "))
		return "line " + strconv.Itoa(n+offset)
	})
	return Errorf(EUNPROCESSABLE, "Malformed YAML in %s: %s", file, msg)
}

func unsupportedYAML(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n
	}
	if n.Tag == "!!merge" || (strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")) {
		return n
	}
	for _, c := range n.Content {
		if bad := unsupportedYAML(c); bad != nil {
			return bad
		}
	}
	return nil
}

// markdown splits a markdown file into its front matter (decoded into front) and body.
func (p *parser) markdown(file string, front any) (string, error) {
	text := strings.ReplaceAll(p.files[file].Text, "\r\n", "\n")
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimSpace(first) != "---" {
		return strings.TrimSpace(text), nil
	}
	var yamlPart strings.Builder
	lines := strings.Split(rest, "\n")
	for i, line := range lines {
		if strings.TrimRight(line, " \t") == "---" {
			if err := decodeYAML(file, 1, yamlPart.String(), front); err != nil {
				return "", err
			}
			body := strings.Join(lines[i+1:], "\n")
			return strings.TrimRight(strings.TrimPrefix(body, "\n"), "\n"), nil
		}
		yamlPart.WriteString(line + "\n")
	}
	return "", Errorf(EUNPROCESSABLE, "Malformed front matter in %s line 1: no closing ---", file)
}

func optText(s string) *string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &s
}

func (p *parser) warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

func (p *parser) parse() (Manifest, error) {
	m := Manifest{SchemaVersion: 1, Goals: []ManifestGoal{}, Agents: []ManifestAgent{}, Projects: []ManifestProject{}, Issues: []ManifestIssue{},
		Skills: []ManifestSkill{}, Labels: []ManifestLabel{}, EnvInputs: []EnvInput{}}
	_, hasCompany := p.files["COMPANY.md"]
	_, hasSidecar := p.files[SidecarPath]
	if !hasCompany && !hasSidecar {
		return m, Errorf(EUNPROCESSABLE, "Not a company package (COMPANY.md missing)")
	}
	var side sidecarDoc
	if hasSidecar {
		if err := decodeYAML(SidecarPath, 0, p.files[SidecarPath].Text, &side); err != nil {
			return m, err
		}
		if side.Schema != "paperclip/v1" {
			return m, Errorf(EUNPROCESSABLE, "Unknown package schema in %s: %q (expected paperclip/v1)", SidecarPath, side.Schema)
		}
		if side.SchemaVersion > 1 {
			return m, Errorf(EUNPROCESSABLE, "Package requires a newer paperclip (schemaVersion %d)", side.SchemaVersion)
		}
		if side.ExportedAt != "" {
			at := side.ExportedAt
			m.GeneratedAt = &at
		}
	}
	if hasCompany {
		if err := p.company(&m, side); err != nil {
			return m, err
		}
	}
	p.goals(&m, side)
	m.Labels = append(m.Labels, side.Labels...)
	if err := p.entities(&m, side); err != nil {
		return m, err
	}
	m.Includes = PackageInclude{Company: m.Company != nil, Agents: len(m.Agents) > 0, Projects: len(m.Projects) > 0,
		Issues: len(m.Issues) > 0, Skills: len(m.Skills) > 0}
	return m, nil
}

func (p *parser) company(m *Manifest, side sidecarDoc) error {
	var f companyFront
	body, err := p.markdown("COMPANY.md", &f)
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.Name) == "" {
		return Errorf(EUNPROCESSABLE, "Malformed front matter in COMPANY.md line 2: name is required")
	}
	desc := optText(body)
	if desc == nil {
		desc = optText(f.Description)
	}
	c := &ManifestCompany{Path: "COMPANY.md", Slug: f.Slug, Name: strings.TrimSpace(f.Name), Description: desc}
	if sc := side.Company; sc != nil {
		c.BrandColor, c.LogoPath, c.RequireBoardApprovalForNewAgents, c.BudgetMonthlyCents = sc.BrandColor, sc.LogoPath,
			sc.RequireBoardApprovalForNewAgents, sc.BudgetMonthlyCents
	}
	m.Company = c
	// A package without a sidecar lists company goals by title only.
	if side.Goals == nil {
		sl := slugger{}
		for _, t := range f.Goals {
			m.Goals = append(m.Goals, ManifestGoal{Slug: sl.next(t), Title: t, Level: "company", Status: "active"})
		}
	}
	return nil
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (p *parser) goals(m *Manifest, side sidecarDoc) {
	for _, slug := range mapKeys(side.Goals) {
		g := side.Goals[slug]
		m.Goals = append(m.Goals, ManifestGoal{Slug: slug, Title: g.Title, Description: g.Description, Level: orStr(g.Level, "task"),
			Status: orStr(g.Status, "planned"), ParentSlug: g.Parent, OwnerAgentSlug: g.Owner})
	}
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// entities reads agents/, projects/, tasks/ and skills/ and reports every other file.
func (p *parser) entities(m *Manifest, side sidecarDoc) error {
	skillFiles := map[string][]string{}
	for _, file := range p.files.Paths() {
		parts := strings.Split(file, "/")
		switch {
		case file == "COMPANY.md" || file == SidecarPath || file == "README.md":
		case len(parts) == 3 && parts[0] == "agents" && parts[2] == "AGENTS.md":
			if err := p.agent(m, side, parts[1], file); err != nil {
				return err
			}
		case len(parts) == 3 && parts[0] == "projects" && parts[2] == "PROJECT.md":
			if err := p.project(m, side, parts[1], file); err != nil {
				return err
			}
		case len(parts) == 3 && parts[0] == "tasks" && parts[2] == "TASK.md":
			if err := p.task(m, side, parts[1], file); err != nil {
				return err
			}
		case len(parts) == 4 && parts[0] == "tasks" && parts[2] == "docs" && strings.HasSuffix(parts[3], ".md"):
			// Read with its task.
		case len(parts) >= 3 && parts[0] == "skills":
			if p.files[file].Binary {
				p.warn("Binary skill file ignored: %s", file)
				continue
			}
			skillFiles[parts[1]] = append(skillFiles[parts[1]], strings.Join(parts[2:], "/"))
		case len(parts) == 2 && parts[0] == "assets":
		default:
			p.warn("Unknown file ignored: %s", file)
		}
	}
	sortIssues(m.Issues)
	for _, slug := range mapKeys(skillFiles) {
		if err := p.skill(m, slug, skillFiles[slug]); err != nil {
			return err
		}
	}
	return nil
}

func checkSlug(kind, slug, file string) error {
	if !validSlugRe.MatchString(slug) {
		return Errorf(EUNPROCESSABLE, "Invalid %s slug %q in %s", kind, slug, file)
	}
	return nil
}

func envInputsOf(in *sidecarInputs, agent, project *string) []EnvInput {
	if in == nil {
		return nil
	}
	var out []EnvInput
	for _, k := range mapKeys(in.Env) {
		e := in.Env[k]
		out = append(out, EnvInput{Key: k, Description: e.Description, AgentSlug: agent, ProjectSlug: project,
			Kind: orStr(e.Kind, "plain"), Requirement: orStr(e.Requirement, "optional"), DefaultValue: e.Default,
			Portability: orStr(e.Portability, "portable")})
	}
	return out
}

func (p *parser) agent(m *Manifest, side sidecarDoc, slug, file string) error {
	if err := checkSlug("agent", slug, file); err != nil {
		return err
	}
	var f agentFront
	body, err := p.markdown(file, &f)
	if err != nil {
		return err
	}
	a := ManifestAgent{Slug: slug, Name: orStr(strings.TrimSpace(f.Name), slug), Path: file, Title: f.Title, Role: "general",
		ReportsToSlug: f.ReportsTo, Skills: nonNil(f.Skills), AdapterType: AdapterProcess, Instructions: body}
	if s, ok := side.Agents[slug]; ok {
		a.Role, a.Icon, a.Capabilities = orStr(s.Role, "general"), s.Icon, s.Capabilities
		if s.Adapter != nil {
			a.AdapterType, a.AdapterConfig = orStr(s.Adapter.Type, AdapterProcess), s.Adapter.Config
		}
		a.RuntimeConfig, a.Permissions, a.BudgetMonthlyCents = s.Runtime, s.Permissions, s.BudgetMonthlyCents
		m.EnvInputs = append(m.EnvInputs, envInputsOf(s.Inputs, &slug, nil)...)
	}
	m.Agents = append(m.Agents, a)
	return nil
}

func (p *parser) project(m *Manifest, side sidecarDoc, slug, file string) error {
	if err := checkSlug("project", slug, file); err != nil {
		return err
	}
	var f projectFront
	body, err := p.markdown(file, &f)
	if err != nil {
		return err
	}
	desc := optText(body)
	if desc == nil {
		desc = f.Description
	}
	pr := ManifestProject{Slug: slug, Name: orStr(strings.TrimSpace(f.Name), slug), Path: file, Description: desc, Status: "backlog",
		LeadAgentSlug: f.Owner, GoalSlugs: []string{}, Workspaces: []ManifestWorkspace{}}
	if s, ok := side.Projects[slug]; ok {
		pr.Status, pr.TargetDate, pr.Color = orStr(s.Status, "backlog"), s.TargetDate, s.Color
		if s.LeadAgentSlug != nil {
			pr.LeadAgentSlug = s.LeadAgentSlug
		}
		pr.GoalSlugs, pr.Workspaces = nonNil(s.Goals), nonNil(s.Workspaces)
		m.EnvInputs = append(m.EnvInputs, envInputsOf(s.Inputs, nil, &slug)...)
	}
	m.Projects = append(m.Projects, pr)
	return nil
}

func (p *parser) task(m *Manifest, side sidecarDoc, slug, file string) error {
	if err := checkSlug("task", slug, file); err != nil {
		return err
	}
	var f taskFront
	body, err := p.markdown(file, &f)
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.Name) == "" {
		return Errorf(EUNPROCESSABLE, "Malformed front matter in %s line 2: name is required", file)
	}
	is := ManifestIssue{Slug: slug, Identifier: f.Identifier, Title: strings.TrimSpace(f.Name), Path: file, Description: optText(body),
		Status: IssueTodo, Priority: "medium", AssigneeAgentSlug: f.Assignee, ProjectSlug: f.Project, LabelNames: []string{},
		BlockedBySlugs: []string{}, Comments: []ManifestComment{}, Documents: []ManifestDocument{}}
	if s, ok := side.Tasks[slug]; ok {
		is.Status, is.Priority = orStr(s.Status, IssueTodo), orStr(s.Priority, "medium")
		is.ParentSlug, is.GoalSlug, is.BillingCode = s.Parent, s.Goal, s.BillingCode
		is.LabelNames, is.BlockedBySlugs, is.Comments = nonNil(s.Labels), nonNil(s.BlockedBy), nonNil(s.Comments)
		for _, d := range s.Documents {
			if _, ok := p.files[d.Path]; !ok {
				p.warn("Task %s document %s is missing (%s)", slug, d.Key, d.Path)
				continue
			}
			var df docFront
			if d.Body, err = p.markdown(d.Path, &df); err != nil {
				return err
			}
			if d.Title == nil {
				d.Title = df.Title
			}
			is.Documents = append(is.Documents, d)
		}
	}
	m.Issues = append(m.Issues, is)
	return nil
}

// sortIssues orders tasks by the number of their slug (pap-2 before pap-10), so an
// import hands out identifiers in the exported order.
func sortIssues(list []ManifestIssue) {
	num := func(s string) (string, int) {
		i := strings.LastIndexByte(s, '-')
		if i < 0 {
			return s, -1
		}
		n, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return s, -1
		}
		return s[:i], n
	}
	sort.SliceStable(list, func(i, j int) bool {
		pi, ni := num(list[i].Slug)
		pj, nj := num(list[j].Slug)
		if pi != pj {
			return pi < pj
		}
		return ni < nj
	})
}

func (p *parser) skill(m *Manifest, slug string, rels []string) error {
	file := path.Join("skills", slug, "SKILL.md")
	if _, ok := p.files[file]; !ok {
		p.warn("Skill folder %s has no SKILL.md; ignored", path.Join("skills", slug))
		return nil
	}
	if err := checkSlug("skill", slug, file); err != nil {
		return err
	}
	var f struct {
		Name        string  `yaml:"name"`
		Description *string `yaml:"description"`
	}
	if _, err := p.markdown(file, &f); err != nil {
		return err
	}
	sk := ManifestSkill{Slug: slug, Name: orStr(strings.TrimSpace(f.Name), slug), Description: f.Description, Path: file}
	for _, r := range rels {
		sk.Files = append(sk.Files, path.Join("skills", slug, r))
	}
	sort.Strings(sk.Files)
	m.Skills = append(m.Skills, sk)
	return nil
}
