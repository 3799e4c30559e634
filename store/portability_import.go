package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Collision strategies of an import into an existing company.
const (
	CollisionRename  = "rename"
	CollisionSkip    = "skip"
	CollisionReplace = "replace"
)

// Import target modes.
const (
	TargetNewCompany      = "new_company"
	TargetExistingCompany = "existing_company"
)

// ImportSource is where a package comes from; only inline file maps in V1 (a zip is
// turned into one by the server).
type ImportSource struct {
	Type     string       `json:"type"`
	RootPath string       `json:"rootPath"`
	Files    PackageFiles `json:"files"`
}

// ImportTarget is the company an import writes into.
type ImportTarget struct {
	Mode           string  `json:"mode"`
	NewCompanyName *string `json:"newCompanyName"`
	CompanyID      string  `json:"companyId"`
}

// AgentSelection is "all" or a list of agent slugs.
type AgentSelection struct {
	All   bool
	Slugs []string
}

// UnmarshalJSON reads "all" or a string list.
func (a *AgentSelection) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != "all" {
			return fmt.Errorf(`agents must be "all" or a list of slugs`)
		}
		*a = AgentSelection{All: true}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf(`agents must be "all" or a list of slugs`)
	}
	*a = AgentSelection{Slugs: list}
	return nil
}

// AdapterOverride replaces a package agent's adapter on apply.
type AdapterOverride struct {
	AdapterType   string         `json:"adapterType"`
	AdapterConfig map[string]any `json:"adapterConfig"`
}

// ImportInput is the body of the import routes (preview and apply).
type ImportInput struct {
	Source            ImportSource               `json:"source"`
	Include           *PackageIncludeInput       `json:"include"`
	Target            ImportTarget               `json:"target"`
	Agents            *AgentSelection            `json:"agents"`
	CollisionStrategy string                     `json:"collisionStrategy"`
	NameOverrides     map[string]string          `json:"nameOverrides"`
	SelectedFiles     []string                   `json:"selectedFiles"`
	AdapterOverrides  map[string]AdapterOverride `json:"adapterOverrides"`
	SecretValues      map[string]string          `json:"secretValues"`
	PauseAutomations  *bool                      `json:"pauseAutomations"`
	// Mode names the route flavour in the activity row (board or company_scoped);
	// set by the server.
	Mode string `json:"-"`
	// BeforeCommit, when set, runs inside the apply transaction after every write and
	// before the commit; an error rolls the whole import back. The server's tests use
	// it to hold an async import open at a known point.
	BeforeCommit func(ctx context.Context) error `json:"-"`
}

// Validate checks the body's shape; the package itself is checked by the plan.
func (in *ImportInput) Validate() error {
	var p Problems
	switch in.Source.Type {
	case "inline":
	case "github", "url":
		return Errorf(EUNPROCESSABLE, "GitHub sources are not supported yet")
	case "":
		p.Required("source", "type")
	default:
		p.Add("invalid_enum_value", `Expected 'inline'`, "source", "type")
	}
	switch in.Target.Mode {
	case TargetNewCompany:
	case TargetExistingCompany:
		if strings.TrimSpace(in.Target.CompanyID) == "" {
			p.Required("target", "companyId")
		}
	case "":
		p.Required("target", "mode")
	default:
		p.Add("invalid_enum_value", `Expected 'new_company' | 'existing_company'`, "target", "mode")
	}
	if in.Target.NewCompanyName != nil {
		validateName(&p, "target.newCompanyName", *in.Target.NewCompanyName)
	}
	switch in.CollisionStrategy {
	case "":
		in.CollisionStrategy = CollisionRename
	case CollisionRename, CollisionSkip, CollisionReplace:
	default:
		p.Add("invalid_enum_value", `Expected 'rename' | 'skip' | 'replace'`, "collisionStrategy")
	}
	return p.Err()
}

// ImportPreview is the preview routes' answer; apply recomputes it first.
type ImportPreview struct {
	Include            PackageInclude `json:"include"`
	TargetCompanyID    *string        `json:"targetCompanyId"`
	TargetCompanyName  string         `json:"targetCompanyName"`
	CollisionStrategy  string         `json:"collisionStrategy"`
	SelectedAgentSlugs []string       `json:"selectedAgentSlugs"`
	Plan               ImportPlan     `json:"plan"`
	Manifest           Manifest       `json:"manifest"`
	Files              PackageFiles   `json:"files"`
	EnvInputs          []EnvInput     `json:"envInputs"`
	Warnings           []string       `json:"warnings"`
	Errors             []string       `json:"errors"`
}

// ImportPlan is what an apply would do, entity by entity.
type ImportPlan struct {
	CompanyAction string        `json:"companyAction"`
	AgentPlans    []AgentPlan   `json:"agentPlans"`
	ProjectPlans  []ProjectPlan `json:"projectPlans"`
	GoalPlans     []GoalPlan    `json:"goalPlans"`
	IssuePlans    []IssuePlan   `json:"issuePlans"`
	SkillPlans    []SkillPlan   `json:"skillPlans"`
}

