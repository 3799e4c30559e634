package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"paperclip/store"
)

// maxJSONBody is the JSON request size limit (spec README §1).
const maxJSONBody = 10 << 20

// readBody reads a request body up to limit bytes; larger → 413.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errorf(store.ETOOLARGE, "Request body too large")
	}
	if errors.Is(err, errBodyTimeout) {
		return nil, err
	}
	if err != nil {
		return nil, errorf(store.EINVALID, "Invalid JSON body")
	}
	return body, nil
}

// decodeBody decodes a JSON object into the struct dst field by field, so every type
// error carries the path of its field. A missing body is {}. Unknown keys are dropped,
// or rejected when strict.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, strict bool) error {
	body, err := readBody(w, r, maxJSONBody)
	if err != nil {
		return err
	}
	if err := decodeJSONObject(body, dst, strict); err != nil {
		return err
	}
	// The store checks the same caps in each input's Validate; checking here too means
	// a new route cannot store an unbounded string by forgetting to.
	return store.CheckLimits(dst)
}

func decodeJSONObject(body []byte, dst any, strict bool) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		return errorf(store.EINVALID, "Invalid JSON body")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return store.Validation(store.FieldError{Path: []any{}, Code: "invalid_type",
			Message: "Expected object, received " + store.JSONKind(body)})
	}
	known := map[string]bool{}
	var problems store.Problems
	for _, f := range bodyFields(reflect.ValueOf(dst).Elem(), known) {
		raw, ok := fields[f.name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, f.field.Addr().Interface()); err != nil {
			problems = append(problems, typeProblem(f.name, raw, err))
		}
	}
	if strict {
		var extra []string
		for k := range fields {
			if !known[k] {
				extra = append(extra, k)
			}
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			problems.Add("unrecognized_keys", "Unrecognized key(s) in object: '"+strings.Join(extra, "', '")+"'")
		}
	}
	return problems.Err()
}

// bodyField is one JSON key of a body struct and the Go field it decodes into.
type bodyField struct {
	name  string
	field reflect.Value
}

// bodyFields lists the JSON keys of the struct v, recording each in known. An embedded
// struct without a json name promotes its fields, as encoding/json does, so create and
// patch bodies can share a common part; a field of the outer struct shadows an
// embedded one of the same name. (Embedded pointers are not promoted: bodies embed
// values, which need no allocation.)
func bodyFields(v reflect.Value, known map[string]bool) []bodyField {
	var out []bodyField
	var embedded []reflect.Value
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct {
			embedded = append(embedded, v.Field(i))
			continue
		}
		if name == "" || name == "-" || !f.IsExported() || known[name] {
			continue
		}
		known[name] = true
		out = append(out, bodyField{name: name, field: v.Field(i)})
	}
	for _, e := range embedded {
		out = append(out, bodyFields(e, known)...)
	}
	return out
}

func typeProblem(name string, raw json.RawMessage, err error) store.FieldError {
	path := []any{name}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			for _, part := range strings.Split(te.Field, ".") {
				if n, err := strconv.Atoi(part); err == nil {
					path = append(path, n)
				} else {
					path = append(path, part)
				}
			}
		}
		want := goKindName(te.Type)
		got := te.Value
		if strings.HasPrefix(got, "number") {
			if want == "integer" {
				return store.FieldError{Path: path, Code: "invalid_type", Message: "Expected integer, received float"}
			}
			got = "number"
		}
		if got == "bool" {
			got = "boolean"
		}
		return store.FieldError{Path: path, Code: "invalid_type", Message: fmt.Sprintf("Expected %s, received %s", want, got)}
	}
	return store.FieldError{Path: path, Code: "invalid_type", Message: "Expected a different type, received " + store.JSONKind(raw)}
}

func goKindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return t.String()
}
