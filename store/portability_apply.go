package store

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ImportResult is the apply routes' answer.
type ImportResult struct {
	Company   ImportedCompany  `json:"company"`
	Agents    []ImportedEntity `json:"agents"`
	Projects  []ImportedEntity `json:"projects"`
	Goals     []ImportedGoal   `json:"goals"`
	Issues    []ImportedIssue  `json:"issues"`
	Skills    []ImportedSkill  `json:"skills"`
	EnvInputs []EnvInput       `json:"envInputs"`
	Warnings  []string         `json:"warnings"`
}

// ImportedCompany is the company an import wrote into.
type ImportedCompany struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Action string `json:"action"`
}

// ImportedEntity is one imported agent or project.
type ImportedEntity struct {
	Slug   string  `json:"slug"`
	ID     string  `json:"id"`
	Action string  `json:"action"`
	Name   string  `json:"name"`
	Reason *string `json:"reason"`
}

// ImportedGoal is one imported goal.
type ImportedGoal struct {
	Slug   string  `json:"slug"`
	ID     string  `json:"id"`
	Action string  `json:"action"`
	Title  string  `json:"title"`
	Reason *string `json:"reason"`
}

// ImportedIssue is one imported task.
type ImportedIssue struct {
	Slug       string  `json:"slug"`
	ID         string  `json:"id"`
	Identifier string  `json:"identifier"`
	Action     string  `json:"action"`
	Reason     *string `json:"reason"`
}

// ImportedSkill is one imported skill.
type ImportedSkill struct {
	OriginalSlug string  `json:"originalSlug"`
	Slug         string  `json:"slug"`
	Action       string  `json:"action"`
	Reason       *string `json:"reason"`
}

// Created reports whether the import made a new company (201).
func (r ImportResult) Created() bool { return r.Company.Action == "created" }

// pastTense maps plan actions to result actions.
func pastTense(a string) string {
	switch a {
	case "create":
		return "created"
	case "update":
		return "updated"
	}
	return "skipped"
}

// ApplyImport recomputes the plan and, when it has no errors, writes everything in one
// transaction: all of the package or nothing. Instruction files are written after the
// commit, into folders named by the new agent ids, so a rollback leaves no file behind.
// key seals the secretValues given for secret inputs (nil: none can be stored).
func (s *Store) ApplyImport(ctx context.Context, key *SecretKey, in ImportInput) (ImportResult, error) {
	var res ImportResult
	err := s.write(ctx, func(tx *Tx) error {
		p, err := s.planImport(ctx, tx, in)
		if err != nil {
			return err
		}
		if tx.actor.IsAgent() && len(in.SecretValues) > 0 {
			return Errorf(EFORBIDDEN, "Only the board can set secret values")
		}
		if len(p.preview.Errors) > 0 {
			return &Error{Code: EUNPROCESSABLE, Message: "Import package has errors", Details: map[string]any{"errors": p.preview.Errors}}
		}
		a := &applier{tx: tx, p: p, key: key, store: s, agentsDir: s.agentsDir(), agentID: map[string]string{}, goalID: map[string]string{},
			projectID: map[string]string{}, issueID: map[string]string{}, skillSlug: map[string]string{}, labelID: map[string]string{}, sealed: map[string]string{}}
		if err := a.run(); err != nil {
			return err
		}
		if in.BeforeCommit != nil {
			if err := in.BeforeCommit(ctx); err != nil {
				return err
			}
		}
		res = a.res
		return nil
	})
	return res, err
}

// agentsDir is <instance>/data/agents, next to data/storage; "" without storage.
func (s *Store) agentsDir() string {
	if s.storageDir == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(s.storageDir), "agents")
}

type applier struct {
	tx        *Tx
	store     *Store
	p         *importPlan
	key       *SecretKey
	agentsDir string
	companyID string
	res       ImportResult

	agentID   map[string]string // package slug -> row id
	goalID    map[string]string
	projectID map[string]string
	issueID   map[string]string
	skillSlug map[string]string // package slug -> stored slug
	labelID   map[string]string // name -> id
	sealed    map[string]string // env key -> secret written by this import
}

func (a *applier) warn(format string, args ...any) { a.p.warn(format, args...) }

