package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A company package is a folder of markdown files with YAML front matter plus one
// .paperclip.yaml sidecar (docs/portability.md). The types here are its in-memory
// forms: the file map that travels over the wire and the parsed Manifest that export
// builds and import plans from.

// Package limits: what an import accepts before it reads anything else.
const (
	// MaxPackageFiles bounds the entries of a package (a zip or an inline map).
	MaxPackageFiles = 5000
	// MaxPackageTextFile bounds one text file.
	MaxPackageTextFile = 1 << 20
	// MaxPackageBytes bounds the sum of all files, decompressed.
	MaxPackageBytes = 256 << 20
	// MaxPackagePath bounds a path in bytes.
	MaxPackagePath = 512
	// SidecarPath is the Paperclip extension file of a package.
	SidecarPath = ".paperclip.yaml"
	// BuiltinSkillSlug is the skill shipped in the binary; packages cannot carry it.
	BuiltinSkillSlug = "paperclip"
)

// PackageFile is one file of a package: text, or binary (only under assets/), which
// travels as {encoding: "base64", data, contentType}.
type PackageFile struct {
	Text        string
	Data        []byte
	ContentType string
	Binary      bool
}

// TextFile is a text package file.
func TextFile(s string) PackageFile { return PackageFile{Text: s} }

// Bytes is the file's content.
func (f PackageFile) Bytes() []byte {
	if f.Binary {
		return f.Data
	}
	return []byte(f.Text)
}

// MarshalJSON writes a text file as a string and a binary one as its base64 object.
func (f PackageFile) MarshalJSON() ([]byte, error) {
	if !f.Binary {
		return json.Marshal(f.Text)
	}
	return json.Marshal(map[string]string{"encoding": "base64", "data": base64.StdEncoding.EncodeToString(f.Data), "contentType": f.ContentType})
}

