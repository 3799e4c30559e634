package store

import (
	"strings"
	"unicode/utf8"
)

// Field checks shared by the goal, project, workspace and approval bodies. Each adds
// zod-shaped problems (spec README §3.1) so the messages match the other resources.

// checkString validates an optional string field: null is allowed only when nullable,
// and nonEmpty requires at least one character after trimming.
func checkString(p *Problems, name string, v Optional[string], nullable, nonEmpty bool) {
	switch {
	case !v.Set:
	case v.Null:
		if !nullable {
			p.Add("invalid_type", "Expected string, received null", name)
		}
	case nonEmpty && utf8.RuneCountInString(strings.TrimSpace(v.Value)) == 0:
		p.Add("too_small", "String must contain at least 1 character(s)", name)
	}
}

// checkRequiredString is checkString for a field that must be present and non-empty.
func checkRequiredString(p *Problems, name string, v Optional[string]) {
	if !v.Set {
		p.Required(name)
		return
	}
	checkString(p, name, v, false, true)
}

// checkEnum validates an optional, non-nullable enum field.
func checkEnum(p *Problems, name string, v Optional[string], allowed []string) {
	switch {
	case !v.Set:
	case v.Null:
		p.Add("invalid_type", "Expected string, received null", name)
	case !contains(allowed, v.Value):
		p.Add("invalid_enum_value", enumMessage(allowed, v.Value), name)
	}
}

// checkNullableEnum validates an optional enum field that may be null.
func checkNullableEnum(p *Problems, name string, v Optional[string], allowed []string) {
	if v.Set && !v.Null && !contains(allowed, v.Value) {
		p.Add("invalid_enum_value", enumMessage(allowed, v.Value), name)
	}
}

// checkUUID validates an optional uuid field; null is allowed when nullable.
func checkUUID(p *Problems, name string, v Optional[string], nullable bool) {
	switch {
	case !v.Set:
	case v.Null:
		if !nullable {
			p.Add("invalid_type", "Expected string, received null", name)
		}
	case !IsUUID(v.Value):
		p.Add("invalid_string", "Invalid uuid", name)
	}
}

// checkUUIDList validates an optional array of uuids (null is not an array).
func checkUUIDList(p *Problems, name string, v Optional[[]string]) {
	if !v.Set {
		return
	}
	if v.Null {
		p.Add("invalid_type", "Expected array, received null", name)
		return
	}
	for i, id := range v.Value {
		if !IsUUID(id) {
			p.Add("invalid_string", "Invalid uuid", name, i)
		}
	}
}

// lowerUUIDs lower-cases and de-duplicates ids, keeping their first-seen order.
func lowerUUIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		id = strings.ToLower(id)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// lowerPtr lower-cases a uuid reference (ids are stored lower-case).
func lowerPtr(p *string) *string {
	if p == nil {
		return nil
	}
	v := strings.ToLower(*p)
	return &v
}
