package store

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// The YAML shapes of the package files. Field order is the order written; yaml.v3
// writes map keys sorted, so a package renders byte-for-byte the same every time.

type sidecarDoc struct {
	Schema           string                    `yaml:"schema"`
	SchemaVersion    int                       `yaml:"schemaVersion"`
	ExportedAt       string                    `yaml:"exportedAt,omitempty"`
	PaperclipVersion string                    `yaml:"paperclipVersion,omitempty"`
	Company          *sidecarCompany           `yaml:"company,omitempty"`
	Labels           []ManifestLabel           `yaml:"labels,omitempty"`
	Goals            map[string]sidecarGoal    `yaml:"goals,omitempty"`
	Agents           map[string]sidecarAgent   `yaml:"agents,omitempty"`
	Projects         map[string]sidecarProject `yaml:"projects,omitempty"`
	Tasks            map[string]sidecarTask    `yaml:"tasks,omitempty"`
}

type sidecarCompany struct {
	BrandColor                       *string `yaml:"brandColor,omitempty"`
	LogoPath                         *string `yaml:"logoPath,omitempty"`
	RequireBoardApprovalForNewAgents bool    `yaml:"requireBoardApprovalForNewAgents,omitempty"`
	BudgetMonthlyCents               int64   `yaml:"budgetMonthlyCents,omitempty"`
}

type sidecarGoal struct {
	Title       string  `yaml:"title"`
	Description *string `yaml:"description,omitempty"`
	Level       string  `yaml:"level,omitempty"`
	Status      string  `yaml:"status,omitempty"`
	Parent      *string `yaml:"parent,omitempty"`
	Owner       *string `yaml:"owner,omitempty"`
}

type sidecarAdapter struct {
	Type   string         `yaml:"type"`
	Config map[string]any `yaml:"config,omitempty"`
}

type sidecarEnv struct {
	Kind        string  `yaml:"kind"`
	Requirement string  `yaml:"requirement"`
	Default     *string `yaml:"default,omitempty"`
	Description *string `yaml:"description,omitempty"`
	Portability string  `yaml:"portability,omitempty"`
}

type sidecarInputs struct {
	Env map[string]sidecarEnv `yaml:"env,omitempty"`
}

type sidecarAgent struct {
	Role               string          `yaml:"role,omitempty"`
	Icon               *string         `yaml:"icon,omitempty"`
	Capabilities       *string         `yaml:"capabilities,omitempty"`
	Adapter            *sidecarAdapter `yaml:"adapter,omitempty"`
	Runtime            map[string]any  `yaml:"runtime,omitempty"`
	Permissions        map[string]any  `yaml:"permissions,omitempty"`
	BudgetMonthlyCents int64           `yaml:"budgetMonthlyCents,omitempty"`
	Inputs             *sidecarInputs  `yaml:"inputs,omitempty"`
}

type sidecarProject struct {
	Status        string              `yaml:"status,omitempty"`
	LeadAgentSlug *string             `yaml:"leadAgentSlug,omitempty"`
	TargetDate    *string             `yaml:"targetDate,omitempty"`
	Color         *string             `yaml:"color,omitempty"`
	Goals         []string            `yaml:"goals,omitempty"`
	Workspaces    []ManifestWorkspace `yaml:"workspaces,omitempty"`
	Inputs        *sidecarInputs      `yaml:"inputs,omitempty"`
}

type sidecarTask struct {
	Status      string             `yaml:"status,omitempty"`
	Priority    string             `yaml:"priority,omitempty"`
	Parent      *string            `yaml:"parent,omitempty"`
	Goal        *string            `yaml:"goal,omitempty"`
	Labels      []string           `yaml:"labels,omitempty"`
	BillingCode *string            `yaml:"billingCode,omitempty"`
	BlockedBy   []string           `yaml:"blockedBy,omitempty"`
	Comments    []ManifestComment  `yaml:"comments,omitempty"`
	Documents   []ManifestDocument `yaml:"documents,omitempty"`
}

type companyFront struct {
	Schema      string   `yaml:"schema"`
	Kind        string   `yaml:"kind"`
	Slug        string   `yaml:"slug,omitempty"`
	Name        string   `yaml:"name"`
	Description string   `yaml:"description,omitempty"`
	Goals       []string `yaml:"goals,omitempty"`
}

type agentFront struct {
	Name      string   `yaml:"name"`
	Title     *string  `yaml:"title,omitempty"`
	ReportsTo *string  `yaml:"reportsTo,omitempty"`
	Skills    []string `yaml:"skills,omitempty"`
}

type projectFront struct {
	Name        string  `yaml:"name"`
	Description *string `yaml:"description,omitempty"`
	Owner       *string `yaml:"owner,omitempty"`
}

type taskFront struct {
	Name       string  `yaml:"name"`
	Assignee   *string `yaml:"assignee,omitempty"`
	Project    *string `yaml:"project,omitempty"`
	Identifier *string `yaml:"identifier,omitempty"`
}

type docFront struct {
	Title *string `yaml:"title,omitempty"`
}

func yamlText(v any) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		// Only our own plain structs and JSON-decoded maps are encoded here.
		panic(fmt.Sprintf("encode yaml: %v", err))
	}
	enc.Close()
	return buf.String()
}

// markdownFile is front matter between --- lines, then the body.
func markdownFile(front any, body string) PackageFile {
	s := "---\n" + yamlText(front) + "---\n"
	if body != "" {
		s += "\n" + body + "\n"
	}
	return TextFile(s)
}

func oneLine(s *string) string {
	if s == nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(*s), "\n")
	return line
}

