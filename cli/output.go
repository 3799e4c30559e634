package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The client output rules of cli.md §7: --json prints the body as pretty JSON; humans
// get one key=value line per list item, pretty JSON for one object, "(null)" for none.

const maxValueChars = 90

// printResponse writes raw to stdout. columns, when set, limits human list lines to
// those keys (missing ones shown as "-"); --json always shows the whole body.
func (a *app) printResponse(raw json.RawMessage, asJSON bool, columns []string) error {
	if asJSON {
		return a.printJSON(raw)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		a.printf("%s\n", a.dim("(null)"))
		return nil
	}
	tree, err := decodeOrderedJSON(raw)
	if err != nil {
		return err
	}
	switch v := tree.(type) {
	case nil:
		a.printf("%s\n", a.dim("(null)"))
	case []any:
		if len(v) == 0 {
			a.printf("%s\n", a.dim("(empty)"))
			return nil
		}
		for _, item := range v {
			obj, ok := item.(*orderedObject)
			if !ok {
				a.printf("%s\n", scalarText(item))
				continue
			}
			if columns != nil {
				obj = project(obj, columns)
			}
			a.printf("%s\n", formatRecord(obj))
		}
	case *orderedObject:
		return a.printJSON(raw)
	default:
		a.printf("%s\n", scalarText(v))
	}
	return nil
}

// printJSON pretty-prints raw with a 2-space indent, preserving the server's key order.
func (a *app) printJSON(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return fmt.Errorf("the API answered with invalid JSON: %w", err)
	}
	buf.WriteByte('\n')
	_, err := a.stdout.Write(buf.Bytes())
	return err
}

// printValue prints a value built by the CLI itself (not a server body) the same way.
func (a *app) printValue(v any, asJSON bool) error {
	raw, err := marshalNoEscape(v)
	if err != nil {
		return err
	}
	return a.printResponse(raw, asJSON, nil)
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

func decodeOrderedJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tree, err := decodeOrdered(dec)
	if err != nil {
		return nil, fmt.Errorf("the API answered with invalid JSON: %w", err)
	}
	return tree, nil
}

// encodeOrderedJSON renders an ordered tree back to compact JSON without HTML escaping.
func encodeOrderedJSON(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := writeOrdered(&buf, v, marshalNoEscape); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeOrdered renders an ordered tree as compact JSON, encoding keys and scalars with
// marshal: marshalNoEscape for what is shown to a person, json.Marshal where the
// file format (config.json) has always escaped HTML characters.
func writeOrdered(buf *bytes.Buffer, v any, marshal func(any) ([]byte, error)) error {
	switch t := v.(type) {
	case *orderedObject:
		buf.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := marshal(k)
			buf.Write(kb)
			buf.WriteByte(':')
			if err := writeOrdered(buf, t.vals[k], marshal); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeOrdered(buf, e, marshal); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		b, err := marshal(t)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	return nil
}

// project keeps only columns, in that order; absent keys become null and a list of
// scalars (goalIds) is shown comma-joined.
func project(obj *orderedObject, columns []string) *orderedObject {
	out := &orderedObject{vals: map[string]any{}}
	for _, c := range columns {
		v := obj.vals[c]
		if list, ok := v.([]any); ok {
			parts := make([]string, 0, len(list))
			for _, e := range list {
				parts = append(parts, scalarText(e))
			}
			v = strings.Join(parts, ",")
		}
		out.set(c, v)
	}
	return out
}

// formatRecord is one human list line: the well-known keys first, then the other
// scalar keys in response order; nested objects and arrays are skipped.
func formatRecord(obj *orderedObject) string {
	var parts []string
	seen := map[string]bool{}
	// The keys people scan for come first on each line.
	for _, k := range [...]string{"identifier", "id", "name", "status", "priority", "title", "action"} {
		if v, ok := obj.vals[k]; ok {
			parts = append(parts, k+"="+scalarText(v))
			seen[k] = true
		}
	}
	for _, k := range obj.keys {
		if seen[k] {
			continue
		}
		switch obj.vals[k].(type) {
		case *orderedObject, []any:
			continue
		}
		parts = append(parts, k+"="+scalarText(obj.vals[k]))
	}
	return strings.Join(parts, " ")
}

// scalarText renders one value: null as "-", strings whitespace-collapsed and cut.
func scalarText(v any) string {
	switch t := v.(type) {
	case nil:
		return "-"
	case string:
		s := strings.Join(strings.Fields(t), " ")
		if utf8.RuneCountInString(s) > maxValueChars {
			r := []rune(s)
			s = string(r[:maxValueChars-3]) + "..."
		}
		return s
	case json.Number:
		return t.String()
	case bool:
		if t {
			return "true"
		}
		return "false"
	case *orderedObject, []any:
		return "[object]"
	}
	return fmt.Sprint(v)
}

// dim greys out placeholder lines on a terminal.
func (a *app) dim(s string) string { return a.paint("2", s) }
