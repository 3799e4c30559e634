package store

// Goal is a company objective; goals form a tree through parentId (goals-projects.md §1).
type Goal struct {
	ID           string  `json:"id"`
	CompanyID    string  `json:"companyId"`
	Title        string  `json:"title"`
	Description  *string `json:"description"`
	Level        string  `json:"level"`
	Status       string  `json:"status"`
	ParentID     *string `json:"parentId"`
	OwnerAgentID *string `json:"ownerAgentId"`
	CreatedAt    string  `json:"createdAt"`
	UpdatedAt    string  `json:"updatedAt"`
}

// Goal levels and statuses. The level order (company > team > agent > task) is
// advisory: nothing enforces it, and any status may follow any other.
var (
	GoalLevels   = []string{"company", "team", "agent", "task"}
	GoalStatuses = []string{"planned", "active", "achieved", "cancelled"}
)

// GoalInput is the create body and, with every field optional, the PATCH body.
type GoalInput struct {
	Title        Optional[string] `json:"title"`
	Description  Optional[string] `json:"description"`
	Level        Optional[string] `json:"level"`
	Status       Optional[string] `json:"status"`
	ParentID     Optional[string] `json:"parentId"`
	OwnerAgentID Optional[string] `json:"ownerAgentId"`
}

// Validate checks field shapes; creating additionally requires a title.
func (in *GoalInput) Validate(creating bool) error {
	var p Problems
	if creating {
		checkRequiredString(&p, "title", in.Title)
	} else {
		checkString(&p, "title", in.Title, false, true)
	}
	checkString(&p, "description", in.Description, true, false)
	checkEnum(&p, "level", in.Level, GoalLevels)
	checkEnum(&p, "status", in.Status, GoalStatuses)
	checkUUID(&p, "parentId", in.ParentID, true)
	checkUUID(&p, "ownerAgentId", in.OwnerAgentID, true)
	return p.Err()
}

// fields lists the body keys present, with their values as they will be stored, for
// the goal.updated activity row.
func (in *GoalInput) fields() map[string]any {
	out := map[string]any{}
	add := func(name string, v Optional[string]) {
		if v.Set {
			out[name] = v.Ptr()
		}
	}
	add("title", in.Title)
	add("description", in.Description)
	add("level", in.Level)
	add("status", in.Status)
	add("parentId", in.ParentID)
	add("ownerAgentId", in.OwnerAgentID)
	return out
}

// apply writes the present fields onto g (title trimmed, references lower-cased).
func (in *GoalInput) apply(g *Goal) {
	if v := in.Title.Ptr(); v != nil {
		g.Title = trimmed(*v)
	}
	if in.Description.Set {
		g.Description = in.Description.Ptr()
	}
	if v := in.Level.Ptr(); v != nil {
		g.Level = *v
	}
	if v := in.Status.Ptr(); v != nil {
		g.Status = *v
	}
	if in.ParentID.Set {
		g.ParentID = lowerPtr(in.ParentID.Ptr())
	}
	if in.OwnerAgentID.Set {
		g.OwnerAgentID = lowerPtr(in.OwnerAgentID.Ptr())
	}
}

// previous returns g's values for the keys of fields, for the _previous of goal.updated.
func (g Goal) previous(keys map[string]any) map[string]any {
	all := map[string]any{"title": g.Title, "description": g.Description, "level": g.Level, "status": g.Status,
		"parentId": g.ParentID, "ownerAgentId": g.OwnerAgentID}
	out := map[string]any{}
	for k := range keys {
		out[k] = all[k]
	}
	return out
}

// GoalFilter selects a company's goals; empty fields do not filter.
type GoalFilter struct {
	CompanyID string
	Level     string
	Status    string
	// ParentID lists direct children; ParentNull lists roots (parentId=null).
	ParentID     string
	ParentNull   bool
	OwnerAgentID string
	Limit        int
	Offset       int
}
