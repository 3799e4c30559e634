package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ExportInput is the body of the export routes.
type ExportInput struct {
	Include                *PackageIncludeInput `json:"include"`
	Agents                 []string             `json:"agents"`
	Projects               []string             `json:"projects"`
	Issues                 []string             `json:"issues"`
	ProjectIssues          []string             `json:"projectIssues"`
	Skills                 []string             `json:"skills"`
	SelectedFiles          []string             `json:"selectedFiles"`
	ExpandReferencedSkills bool                 `json:"expandReferencedSkills"`
	// Version is the exporting binary's version (sidecar paperclipVersion), set by server.
	Version string `json:"-"`
}

// DefaultExportInclude is what an export holds unless told otherwise.
var defaultExportInclude = PackageInclude{Company: true, Agents: true, Projects: true, Skills: true}

// Export is the export routes' answer.
type Export struct {
	RootPath               string       `json:"rootPath"`
	Manifest               Manifest     `json:"manifest"`
	Files                  PackageFiles `json:"files"`
	Warnings               []string     `json:"warnings"`
	PaperclipExtensionPath string       `json:"paperclipExtensionPath"`
}

// exportData is everything an export reads, in one read transaction so the package is
// a consistent snapshot.
type exportData struct {
	company  Company
	goals    []Goal
	agents   []Agent
	projects []Project
	goalIDs  map[string][]string // project id -> goal ids
	issues   []Issue
	labels   map[string][]string // issue id -> label names
	allLabel []Label
	blockers map[string][]string // issue id -> blocker issue ids
	comments map[string][]Comment
	docs     map[string][]ManifestDocument
	skills   []CompanySkill
	logo     *PackageFile // the company logo, when it has a readable one
}