func (a *applier) run() error {
	p := a.p
	if err := a.company(); err != nil {
		return err
	}
	steps := []func() error{a.labels, a.goals, a.skills, a.agents, a.goalLinks, a.projects, a.issues}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	a.res.EnvInputs, a.res.Warnings = p.preview.EnvInputs, nonNil(p.preview.Warnings)
	a.res.Agents, a.res.Projects, a.res.Goals = nonNil(a.res.Agents), nonNil(a.res.Projects), nonNil(a.res.Goals)
	a.res.Issues, a.res.Skills = nonNil(a.res.Issues), nonNil(a.res.Skills)
	mode := orStr(p.in.Mode, "board")
	return a.tx.logActivity(a.companyID, "company.imported", "company", a.companyID, map[string]any{
		"include": p.include, "agentCount": len(a.res.Agents), "projectCount": len(a.res.Projects), "goalCount": len(a.res.Goals),
		"issueCount": len(a.res.Issues), "skillCount": len(a.res.Skills), "warningCount": len(a.res.Warnings),
		"companyAction": p.preview.Plan.CompanyAction, "importMode": mode, "collisionStrategy": p.in.CollisionStrategy})
}

func (a *applier) company() error {
	p, tx := a.p, a.tx
	c := p.m.Company
	if p.ex.company == nil {
		in := CompanyInput{Name: Some(p.preview.TargetCompanyName)}
		if c != nil && p.include.Company {
			in.Description, in.BrandColor = optionalOf(c.Description), optionalOf(c.BrandColor)
			in.RequireBoardApprovalForNewAgents = Some(c.RequireBoardApprovalForNewAgents)
			in.BudgetMonthlyCents = Some(c.BudgetMonthlyCents)
		}
		if err := in.Validate(); err != nil {
			return err
		}
		id, _, err := tx.insertCompany(in)
		if err != nil {
			return err
		}
		if err := tx.companyBudget(id, in.BudgetMonthlyCents.Value); err != nil {
			return err
		}
		a.companyID = id
		a.res.Company = ImportedCompany{ID: id, Name: p.preview.TargetCompanyName, Action: "created"}
		return a.logo()
	}
	a.companyID = p.ex.company.ID
	a.res.Company = ImportedCompany{ID: a.companyID, Name: p.ex.company.Name, Action: "unchanged"}
	if p.preview.Plan.CompanyAction != "update" {
		return nil
	}
	a.res.Company.Action = "updated"
	if c.BrandColor != nil && !IsHexColor(*c.BrandColor) {
		return Errorf(EUNPROCESSABLE, "Invalid brand color in package: %s", *c.BrandColor)
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE companies SET description = ?, brand_color = ?, updated_at = ? WHERE id = ?`,
		nullStr(c.Description), nullStr(c.BrandColor), tx.Now(), a.companyID); err != nil {
		return err
	}
	// A CEO agent on the company-scoped route may change branding only, as it may
	// through PATCH: the approval flag and the budget stay the board's.
	if tx.actor.IsAgent() {
		return a.logo()
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE companies SET require_board_approval_for_new_agents = ?, budget_monthly_cents = ? WHERE id = ?`,
		boolInt(c.RequireBoardApprovalForNewAgents), c.BudgetMonthlyCents, a.companyID); err != nil {
		return err
	}
	if c.BudgetMonthlyCents > 0 {
		if err := tx.upsertMonthlyBudget(a.companyID, "company", a.companyID, c.BudgetMonthlyCents); err != nil {
			return err
		}
	}
	return a.logo()
}

// logo stores the package logo as the company's logo asset; the file is written after
// the commit under a new object key, so a rollback leaves nothing behind.
func (a *applier) logo() error {
	c := a.p.m.Company
	if c == nil || c.LogoPath == nil || !a.p.include.Company {
		return nil
	}
	f, ok := a.p.files[*c.LogoPath]
	ctype := logoType(*c.LogoPath)
	switch {
	case !ok || len(f.Bytes()) == 0:
		a.warn("Logo %s is missing from the package; skipped", *c.LogoPath)
		return nil
	case ctype == "" || len(f.Bytes()) > DefaultAttachmentMaxBytes:
		a.warn("Logo %s is not a supported image under %d bytes; skipped", *c.LogoPath, DefaultAttachmentMaxBytes)
		return nil
	}
	tx, id := a.tx, NewID()
	key := "assets/companies/" + id + "-logo" + logoExt(ctype)
	file, err := a.store.objectPath(a.companyID, key)
	if err != nil {
		a.warn("Logo skipped: %s", err.Error())
		return nil
	}
	data := f.Bytes()
	agentID, userID := tx.creatorColumns()
	if err := tx.insertAsset(id, a.companyID, key, ctype, data, path.Base(*c.LogoPath), agentID, userID); err != nil {
		return err
	}
	cur, err := scanCompany(tx.QueryRowContext(tx.ctx, companySelect+` WHERE c.id = ?`, "", "", a.companyID))
	if err != nil {
		return err
	}
	a.writeAfterCommit(file, string(data))
	return tx.setCompanyLogo(a.store, cur, &id)
}

