package store

import (
	"encoding/json"
	"regexp"
	"time"
	"unicode"
)

// Project groups issues and carries their workspaces, goals and run env
// (goals-projects.md §2).
type Project struct {
	ID                       string         `json:"id"`
	CompanyID                string         `json:"companyId"`
	URLKey                   string         `json:"urlKey"`
	Name                     string         `json:"name"`
	Description              *string        `json:"description"`
	Status                   string         `json:"status"`
	GoalID                   *string        `json:"goalId"`
	GoalIDs                  []string       `json:"goalIds"`
	Goals                    []ProjectGoal  `json:"goals"`
	LeadAgentID              *string        `json:"leadAgentId"`
	TargetDate               *string        `json:"targetDate"`
	Color                    *string        `json:"color"`
	Icon                     *string        `json:"icon"`
	Env                      map[string]any `json:"env"`
	PauseReason              *string        `json:"pauseReason"`
	PausedAt                 *string        `json:"pausedAt"`
	ExecutionWorkspacePolicy JSONRaw        `json:"executionWorkspacePolicy"`
	ArchivedAt               *string        `json:"archivedAt"`
	Workspaces               []Workspace    `json:"workspaces"`
	PrimaryWorkspace         *Workspace     `json:"primaryWorkspace"`
	CreatedAt                string         `json:"createdAt"`
	UpdatedAt                string         `json:"updatedAt"`
}

// ProjectGoal is a goal as expanded on a project.
type ProjectGoal struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Project statuses and icons (data-model §2). No status transition rules apply.
var (
	ProjectStatuses = []string{"backlog", "planned", "in_progress", "completed", "cancelled"}
	ProjectIcons    = []string{"folder", "rocket", "code", "terminal", "database", "globe", "package", "boxes", "box",
		"layers", "briefcase", "compass", "target", "flame", "zap", "star", "bug", "wrench", "hammer", "lightbulb",
		"sparkles", "shield", "lock", "search", "cog", "brain", "cpu", "git-branch", "file-code", "puzzle", "gem", "atom",
		"heart", "mail", "message-square", "crown", "radar", "telescope", "hexagon"}
)

// ProjectInput is the create body and, all fields optional, the PATCH body.
type ProjectInput struct {
	Name                     Optional[string]         `json:"name"`
	Description              Optional[string]         `json:"description"`
	Status                   Optional[string]         `json:"status"`
	GoalIDs                  Optional[[]string]       `json:"goalIds"`
	GoalID                   Optional[string]         `json:"goalId"`
	LeadAgentID              Optional[string]         `json:"leadAgentId"`
	TargetDate               Optional[string]         `json:"targetDate"`
	Color                    Optional[string]         `json:"color"`
	Icon                     Optional[string]         `json:"icon"`
	Env                      Optional[any]            `json:"env"`
	ExecutionWorkspacePolicy Optional[map[string]any] `json:"executionWorkspacePolicy"`
	ArchivedAt               Optional[string]         `json:"archivedAt"`
	// Workspace (create only) seeds the first workspace. It is decoded by the store so
	// that any problem in it is the single 422 the spec asks for.
	Workspace Optional[json.RawMessage] `json:"workspace"`
}

var datePrefixRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// Validate checks field shapes; creating additionally requires a name.
func (in *ProjectInput) Validate(creating bool) error {
	var p Problems
	if creating {
		checkRequiredString(&p, "name", in.Name)
	} else {
		checkString(&p, "name", in.Name, false, true)
	}
	checkString(&p, "description", in.Description, true, false)
	checkEnum(&p, "status", in.Status, ProjectStatuses)
	checkUUIDList(&p, "goalIds", in.GoalIDs)
	checkUUID(&p, "goalId", in.GoalID, true)
	checkUUID(&p, "leadAgentId", in.LeadAgentID, true)
	checkString(&p, "color", in.Color, true, false)
	checkNullableEnum(&p, "icon", in.Icon, ProjectIcons)
	if v := in.TargetDate.Ptr(); v != nil {
		if _, ok := projectDate(*v); !ok {
			p.Add("invalid_string", "Invalid date", "targetDate")
		}
	}
	if v := in.ArchivedAt.Ptr(); v != nil {
		if _, ok := NormalizeTime(*v); !ok {
			p.Add("invalid_string", "Invalid datetime", "archivedAt")
		}
	}
	return p.Err()
}

// projectDate cuts a date or full timestamp to YYYY-MM-DD, if it is a real date.
func projectDate(s string) (string, bool) {
	if !datePrefixRe.MatchString(s) {
		return "", false
	}
	d := s[:10]
	if _, err := time.Parse("2006-01-02", d); err != nil {
		return "", false
	}
	if len(s) > 10 {
		if _, ok := NormalizeTime(s); !ok {
			return "", false
		}
	}
	return d, true
}

// goalList is the goal set the body asks for, and whether it asks for one: goalIds,
// else the deprecated goalId as a one-element set.
func (in *ProjectInput) goalList() ([]string, bool) {
	if in.GoalIDs.Set {
		return lowerUUIDs(in.GoalIDs.Value), true
	}
	if in.GoalID.Set {
		if v := in.GoalID.Ptr(); v != nil {
			return lowerUUIDs([]string{*v}), true
		}
		return []string{}, true
	}
	return nil, false
}

// changedKeys names the body keys present, for project.updated (values are not logged:
// env may hold secrets).
func (in *ProjectInput) changedKeys() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"name", in.Name.Set}, {"description", in.Description.Set}, {"status", in.Status.Set},
		{"goalIds", in.GoalIDs.Set}, {"goalId", in.GoalID.Set}, {"leadAgentId", in.LeadAgentID.Set},
		{"targetDate", in.TargetDate.Set}, {"color", in.Color.Set}, {"icon", in.Icon.Set}, {"env", in.Env.Set},
		{"executionWorkspacePolicy", in.ExecutionWorkspacePolicy.Set}, {"archivedAt", in.ArchivedAt.Set}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// ProjectURLKey derives a project's url key (spec README §7): the name's key; the id
// when that is empty; names with non-ASCII letters get the id's first 8 hex digits
// appended, since the letters the key drops could be all that tells two names apart.
func ProjectURLKey(name, id string) string {
	key := URLKey(name)
	if key == "" {
		return id
	}
	if hasNonASCII(name) {
		hex := ""
		for _, r := range id {
			if r != '-' {
				hex += string(r)
			}
			if len(hex) == 8 {
				break
			}
		}
		return key + "-" + hex
	}
	return key
}

func hasNonASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return true
		}
	}
	return false
}

// ProjectFilter selects a company's projects.
type ProjectFilter struct {
	CompanyID       string
	Status          string
	IncludeArchived bool
	Limit, Offset   int
}