// ExportCompany builds the package of a company. It writes nothing (no activity row).
func (s *Store) ExportCompany(ctx context.Context, companyID string, in ExportInput) (Export, error) {
	d, err := s.loadExport(ctx, companyID)
	if err != nil {
		return Export{}, err
	}
	b := newPackageBuilder(d, in.Include.resolve(defaultExportInclude), s.Now())
	if err := b.selectAll(in); err != nil {
		return Export{}, err
	}
	m := b.manifest()
	files := renderPackage(m, b, in.Version)
	if len(in.SelectedFiles) > 0 {
		keep := map[string]bool{SidecarPath: true}
		for _, p := range in.SelectedFiles {
			keep[strings.TrimPrefix(p, b.rootPath+"/")] = true
		}
		for p := range files {
			if !keep[p] {
				delete(files, p)
			}
		}
	}
	return Export{RootPath: b.rootPath, Manifest: m, Files: files, Warnings: nonNil(b.warnings), PaperclipExtensionPath: SidecarPath}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Store) loadExport(ctx context.Context, companyID string) (*exportData, error) {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	d := &exportData{goalIDs: map[string][]string{}, labels: map[string][]string{}, blockers: map[string][]string{},
		comments: map[string][]Comment{}, docs: map[string][]ManifestDocument{}}
	start, end := MonthWindow(s.Now())
	if d.company, err = scanCompany(tx.QueryRowContext(ctx, companySelect+` WHERE c.id = ?`, start, end, companyID)); err != nil {
		return nil, translate(err, "Company")
	}
	if d.goals, err = queryAll(ctx, tx, scanGoal, `SELECT `+goalColumns+` FROM goals WHERE company_id = ? ORDER BY created_at, id`, companyID); err != nil {
		return nil, err
	}
	if d.agents, err = queryAll(ctx, tx, scanAgent, agentSelect+` WHERE a.company_id = ? AND a.status <> 'terminated' ORDER BY a.created_at, a.id`,
		start, end, companyID); err != nil {
		return nil, err
	}
	if d.projects, err = queryAll(ctx, tx, scanProject, `SELECT `+projectColumns+` FROM projects WHERE company_id = ? AND archived_at IS NULL
		ORDER BY created_at, id`, companyID); err != nil {
		return nil, err
	}
	if err := d.loadProjectParts(ctx, tx, companyID); err != nil {
		return nil, err
	}
	if d.issues, err = queryAll(ctx, tx, scanIssue, `SELECT `+issueColumns+` FROM issues i WHERE i.company_id = ? AND i.hidden_at IS NULL
		ORDER BY i.issue_number, i.id`, companyID); err != nil {
		return nil, err
	}
	if err := d.loadIssueParts(ctx, tx, companyID); err != nil {
		return nil, err
	}
	if d.skills, err = findCompanySkills(ctx, tx, companyID); err != nil {
		return nil, err
	}
	if id := d.company.LogoAssetID; id != nil {
		a, err := scanAsset(tx.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets WHERE id = ?`, *id))
		if err != nil {
			return nil, translate(err, "Asset")
		}
		if p, err := s.objectPath(a.CompanyID, a.ObjectKey); err == nil {
			if data, err := os.ReadFile(p); err == nil && logoExt(a.ContentType) != "" {
				d.logo = &PackageFile{Data: data, ContentType: a.ContentType, Binary: true}
			}
		}
	}
	return d, nil
}

func scanPair(sc scanner) ([2]string, error) {
	var p [2]string
	err := sc.Scan(&p[0], &p[1])
	return p, err
}

func (d *exportData) loadProjectParts(ctx context.Context, q querier, companyID string) error {
	pairs, err := queryAll(ctx, q, scanPair, `SELECT project_id, goal_id FROM project_goals WHERE company_id = ? ORDER BY position, created_at, goal_id`, companyID)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		d.goalIDs[p[0]] = append(d.goalIDs[p[0]], p[1])
	}
	ids := make([]string, len(d.projects))
	for i, p := range d.projects {
		ids[i] = p.ID
	}
	ws, err := findWorkspaces(ctx, q, ids)
	if err != nil {
		return err
	}
	byProject := map[string][]Workspace{}
	for _, w := range ws {
		byProject[w.ProjectID] = append(byProject[w.ProjectID], w)
	}
	for i := range d.projects {
		d.projects[i].Workspaces = byProject[d.projects[i].ID]
	}
	return nil
}

func (d *exportData) loadIssueParts(ctx context.Context, q querier, companyID string) error {
	pairs, err := queryAll(ctx, q, scanPair, `SELECT il.issue_id, l.name FROM issue_labels il JOIN labels l ON l.id = il.label_id
		WHERE il.company_id = ? ORDER BY l.name`, companyID)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		d.labels[p[0]] = append(d.labels[p[0]], p[1])
	}
	if d.allLabel, err = queryAll(ctx, q, scanLabel, `SELECT `+labelColumns+` FROM labels WHERE company_id = ? ORDER BY name, id`, companyID); err != nil {
		return err
	}
	if pairs, err = queryAll(ctx, q, scanPair, `SELECT related_issue_id, issue_id FROM issue_relations WHERE company_id = ? AND type = 'blocks'
		ORDER BY created_at, issue_id`, companyID); err != nil {
		return err
	}
	for _, p := range pairs {
		d.blockers[p[0]] = append(d.blockers[p[0]], p[1])
	}
	comments, err := queryAll(ctx, q, scanComment, `SELECT `+commentColumns+` FROM issue_comments WHERE company_id = ? ORDER BY created_at, id`, companyID)
	if err != nil {
		return err
	}
	for _, c := range comments {
		d.comments[c.IssueID] = append(d.comments[c.IssueID], c)
	}
	docs, err := queryAll(ctx, q, func(sc scanner) ([4]sql.NullString, error) {
		var r [4]sql.NullString
		err := sc.Scan(&r[0], &r[1], &r[2], &r[3])
		return r, err
	}, `SELECT x.issue_id, x.key, d.title, d.latest_body FROM issue_documents x JOIN documents d ON d.id = x.document_id
		WHERE x.company_id = ? ORDER BY x.key`, companyID)
	if err != nil {
		return err
	}
	for _, r := range docs {
		d.docs[r[0].String] = append(d.docs[r[0].String], ManifestDocument{Key: r[1].String, Title: strPtr(r[2]), Body: r[3].String})
	}
	return nil
}

// agentInstructions reads the agent's instructions file, when it has a readable one.
func agentInstructions(a Agent) (string, bool) {
	p, _ := a.AdapterConfig["instructionsFilePath"].(string)
	if p == "" {
		return "", true
	}
	b, err := os.ReadFile(filepath.Clean(p))
	if err != nil {
		return "", false
	}
	return string(b), true
}

// DesiredSkills reads adapterConfig.paperclipSkillSync.desiredSkills: the company
// skills an agent wants installed, without the built-in paperclip skill.
func DesiredSkills(cfg map[string]any) []string {
	sync, _ := cfg["paperclipSkillSync"].(map[string]any)
	list, _ := sync["desiredSkills"].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok && s != BuiltinSkillSlug {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// permissionsMap is an agent's permissions without the false/zero entries.
func permissionsMap(p AgentPermissions) map[string]any {
	b, _ := json.Marshal(p)
	var m map[string]any
	json.Unmarshal(b, &m)
	for k, v := range m {
		if v == false || v == nil {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// logoTypes maps the logo content types a package may carry to their extensions.
var logoTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif", "image/svg+xml": ".svg"}

func logoExt(contentType string) string { return logoTypes[contentType] }

// logoType is the content type of a logo path's extension, "" when not a logo type.
func logoType(p string) string {
	ext := strings.ToLower(path.Ext(p))
	if ext == ".jpeg" {
		ext = ".jpg"
	}
	for t, e := range logoTypes {
		if e == ext {
			return t
		}
	}
	return ""
}