func optionalOf(s *string) Optional[string] {
	if s == nil {
		return Optional[string]{}
	}
	return Some(*s)
}

// labels merges package labels by name: an existing label keeps its colour.
func (a *applier) labels() error {
	if !a.p.include.Issues {
		return nil
	}
	tx := a.tx
	rows, err := queryAll(tx.ctx, tx, scanLabel, `SELECT `+labelColumns+` FROM labels WHERE company_id = ?`, a.companyID)
	if err != nil {
		return err
	}
	for _, l := range rows {
		a.labelID[l.Name] = l.ID
	}
	for _, l := range a.p.m.Labels {
		if _, ok := a.labelID[l.Name]; ok || strings.TrimSpace(l.Name) == "" {
			continue
		}
		color := l.Color
		if !IsHexColor(color) {
			color = "#6b7280"
		}
		id := NewID()
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO labels (`+labelColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			id, a.companyID, l.Name, color, tx.Now(), tx.Now()); err != nil {
			return err
		}
		a.labelID[l.Name] = id
	}
	return nil
}

// goals writes goal rows; parents and owners are linked once agents exist (goalLinks).
func (a *applier) goals() error {
	tx := a.tx
	for _, g := range a.p.m.Goals {
		plan, ok := a.p.goalP[g.Slug]
		if !ok {
			continue
		}
		var id string
		switch plan.Action {
		case "skip":
			id = *plan.ExistingGoalID
		case "update":
			id = *plan.ExistingGoalID
			if _, err := tx.ExecContext(tx.ctx, `UPDATE goals SET description = ?, status = ?, updated_at = ? WHERE id = ?`,
				nullStr(g.Description), g.Status, tx.Now(), id); err != nil {
				return err
			}
		default:
			id = NewID()
			if _, err := tx.ExecContext(tx.ctx, `INSERT INTO goals (`+goalColumns+`) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
				id, a.companyID, plan.PlannedTitle, nullStr(g.Description), g.Level, g.Status, tx.Now(), tx.Now()); err != nil {
				return err
			}
		}
		a.goalID[g.Slug] = id
		a.res.Goals = append(a.res.Goals, ImportedGoal{Slug: g.Slug, ID: id, Action: pastTense(plan.Action), Title: plan.PlannedTitle, Reason: plan.Reason})
	}
	return nil
}

func (a *applier) goalLinks() error {
	tx := a.tx
	for _, g := range a.p.m.Goals {
		plan, ok := a.p.goalP[g.Slug]
		if !ok || plan.Action == "skip" {
			continue
		}
		parent, owner := a.goalID[deref(g.ParentSlug)], a.agentID[deref(g.OwnerAgentSlug)]
		if parent == a.goalID[g.Slug] {
			parent = ""
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE goals SET parent_id = ?, owner_agent_id = ? WHERE id = ?`,
			nullIfEmpty(parent), nullIfEmpty(owner), a.goalID[g.Slug]); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) skills() error {
	for _, sk := range a.p.m.Skills {
		plan, ok := a.p.skillP[sk.Slug]
		if !ok {
			continue
		}
		a.skillSlug[sk.Slug] = plan.PlannedSlug
		action := pastTense(plan.Action)
		if plan.Action != "skip" {
			files := map[string]string{}
			for _, f := range sk.Files {
				files[strings.TrimPrefix(f, path.Join("skills", sk.Slug)+"/")] = a.p.files[f].Text
			}
			k := CompanySkill{Slug: plan.PlannedSlug, Name: sk.Name, Description: sk.Description, Files: files}
			if _, err := a.tx.upsertSkill(a.companyID, k); err != nil {
				return err
			}
			if plan.PlannedSlug != sk.Slug {
				action = "renamed"
			}
		}
		a.res.Skills = append(a.res.Skills, ImportedSkill{OriginalSlug: sk.Slug, Slug: plan.PlannedSlug, Action: action, Reason: plan.Reason})
	}
	return nil
}

// writeAfterCommit writes a file once the transaction has committed.
func (a *applier) writeAfterCommit(file, content string) {
	a.tx.afterCommit(func() {
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err == nil {
			os.WriteFile(file, []byte(content), 0o600)
		}
	})
}