// AgentPlan is the plan for one package agent.
type AgentPlan struct {
	Slug            string  `json:"slug"`
	Action          string  `json:"action"`
	PlannedName     string  `json:"plannedName"`
	ExistingAgentID *string `json:"existingAgentId"`
	Reason          *string `json:"reason"`
}

// ProjectPlan is the plan for one package project.
type ProjectPlan struct {
	Slug              string  `json:"slug"`
	Action            string  `json:"action"`
	PlannedName       string  `json:"plannedName"`
	ExistingProjectID *string `json:"existingProjectId"`
	Reason            *string `json:"reason"`
}

// GoalPlan is the plan for one package goal.
type GoalPlan struct {
	Slug           string  `json:"slug"`
	Action         string  `json:"action"`
	PlannedTitle   string  `json:"plannedTitle"`
	ExistingGoalID *string `json:"existingGoalId"`
	Reason         *string `json:"reason"`
}

// IssuePlan is the plan for one package task.
type IssuePlan struct {
	Slug         string  `json:"slug"`
	Action       string  `json:"action"`
	PlannedTitle string  `json:"plannedTitle"`
	Reason       *string `json:"reason"`
}

// SkillPlan is the plan for one package skill.
type SkillPlan struct {
	Slug        string  `json:"slug"`
	Action      string  `json:"action"`
	PlannedSlug string  `json:"plannedSlug"`
	Reason      *string `json:"reason"`
}

func reason(format string, args ...any) *string {
	s := fmt.Sprintf(format, args...)
	return &s
}

// existing is what the target company already has, for collision matching.
type existing struct {
	company     *Company
	agentByKey  map[string]Agent
	projByKey   map[string]Project
	goalByTitle map[string]Goal // lower(title) + "\x00" + level
	skills      map[string]bool
	secretByKey map[string]string // env key or name -> secret id
}

func loadExisting(ctx context.Context, q querier, companyID string, now func() (string, string)) (*existing, error) {
	ex := &existing{agentByKey: map[string]Agent{}, projByKey: map[string]Project{}, goalByTitle: map[string]Goal{},
		skills: map[string]bool{}, secretByKey: map[string]string{}}
	if companyID == "" {
		return ex, nil
	}
	start, end := now()
	c, err := scanCompany(q.QueryRowContext(ctx, companySelect+` WHERE c.id = ?`, start, end, companyID))
	if err != nil {
		return nil, translate(err, "Company")
	}
	ex.company = &c
	agents, err := queryAll(ctx, q, scanAgent, agentSelect+` WHERE a.company_id = ? AND a.status <> 'terminated' ORDER BY a.created_at, a.id`,
		start, end, companyID)
	if err != nil {
		return nil, err
	}
	for _, a := range agents {
		ex.agentByKey[a.URLKey] = a
	}
	projects, err := queryAll(ctx, q, scanProject, `SELECT `+projectColumns+` FROM projects WHERE company_id = ? ORDER BY created_at, id`, companyID)
	if err != nil {
		return nil, err
	}
	for _, p := range projects {
		if _, dup := ex.projByKey[URLKey(p.Name)]; !dup {
			ex.projByKey[URLKey(p.Name)] = p
		}
	}
	goals, err := queryAll(ctx, q, scanGoal, `SELECT `+goalColumns+` FROM goals WHERE company_id = ? ORDER BY created_at, id`, companyID)
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		k := strings.ToLower(g.Title) + "\x00" + g.Level
		if _, dup := ex.goalByTitle[k]; !dup {
			ex.goalByTitle[k] = g
		}
	}
	skills, err := findCompanySkills(ctx, q, companyID)
	if err != nil {
		return nil, err
	}
	for _, k := range skills {
		ex.skills[k.Slug] = true
	}
	secrets, err := queryAll(ctx, q, func(sc scanner) ([3]string, error) {
		var r [3]string
		err := sc.Scan(&r[0], &r[1], &r[2])
		return r, err
	}, `SELECT id, key, name FROM company_secrets WHERE company_id = ? AND status = 'active'`, companyID)
	if err != nil {
		return nil, err
	}
	for _, r := range secrets {
		ex.secretByKey[r[1]], ex.secretByKey[r[2]] = r[0], r[0]
	}
	return ex, nil
}

// freeName is name, or "name 2", "name 3", ... whose key is not taken.
func freeName(name string, key func(string) string, taken func(string) bool) string {
	if !taken(key(name)) {
		return name
	}
	for n := 2; ; n++ {
		c := name + " " + strconv.Itoa(n)
		if !taken(key(c)) {
			return c
		}
	}
}

func goalKey(title, level string) string { return strings.ToLower(title) + "\x00" + level }
