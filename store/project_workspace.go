package store

import (
	"context"
	"database/sql"
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// Workspace is a place a project's work happens: a local checkout, a repository, or
// both (goals-projects.md §2.5).
type Workspace struct {
	ID             string         `json:"id"`
	CompanyID      string         `json:"companyId"`
	ProjectID      string         `json:"projectId"`
	Name           string         `json:"name"`
	SourceType     string         `json:"sourceType"`
	Cwd            *string        `json:"cwd"`
	RepoURL        *string        `json:"repoUrl"`
	RepoRef        *string        `json:"repoRef"`
	DefaultRef     *string        `json:"defaultRef"`
	Visibility     string         `json:"visibility"`
	SetupCommand   *string        `json:"setupCommand"`
	CleanupCommand *string        `json:"cleanupCommand"`
	Metadata       map[string]any `json:"metadata"`
	IsPrimary      bool           `json:"isPrimary"`
	CreatedAt      string         `json:"createdAt"`
	UpdatedAt      string         `json:"updatedAt"`
}

// Workspace source types and visibilities.
var (
	WorkspaceSourceTypes  = []string{"local_path", "git_repo", "remote_managed", "non_git_path"}
	WorkspaceVisibilities = []string{"default", "advanced"}
)

// WorkspaceInput is the workspace create body and, all optional, its PATCH body.
type WorkspaceInput struct {
	Name           Optional[string]         `json:"name"`
	SourceType     Optional[string]         `json:"sourceType"`
	Cwd            Optional[string]         `json:"cwd"`
	RepoURL        Optional[string]         `json:"repoUrl"`
	RepoRef        Optional[string]         `json:"repoRef"`
	DefaultRef     Optional[string]         `json:"defaultRef"`
	Visibility     Optional[string]         `json:"visibility"`
	SetupCommand   Optional[string]         `json:"setupCommand"`
	CleanupCommand Optional[string]         `json:"cleanupCommand"`
	Metadata       Optional[map[string]any] `json:"metadata"`
	IsPrimary      Optional[bool]           `json:"isPrimary"`
}

const errWorkspacePayload = "Invalid project workspace payload"

// Validate checks field shapes. A new workspace needs a cwd or a repoUrl.
func (in *WorkspaceInput) Validate(creating bool) error {
	var p Problems
	checkString(&p, "name", in.Name, false, true)
	checkEnum(&p, "sourceType", in.SourceType, WorkspaceSourceTypes)
	checkString(&p, "cwd", in.Cwd, true, true)
	checkString(&p, "repoUrl", in.RepoURL, true, false)
	if v := in.RepoURL.Ptr(); v != nil && !validURL(*v) {
		p.Add("invalid_string", "Invalid url", "repoUrl")
	}
	for _, f := range []struct {
		name string
		v    Optional[string]
	}{{"repoRef", in.RepoRef}, {"defaultRef", in.DefaultRef}, {"setupCommand", in.SetupCommand}, {"cleanupCommand", in.CleanupCommand}} {
		checkString(&p, f.name, f.v, true, false)
	}
	checkEnum(&p, "visibility", in.Visibility, WorkspaceVisibilities)
	if in.IsPrimary.Set && in.IsPrimary.Null {
		p.Add("invalid_type", "Expected boolean, received null", "isPrimary")
	}
	if creating && len(p) == 0 && !hasText(in.Cwd.Ptr()) && !hasText(in.RepoURL.Ptr()) {
		p.Add("custom", "Workspace requires at least one of cwd or repoUrl.", "cwd")
	}
	return p.Err()
}

func hasText(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}

// commandFields names the host-executed command fields the body touches.
func (in *WorkspaceInput) commandFields() []string {
	var out []string
	if in.SetupCommand.Set {
		out = append(out, "setupCommand")
	}
	if in.CleanupCommand.Set {
		out = append(out, "cleanupCommand")
	}
	return out
}

// changedKeys names the body keys present, for project.workspace_updated.
func (in *WorkspaceInput) changedKeys() []string {
	out := []string{}
	for _, f := range []struct {
		name string
		set  bool
	}{{"name", in.Name.Set}, {"sourceType", in.SourceType.Set}, {"cwd", in.Cwd.Set}, {"repoUrl", in.RepoURL.Set},
		{"repoRef", in.RepoRef.Set}, {"defaultRef", in.DefaultRef.Set}, {"visibility", in.Visibility.Set},
		{"setupCommand", in.SetupCommand.Set}, {"cleanupCommand", in.CleanupCommand.Set}, {"metadata", in.Metadata.Set},
		{"isPrimary", in.IsPrimary.Set}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// apply writes the present fields onto w.
func (in *WorkspaceInput) apply(w *Workspace) {
	set := func(dst **string, v Optional[string]) {
		if v.Set {
			*dst = v.Ptr()
		}
	}
	if v := in.Name.Ptr(); v != nil {
		w.Name = strings.TrimSpace(*v)
	}
	if v := in.SourceType.Ptr(); v != nil {
		w.SourceType = *v
	}
	set(&w.Cwd, in.Cwd)
	set(&w.RepoURL, in.RepoURL)
	set(&w.RepoRef, in.RepoRef)
	set(&w.DefaultRef, in.DefaultRef)
	if v := in.Visibility.Ptr(); v != nil {
		w.Visibility = *v
	}
	set(&w.SetupCommand, in.SetupCommand)
	set(&w.CleanupCommand, in.CleanupCommand)
	if in.Metadata.Set {
		w.Metadata = in.Metadata.Value
	}
}

// newWorkspace builds a workspace from a create body with the defaults of §2.5: the
// name from the cwd's last element or the repository's, the source type git_repo when
// only a repository is given.
func newWorkspace(project Project, in WorkspaceInput) Workspace {
	w := Workspace{ID: NewID(), CompanyID: project.CompanyID, ProjectID: project.ID, SourceType: "local_path", Visibility: "default"}
	if !hasText(in.Cwd.Ptr()) && hasText(in.RepoURL.Ptr()) {
		w.SourceType = "git_repo"
	}
	in.apply(&w)
	if w.Name == "" {
		switch {
		case hasText(w.Cwd):
			w.Name = path.Base(filepath.ToSlash(strings.TrimRight(*w.Cwd, `/\`)))
		case hasText(w.RepoURL):
			w.Name = repoName(*w.RepoURL)
		}
		if w.Name == "" || w.Name == "/" || w.Name == "." {
			w.Name = "workspace"
		}
	}
	return w
}

// repoName is the last path element of a repository URL without ".git".
func repoName(raw string) string {
	u, err := url.Parse(raw)
	p := raw
	if err == nil {
		p = u.Path
	}
	p = strings.TrimSuffix(strings.TrimRight(p, "/"), ".git")
	if i := strings.LastIndexAny(p, "/:"); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// checkWorkspace is the semantic check run on the workspace as it would be stored.
func checkWorkspace(w Workspace) error {
	if w.Cwd != nil && !filepath.IsAbs(*w.Cwd) && !path.IsAbs(*w.Cwd) {
		return Errorf(EUNPROCESSABLE, "Workspace cwd must be an absolute path")
	}
	return nil
}

const workspaceColumns = `id, company_id, project_id, name, source_type, cwd, repo_url, repo_ref, default_ref, visibility,
	setup_command, cleanup_command, metadata, is_primary, created_at, updated_at`

func scanWorkspace(sc scanner) (Workspace, error) {
	var w Workspace
	var cwd, repo, ref, def, setup, cleanup, meta sql.NullString
	var primary int
	err := sc.Scan(&w.ID, &w.CompanyID, &w.ProjectID, &w.Name, &w.SourceType, &cwd, &repo, &ref, &def, &w.Visibility,
		&setup, &cleanup, &meta, &primary, &w.CreatedAt, &w.UpdatedAt)
	w.Cwd, w.RepoURL, w.RepoRef, w.DefaultRef = strPtr(cwd), strPtr(repo), strPtr(ref), strPtr(def)
	w.SetupCommand, w.CleanupCommand = strPtr(setup), strPtr(cleanup)
	if meta.Valid {
		w.Metadata = decodeObject(meta.String)
	}
	w.IsPrimary = primary != 0
	return w, err
}

// findWorkspaces lists the workspaces of the given projects, primary first, then oldest.
func findWorkspaces(ctx context.Context, q querier, projectIDs []string) ([]Workspace, error) {
	if len(projectIDs) == 0 {
		return []Workspace{}, nil
	}
	args := make([]any, len(projectIDs))
	for i, id := range projectIDs {
		args[i] = id
	}
	return queryAll(ctx, q, scanWorkspace, `SELECT `+workspaceColumns+` FROM project_workspaces WHERE project_id IN (`+
		placeholders(len(projectIDs))+`) ORDER BY is_primary DESC, created_at, id`, args...)
}

func (tx *Tx) insertWorkspace(w *Workspace) error {
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM project_workspaces WHERE project_id = ?`, w.ProjectID).Scan(&n); err != nil {
		return err
	}
	// The first workspace of a project is its primary, whatever the body says.
	if n == 0 {
		w.IsPrimary = true
	}
	if w.IsPrimary && n > 0 {
		if err := tx.demoteWorkspaces(w.ProjectID); err != nil {
			return err
		}
	}
	w.CreatedAt, w.UpdatedAt = tx.Now(), tx.Now()
	meta, err := nullableJSON(w.Metadata)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO project_workspaces (`+workspaceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.ID, w.CompanyID, w.ProjectID, w.Name, w.SourceType, nullStr(w.Cwd), nullStr(w.RepoURL), nullStr(w.RepoRef),
		nullStr(w.DefaultRef), w.Visibility, nullStr(w.SetupCommand), nullStr(w.CleanupCommand), meta, boolInt(w.IsPrimary),
		w.CreatedAt, w.UpdatedAt)
	return err
}

func (tx *Tx) demoteWorkspaces(projectID string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE project_workspaces SET is_primary = 0, updated_at = ? WHERE project_id = ? AND is_primary = 1`,
		tx.Now(), projectID)
	return err
}

func nullableJSON(m map[string]any) (any, error) {
	if m == nil {
		return nil, nil
	}
	return jsonText(m)
}

// loadWorkspace reads one workspace of a project; a workspace of another project is
// "Project workspace not found" like a missing one.
func (tx *Tx) loadWorkspace(projectID, id string) (Workspace, error) {
	if !IsUUID(id) {
		return Workspace{}, NotFound("Project workspace")
	}
	w, err := scanWorkspace(tx.QueryRowContext(tx.ctx, `SELECT `+workspaceColumns+` FROM project_workspaces WHERE id = ? AND project_id = ?`,
		strings.ToLower(id), projectID))
	return w, translate(err, "Project workspace")
}

// FindProjectWorkspaces lists a project's workspaces, primary first.
func (s *Store) FindProjectWorkspaces(ctx context.Context, projectID string) ([]Workspace, error) {
	return findWorkspaces(ctx, s.reader, []string{projectID})
}

// CreateProjectWorkspace adds a workspace to a project.
func (s *Store) CreateProjectWorkspace(ctx context.Context, projectID string, in WorkspaceInput) (Workspace, error) {
	if err := in.Validate(true); err != nil {
		return Workspace{}, err
	}
	var w Workspace
	err := s.write(ctx, func(tx *Tx) error {
		p, err := tx.loadProjectRow(projectID)
		if err != nil {
			return err
		}
		if err := tx.authorize(ActWorkspaceSetCommands, Target{CompanyID: p.CompanyID, Fields: in.commandFields()}); err != nil {
			return err
		}
		w = newWorkspace(p, in)
		if err := checkWorkspace(w); err != nil {
			return err
		}
		if err := tx.insertWorkspace(&w); err != nil {
			return err
		}
		return tx.logActivity(p.CompanyID, "project.workspace_created", "project", p.ID, map[string]any{"workspaceId": w.ID, "name": w.Name})
	})
	return w, err
}

// UpdateProjectWorkspace applies a partial update. isPrimary true demotes the others;
// false on the primary is ignored, since a project with workspaces always has one.
func (s *Store) UpdateProjectWorkspace(ctx context.Context, projectID, id string, in WorkspaceInput) (Workspace, error) {
	if err := in.Validate(false); err != nil {
		return Workspace{}, err
	}
	var w Workspace
	err := s.write(ctx, func(tx *Tx) error {
		p, err := tx.loadProjectRow(projectID)
		if err != nil {
			return err
		}
		if w, err = tx.loadWorkspace(p.ID, id); err != nil {
			return err
		}
		if err := tx.authorize(ActWorkspaceSetCommands, Target{CompanyID: p.CompanyID, Fields: in.commandFields()}); err != nil {
			return err
		}
		in.apply(&w)
		if !hasText(w.Cwd) && !hasText(w.RepoURL) {
			return Errorf(EUNPROCESSABLE, errWorkspacePayload)
		}
		if err := checkWorkspace(w); err != nil {
			return err
		}
		if v := in.IsPrimary.Ptr(); v != nil && *v && !w.IsPrimary {
			if err := tx.demoteWorkspaces(p.ID); err != nil {
				return err
			}
			w.IsPrimary = true
		}
		meta, err := nullableJSON(w.Metadata)
		if err != nil {
			return err
		}
		w.UpdatedAt = tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `UPDATE project_workspaces SET name = ?, source_type = ?, cwd = ?, repo_url = ?, repo_ref = ?,
			default_ref = ?, visibility = ?, setup_command = ?, cleanup_command = ?, metadata = ?, is_primary = ?, updated_at = ? WHERE id = ?`,
			w.Name, w.SourceType, nullStr(w.Cwd), nullStr(w.RepoURL), nullStr(w.RepoRef), nullStr(w.DefaultRef), w.Visibility,
			nullStr(w.SetupCommand), nullStr(w.CleanupCommand), meta, boolInt(w.IsPrimary), w.UpdatedAt, w.ID); err != nil {
			return err
		}
		return tx.logActivity(p.CompanyID, "project.workspace_updated", "project", p.ID,
			map[string]any{"workspaceId": w.ID, "changedKeys": in.changedKeys()})
	})
	return w, err
}

// DeleteProjectWorkspace removes a workspace and returns it as it was; deleting the
// primary promotes the oldest remaining one. Issues pointing at it keep their project.
func (s *Store) DeleteProjectWorkspace(ctx context.Context, projectID, id string) (Workspace, error) {
	var w Workspace
	err := s.write(ctx, func(tx *Tx) error {
		p, err := tx.loadProjectRow(projectID)
		if err != nil {
			return err
		}
		if w, err = tx.loadWorkspace(p.ID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM project_workspaces WHERE id = ?`, w.ID); err != nil {
			return err
		}
		if w.IsPrimary {
			if _, err := tx.ExecContext(tx.ctx, `UPDATE project_workspaces SET is_primary = 1, updated_at = ?
				WHERE id = (SELECT id FROM project_workspaces WHERE project_id = ? ORDER BY created_at, id LIMIT 1)`, tx.Now(), p.ID); err != nil {
				return err
			}
		}
		return tx.logActivity(p.CompanyID, "project.workspace_deleted", "project", p.ID, map[string]any{"workspaceId": w.ID, "name": w.Name})
	})
	return w, err
}