// UnmarshalJSON reads either form.
func (f *PackageFile) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = PackageFile{Text: s}
		return nil
	}
	var o struct {
		Encoding    string `json:"encoding"`
		Data        string `json:"data"`
		ContentType string `json:"contentType"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return fmt.Errorf("a package file is a string or {encoding, data}")
	}
	if o.Encoding != "base64" {
		return fmt.Errorf("unsupported file encoding %q", o.Encoding)
	}
	data, err := base64.StdEncoding.DecodeString(o.Data)
	if err != nil {
		return fmt.Errorf("invalid base64 file data")
	}
	*f = PackageFile{Data: data, ContentType: o.ContentType, Binary: true}
	return nil
}

// PackageFiles maps package paths to files.
type PackageFiles map[string]PackageFile

// Paths lists the paths in order.
func (p PackageFiles) Paths() []string {
	out := make([]string, 0, len(p))
	for k := range p {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckPackagePath refuses paths that could leave the package folder or mean two
// things on different systems: absolute, .., backslashes, NUL, empty segments.
func CheckPackagePath(p string) error {
	bad := p == "" || len(p) > MaxPackagePath || strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") ||
		strings.Contains(p, ":")
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			bad = true
		}
	}
	if bad {
		return Errorf(EUNPROCESSABLE, "Invalid package path: %s", p)
	}
	return nil
}

// NormalizePackage checks every path and size of an incoming file map and strips
// rootPath (or a single common top folder when rootPath is empty).
func NormalizePackage(files PackageFiles, rootPath string) (PackageFiles, error) {
	if len(files) > MaxPackageFiles {
		return nil, Errorf(EUNPROCESSABLE, "Package has too many files (max %d)", MaxPackageFiles)
	}
	var total int
	for p, f := range files {
		if err := CheckPackagePath(p); err != nil {
			return nil, err
		}
		n := len(f.Bytes())
		if !f.Binary && n > MaxPackageTextFile {
			return nil, Errorf(EUNPROCESSABLE, "Package file too large: %s", p)
		}
		if total += n; total > MaxPackageBytes {
			return nil, Errorf(EUNPROCESSABLE, "Package too large (max %d bytes uncompressed)", MaxPackageBytes)
		}
	}
	root := strings.Trim(rootPath, "/")
	if root == "" {
		root = commonTop(files)
	}
	if root == "" {
		return files, nil
	}
	out := make(PackageFiles, len(files))
	for p, f := range files {
		rel, ok := strings.CutPrefix(p, root+"/")
		if !ok {
			return nil, Errorf(EUNPROCESSABLE, "Invalid package path: %s (outside rootPath %s)", p, root)
		}
		out[rel] = f
	}
	return out, nil
}

// commonTop is the single top-level folder holding every file and no COMPANY.md of
// its own at the top, or "".
func commonTop(files PackageFiles) string {
	if _, ok := files["COMPANY.md"]; ok {
		return ""
	}
	top := ""
	for p := range files {
		first, _, nested := strings.Cut(p, "/")
		if !nested || (top != "" && first != top) {
			return ""
		}
		top = first
	}
	return top
}

// PackageSlug lower-cases a name into [a-z0-9-], at most 64 characters.
func PackageSlug(name string) string {
	s := URLKey(name)
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	if s == "" {
		s = "item"
	}
	return s
}

// slugger hands out unique slugs: duplicates get -2, -3, ...
type slugger map[string]bool

func (sl slugger) next(name string) string {
	base := PackageSlug(name)
	s := base
	for n := 2; sl[s]; n++ {
		s = base + "-" + strconv.Itoa(n)
	}
	sl[s] = true
	return s
}

var validSlugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// exportSensitiveRe matches env or header names whose values are never exported.
var exportSensitiveRe = regexp.MustCompile(`(?i)(key|token|secret|password|passwd|authorization|cookie|credential)`)

// PackageInclude selects the parts of a package.
type PackageInclude struct {
	Company  bool `json:"company"`
	Agents   bool `json:"agents"`
	Projects bool `json:"projects"`
	Issues   bool `json:"issues"`
	Skills   bool `json:"skills"`
}

// PackageIncludeInput is the optional form of PackageInclude in request bodies.
type PackageIncludeInput struct {
	Company  *bool `json:"company"`
	Agents   *bool `json:"agents"`
	Projects *bool `json:"projects"`
	Issues   *bool `json:"issues"`
	Skills   *bool `json:"skills"`
}

// resolve fills unset parts from def.
func (in *PackageIncludeInput) resolve(def PackageInclude) PackageInclude {
	if in == nil {
		return def
	}
	pick := func(p *bool, d bool) bool {
		if p == nil {
			return d
		}
		return *p
	}
	return PackageInclude{pick(in.Company, def.Company), pick(in.Agents, def.Agents), pick(in.Projects, def.Projects),
		pick(in.Issues, def.Issues), pick(in.Skills, def.Skills)}
}

// Manifest is a parsed package: what export produced and what import plans from.
type Manifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	GeneratedAt   *string           `json:"generatedAt"`
	Source        *ManifestSource   `json:"source"`
	Includes      PackageInclude    `json:"includes"`
	Company       *ManifestCompany  `json:"company"`
	Goals         []ManifestGoal    `json:"goals"`
	Agents        []ManifestAgent   `json:"agents"`
	Projects      []ManifestProject `json:"projects"`
	Issues        []ManifestIssue   `json:"issues"`
	Skills        []ManifestSkill   `json:"skills"`
	Labels        []ManifestLabel   `json:"labels"`
	EnvInputs     []EnvInput        `json:"envInputs"`
}

// ManifestSource names the exporting company.
type ManifestSource struct {
	CompanyID   string `json:"companyId"`
	CompanyName string `json:"companyName"`
}

// ManifestCompany is COMPANY.md plus the sidecar's company section.
type ManifestCompany struct {
	Path                             string  `json:"path"`
	Slug                             string  `json:"slug"`
	Name                             string  `json:"name"`
	Description                      *string `json:"description"`
	BrandColor                       *string `json:"brandColor"`
	LogoPath                         *string `json:"logoPath"`
	RequireBoardApprovalForNewAgents bool    `json:"requireBoardApprovalForNewAgents"`
	BudgetMonthlyCents               int64   `json:"budgetMonthlyCents"`
}

// ManifestGoal is one goal of the sidecar.
type ManifestGoal struct {
	Slug           string  `json:"slug"`
	Title          string  `json:"title"`
	Description    *string `json:"description"`
	Level          string  `json:"level"`
	Status         string  `json:"status"`
	ParentSlug     *string `json:"parentSlug"`
	OwnerAgentSlug *string `json:"ownerAgentSlug"`
}

// ManifestAgent is AGENTS.md plus the sidecar's agent entry.
type ManifestAgent struct {
	Slug               string         `json:"slug"`
	Name               string         `json:"name"`
	Path               string         `json:"path"`
	Title              *string        `json:"title"`
	Role               string         `json:"role"`
	Icon               *string        `json:"icon"`
	Capabilities       *string        `json:"capabilities"`
	ReportsToSlug      *string        `json:"reportsToSlug"`
	Skills             []string       `json:"skills"`
	AdapterType        string         `json:"adapterType"`
	AdapterConfig      map[string]any `json:"adapterConfig"`
	RuntimeConfig      map[string]any `json:"runtimeConfig"`
	Permissions        map[string]any `json:"permissions"`
	BudgetMonthlyCents int64          `json:"budgetMonthlyCents"`
	Instructions       string         `json:"instructions"`
}

// ManifestProject is PROJECT.md plus the sidecar's project entry.
type ManifestProject struct {
	Slug          string              `json:"slug"`
	Name          string              `json:"name"`
	Path          string              `json:"path"`
	Description   *string             `json:"description"`
	Status        string              `json:"status"`
	LeadAgentSlug *string             `json:"leadAgentSlug"`
	TargetDate    *string             `json:"targetDate"`
	Color         *string             `json:"color"`
	GoalSlugs     []string            `json:"goalSlugs"`
	Workspaces    []ManifestWorkspace `json:"workspaces"`
}

// ManifestWorkspace is a portable project workspace (no local paths, no commands).
type ManifestWorkspace struct {
	Key        string  `json:"key" yaml:"key"`
	Name       string  `json:"name" yaml:"name"`
	SourceType string  `json:"sourceType" yaml:"sourceType"`
	RepoURL    *string `json:"repoUrl" yaml:"repoUrl,omitempty"`
	RepoRef    *string `json:"repoRef" yaml:"repoRef,omitempty"`
	DefaultRef *string `json:"defaultRef" yaml:"defaultRef,omitempty"`
	IsPrimary  bool    `json:"isPrimary" yaml:"isPrimary,omitempty"`
}

// ManifestIssue is TASK.md plus the sidecar's task entry.
type ManifestIssue struct {
	Slug              string             `json:"slug"`
	Identifier        *string            `json:"identifier"`
	Title             string             `json:"title"`
	Path              string             `json:"path"`
	Description       *string            `json:"description"`
	Status            string             `json:"status"`
	Priority          string             `json:"priority"`
	AssigneeAgentSlug *string            `json:"assigneeAgentSlug"`
	ProjectSlug       *string            `json:"projectSlug"`
	ParentSlug        *string            `json:"parentSlug"`
	GoalSlug          *string            `json:"goalSlug"`
	LabelNames        []string           `json:"labelNames"`
	BillingCode       *string            `json:"billingCode"`
	BlockedBySlugs    []string           `json:"blockedBySlugs"`
	Comments          []ManifestComment  `json:"comments"`
	Documents         []ManifestDocument `json:"documents"`
}

// ManifestComment is one exported issue comment.
type ManifestComment struct {
	AuthorType      string  `json:"authorType" yaml:"authorType"`
	AuthorAgentSlug *string `json:"authorAgentSlug" yaml:"authorAgentSlug,omitempty"`
	AuthorLabel     *string `json:"authorLabel" yaml:"authorLabel,omitempty"`
	Body            string  `json:"body" yaml:"body"`
	CreatedAt       string  `json:"createdAt" yaml:"createdAt"`
}

// ManifestDocument is one issue document; its body is the file at Path.
type ManifestDocument struct {
	Key   string  `json:"key" yaml:"key"`
	Title *string `json:"title" yaml:"title,omitempty"`
	Path  string  `json:"path" yaml:"path"`
	Body  string  `json:"-" yaml:"-"`
}

// ManifestSkill is a company skill: SKILL.md plus its supporting files.
type ManifestSkill struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Description *string  `json:"description"`
	Path        string   `json:"path"`
	Files       []string `json:"files"`
}

// ManifestLabel is a label of the sidecar.
type ManifestLabel struct {
	Name  string `json:"name" yaml:"name"`
	Color string `json:"color" yaml:"color"`
}

// EnvInput declares an env variable an agent or project needs; values never travel.
type EnvInput struct {
	Key          string  `json:"key"`
	Description  *string `json:"description"`
	AgentSlug    *string `json:"agentSlug"`
	ProjectSlug  *string `json:"projectSlug"`
	Kind         string  `json:"kind"`
	Requirement  string  `json:"requirement"`
	DefaultValue *string `json:"defaultValue"`
	Portability  string  `json:"portability"`
}
