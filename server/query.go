package server

import (
	"net/http"
	"strconv"

	"paperclip/store"
)

// queryBool reads a boolean query parameter: true/1 and false/0, anything else → 400.
func queryBool(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "":
		return false, nil
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	default:
		return false, errorf(store.EINVALID, "Invalid '%s' query parameter", name)
	}
}

// page reads limit/offset (spec README §8): limit positive, offset ≥ 0, limit clamped to max.
// def is the limit when none is given (0 = unlimited).
func page(r *http.Request, def, maxLimit int) (limit, offset int, err error) {
	q := r.URL.Query()
	limit = def
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, 0, errorf(store.EINVALID, "Invalid 'limit' query parameter")
		}
		limit = min(n, maxLimit)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, errorf(store.EINVALID, "Invalid 'offset' query parameter")
		}
		offset = n
	}
	return limit, offset, nil
}

// queryTime reads an ISO timestamp filter, normalised; unparsable → 400 "Invalid <name> query value".
func queryTime(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", nil
	}
	t, ok := store.NormalizeTime(v)
	if !ok {
		return "", errorf(store.EINVALID, "Invalid %s query value", name)
	}
	return t, nil
}

// queryEnum reads a parameter that must be one of allowed; invalid → 400 validation error.
func queryEnum(r *http.Request, name string, allowed ...string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", store.Validation(store.FieldError{Path: []any{"query", name}, Code: "invalid_enum_value",
		Message: "Invalid enum value. Expected " + quoteJoin(allowed) + ", received '" + v + "'"})
}

func quoteJoin(vals []string) string {
	out := ""
	for i, v := range vals {
		if i > 0 {
			out += " | "
		}
		out += "'" + v + "'"
	}
	return out
}