func envSection(inputs []EnvInput, agent, project string) *sidecarInputs {
	env := map[string]sidecarEnv{}
	for _, in := range inputs {
		if deref(in.AgentSlug) != agent || deref(in.ProjectSlug) != project {
			continue
		}
		e := sidecarEnv{Kind: in.Kind, Requirement: in.Requirement, Default: in.DefaultValue, Description: in.Description}
		if in.Portability != "portable" {
			e.Portability = in.Portability
		}
		env[in.Key] = e
	}
	if len(env) == 0 {
		return nil
	}
	return &sidecarInputs{Env: env}
}

// renderPackage writes a manifest as package files.
func renderPackage(m Manifest, b *packageBuilder, version string) PackageFiles {
	files := PackageFiles{}
	side := sidecarDoc{Schema: "paperclip/v1", SchemaVersion: 1, ExportedAt: deref(m.GeneratedAt), PaperclipVersion: version}
	if c := m.Company; c != nil {
		var companyGoals []string
		for _, g := range m.Goals {
			if g.Level == "company" {
				companyGoals = append(companyGoals, g.Title)
			}
		}
		files["COMPANY.md"] = markdownFile(companyFront{Schema: "agentcompanies/v1", Kind: "company", Slug: c.Slug, Name: c.Name,
			Description: oneLine(c.Description), Goals: companyGoals}, strings.TrimSpace(deref(c.Description)))
		sc := sidecarCompany{BrandColor: c.BrandColor, RequireBoardApprovalForNewAgents: c.RequireBoardApprovalForNewAgents,
			BudgetMonthlyCents: c.BudgetMonthlyCents}
		if c.LogoPath != nil && b.d.logo != nil {
			sc.LogoPath, files[*c.LogoPath] = c.LogoPath, *b.d.logo
		}
		if sc != (sidecarCompany{}) {
			side.Company = &sc
		}
	}
	side.Labels = m.Labels
	if len(m.Goals) > 0 {
		side.Goals = map[string]sidecarGoal{}
		for _, g := range m.Goals {
			side.Goals[g.Slug] = sidecarGoal{Title: g.Title, Description: g.Description, Level: g.Level, Status: g.Status,
				Parent: g.ParentSlug, Owner: g.OwnerAgentSlug}
		}
	}
	if len(m.Agents) > 0 {
		side.Agents = map[string]sidecarAgent{}
	}
	for _, a := range m.Agents {
		files[a.Path] = markdownFile(agentFront{Name: a.Name, Title: a.Title, ReportsTo: a.ReportsToSlug, Skills: a.Skills}, strings.TrimRight(a.Instructions, "\n"))
		side.Agents[a.Slug] = sidecarAgent{Role: a.Role, Icon: a.Icon, Capabilities: a.Capabilities,
			Adapter: &sidecarAdapter{Type: a.AdapterType, Config: a.AdapterConfig}, Runtime: a.RuntimeConfig, Permissions: a.Permissions,
			BudgetMonthlyCents: a.BudgetMonthlyCents, Inputs: envSection(m.EnvInputs, a.Slug, "")}
	}
	if len(m.Projects) > 0 {
		side.Projects = map[string]sidecarProject{}
	}
	for _, p := range m.Projects {
		files[p.Path] = markdownFile(projectFront{Name: p.Name, Owner: p.LeadAgentSlug}, strings.TrimSpace(deref(p.Description)))
		side.Projects[p.Slug] = sidecarProject{Status: p.Status, LeadAgentSlug: p.LeadAgentSlug, TargetDate: p.TargetDate, Color: p.Color,
			Goals: p.GoalSlugs, Workspaces: p.Workspaces, Inputs: envSection(m.EnvInputs, "", p.Slug)}
	}
	if len(m.Issues) > 0 {
		side.Tasks = map[string]sidecarTask{}
	}
	for _, is := range m.Issues {
		files[is.Path] = markdownFile(taskFront{Name: is.Title, Assignee: is.AssigneeAgentSlug, Project: is.ProjectSlug, Identifier: is.Identifier},
			strings.TrimSpace(deref(is.Description)))
		for _, doc := range is.Documents {
			files[doc.Path] = markdownFile(docFront{Title: doc.Title}, strings.TrimRight(doc.Body, "\n"))
		}
		side.Tasks[is.Slug] = sidecarTask{Status: is.Status, Priority: is.Priority, Parent: is.ParentSlug, Goal: is.GoalSlug,
			Labels: is.LabelNames, BillingCode: is.BillingCode, BlockedBy: is.BlockedBySlugs, Comments: is.Comments, Documents: is.Documents}
	}
	for _, sk := range b.skills {
		for rel, content := range sk.Files {
			files[path.Join("skills", sk.Slug, rel)] = TextFile(content)
		}
	}
	files[SidecarPath] = TextFile(yamlText(side))
	files["README.md"] = TextFile(readme(m))
	return files
}

func readme(m Manifest) string {
	var b strings.Builder
	name := "Company package"
	if m.Company != nil {
		name = m.Company.Name
	}
	fmt.Fprintf(&b, "# %s\n\nA Paperclip company package (agentcompanies/v1 with the paperclip/v1 sidecar `.paperclip.yaml`).\n\n", name)
	fmt.Fprintf(&b, "| part | count |\n|---|---|\n| goals | %d |\n| agents | %d |\n| projects | %d |\n| tasks | %d |\n| skills | %d |\n",
		len(m.Goals), len(m.Agents), len(m.Projects), len(m.Issues), len(m.Skills))
	if len(m.Agents) > 0 {
		b.WriteString("\n## Agents\n\n")
		for _, a := range m.Agents {
			fmt.Fprintf(&b, "- %s (%s)\n", a.Name, a.Role)
		}
	}
	b.WriteString("\nImport it with `paperclip company import <folder-or-zip>`; secrets travel as names only.\n")
	return b.String()
}
