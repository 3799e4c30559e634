package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Request bodies built from flags (cli.md §7): JSON flags are checked before anything is
// sent, "null" on update flags sends JSON null, CSV flags are split and trimmed.

// parseJSONFlag validates a JSON flag value and returns it unchanged for sending.
func parseJSONFlag(flag, value string) (json.RawMessage, error) {
	dec := json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &cliError{msg: fmt.Sprintf("Invalid JSON in --%s: %s", flag, jsonParseMessage(err))}
	}
	if dec.More() {
		return nil, &cliError{msg: fmt.Sprintf("Invalid JSON in --%s: unexpected data after the JSON value", flag)}
	}
	return json.RawMessage(bytes.TrimSpace([]byte(value))), nil
}

// parseJSONObjectFlag is parseJSONFlag for flags documented as a JSON object.
func parseJSONObjectFlag(flag, value string) (json.RawMessage, error) {
	raw, err := parseJSONFlag(flag, value)
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, &cliError{msg: fmt.Sprintf("Invalid JSON in --%s: expected a JSON object", flag)}
	}
	return raw, nil
}

func jsonParseMessage(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	if err.Error() == "EOF" {
		return "empty value"
	}
	return err.Error()
}

// body collects the fields a command sends, in flag order, only for flags the user gave.
type body struct {
	cmd *cobra.Command
	m   map[string]any
	err error
}

func newBody(cmd *cobra.Command) *body { return &body{cmd: cmd, m: map[string]any{}} }

func (b *body) given(flag string) bool { return b.cmd.Flags().Changed(flag) }

// str sets key to the flag's value when the flag was given.
func (b *body) str(flag, key, value string) *body {
	if b.given(flag) {
		b.m[key] = value
	}
	return b
}

// nullable is str where the literal "null" sends JSON null.
func (b *body) nullable(flag, key, value string) *body {
	if b.given(flag) {
		if isNullLiteral(value) {
			b.m[key] = nil
		} else {
			b.m[key] = value
		}
	}
	return b
}

// integer parses the flag as a whole number.
func (b *body) integer(flag, key, value string) *body {
	if !b.given(flag) || b.err != nil {
		return b
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil {
		b.err = &cliError{msg: fmt.Sprintf("Invalid --%s %q: expected a whole number", flag, value)}
		return b
	}
	b.m[key] = n
	return b
}

// csv splits the flag on commas.
func (b *body) csv(flag, key, value string) *body {
	if b.given(flag) {
		b.m[key] = splitCSVList(value)
	}
	return b
}

// json sends the flag's JSON value (or null for the literal "null" when nullable).
func (b *body) json(flag, key, value string, nullable bool) *body {
	if !b.given(flag) || b.err != nil {
		return b
	}
	if nullable && isNullLiteral(value) {
		b.m[key] = nil
		return b
	}
	raw, err := parseJSONFlag(flag, value)
	if err != nil {
		b.err = err
		return b
	}
	b.m[key] = raw
	return b
}

func (b *body) build() (map[string]any, error) { return b.m, b.err }

func isNullLiteral(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "null") }

// splitCSVList is splitCSV that never returns nil, so "--goal-ids ”" sends [].
func splitCSVList(v string) []string {
	out := splitCSV(v)
	if out == nil {
		return []string{}
	}
	return out
}

// checkOneOf validates an enumerated flag before any request is made.
func checkOneOf(flag, value string, allowed ...string) error {
	if oneOf(value, allowed...) {
		return nil
	}
	return &cliError{msg: fmt.Sprintf("Invalid --%s %q: expected one of %s", flag, value, strings.Join(allowed, ", "))}
}

// exactArgs is cobra.ExactArgs with the argument names in the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == len(names) {
			return nil
		}
		if len(args) > len(names) {
			return fmt.Errorf("accepts %d arg(s), received %d: unexpected %q", len(names), len(args), args[len(names)])
		}
		return fmt.Errorf("requires argument <%s>", names[len(args)])
	}
}
