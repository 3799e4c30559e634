package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"paperclip/store"
)

// Kinds of configLoadError, matching the doctor's Config file failures.
const (
	configMissing    = "missing"
	configUnparsable = "unparsable"
	configInvalid    = "invalid"
	configUpstream   = "upstream"
)

// configLoadError says why config.json cannot be used.
type configLoadError struct {
	Kind string
	Msg  string
	Hint string
}

func (e *configLoadError) Error() string { return e.Msg }

// loadedConfig is a config read from disk plus what doctor reports about it.
type loadedConfig struct {
	*Config
	Unknown []string // unknown key paths with a "did you mean" suggestion when one is close
	// MovedFrom is the instance directory the file's absolute paths pointed into when
	// they were rebased onto this one (a copied or moved instance); empty otherwise.
	MovedFrom string
}

// readConfig reads and validates inst.ConfigPath. Upstream (Node) instances are refused
// before anything else so their files are never interpreted or rewritten.
func readConfig(inst *instance) (*loadedConfig, error) {
	data, err := os.ReadFile(inst.ConfigPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &configLoadError{Kind: configMissing, Msg: fmt.Sprintf("No config found at %s", inst.ConfigPath),
			Hint: "Run: paperclip onboard"}
	}
	if err != nil {
		return nil, &configLoadError{Kind: configUnparsable, Msg: fmt.Sprintf("Could not read %s: %v", inst.ConfigPath, err)}
	}
	raw, err := decodeRaw(data)
	if err != nil {
		return nil, &configLoadError{Kind: configUnparsable, Msg: fmt.Sprintf("Could not parse %s: %s%v", inst.ConfigPath, jsonErrorPosition(data, err), err),
			Hint: "Fix the JSON, or move the file away and run: paperclip onboard"}
	}
	if mode, ok := upstreamMode(raw); ok {
		return nil, &configLoadError{Kind: configUpstream, Msg: upstreamMessage(inst.ID, mode)}
	}
	cfg := defaultConfig(inst.Root)
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, &configLoadError{Kind: configInvalid, Msg: fmt.Sprintf("Invalid config at %s: %s%s", inst.ConfigPath, jsonErrorPosition(data, err), describeJSONError(err)),
			Hint: "Fix the value, or run: paperclip configure"}
	}
	cfg.raw = raw
	movedFrom := cfg.resolvePaths(inst)
	if cfg.Server.AllowedHostnames == nil {
		cfg.Server.AllowedHostnames = []string{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, &configLoadError{Kind: configInvalid, Msg: fmt.Sprintf("Invalid config at %s: %v", inst.ConfigPath, err),
			Hint: "Fix the value, or run: paperclip configure"}
	}
	return &loadedConfig{Config: cfg, Unknown: unknownKeys(raw, configSchema(), ""), MovedFrom: movedFrom}, nil
}

func decodeRaw(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errors.New("the document must be a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return raw, nil
}

// upstreamMode recognises a config.json written by upstream Paperclip (Node), whose
// database is PostgreSQL (§2). A bare "postgres" with our own sqlite-era keys is instead
// the reserved future backend, which Validate rejects with its own message.
func upstreamMode(raw map[string]any) (string, bool) {
	db, _ := raw["database"].(map[string]any)
	mode, _ := db["mode"].(string)
	switch mode {
	case "embedded-postgres":
		return mode, true
	case "postgres":
		_, hasPath := db["path"]
		return mode, !hasPath
	}
	return "", false
}

func upstreamMessage(id, mode string) string {
	return fmt.Sprintf("Instance %q was created by upstream Paperclip (database mode %s); this build uses SQLite. Use another instance: paperclip run --instance <new-id>", id, mode)
}

// jsonErrorPosition is "line L, column C: " for a JSON error that knows its byte offset
// (syntax errors, wrong value types), so a hand-edited file points at the mistake.
// Columns count characters, not bytes.
func jsonErrorPosition(data []byte, err error) string {
	var offset int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset = int64(len(data))
	default:
		return ""
	}
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	switch {
	case se != nil && offset > 0:
		before = data[:offset-1] // the offset is just past the offending character
	case te != nil:
		before = data[:scalarStart(data[:offset])] // the offset is just past the value
	}
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d: ", line, col)
}

// scalarStart is where the scalar JSON value that ends data begins: a string's opening
// quote, or the first character of a number or literal. Anything else (an object or
// list) stays at the end.
func scalarStart(data []byte) int {
	end := len(bytes.TrimRight(data, " \t\r\n"))
	if end == 0 {
		return len(data)
	}
	if data[end-1] == '"' {
		for i := end - 2; i >= 0; i-- {
			if data[i] == '"' && (i == 0 || data[i-1] != '\\') {
				return i
			}
		}
		return len(data)
	}
	i := end
	for i > 0 && strings.IndexByte("0123456789+-.eEtrufalsn", data[i-1]) >= 0 {
		i--
	}
	if i == end {
		return len(data)
	}
	return i
}

func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%s must be a %s (got %s)", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
	}
	return err.Error()
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "bool":
		return "boolean"
	case goKind == "slice":
		return "list"
	case goKind == "struct", goKind == "ptr", goKind == "map":
		return "object"
	}
	return goKind
}

// keyTree lists the known keys of config.json; a nil subtree is a leaf.
type keyTree map[string]keyTree

func configSchema() keyTree {
	return keyTree{
		"$meta": {"version": nil, "updatedAt": nil, "source": nil},
		"llm":   {"provider": nil, "apiKey": nil},
		"database": {"mode": nil, "path": nil,
			"backup": {"enabled": nil, "intervalMinutes": nil, "retentionDays": nil, "dir": nil}},
		"logging": {"mode": nil, "level": nil, "logDir": nil, "maxSizeMB": nil, "maxFiles": nil,
			"runLogDir": nil, "runLogRetentionDays": nil, "runLogMaxBytes": nil,
			"runLogMaxTotalBytes": nil},
		"server": {"deploymentMode": nil, "exposure": nil, "bind": nil, "host": nil, "port": nil,
			"allowedHostnames": nil, "serveUi": nil},
		"auth":      {"baseUrlMode": nil, "publicBaseUrl": nil, "disableSignUp": nil},
		"storage":   {"provider": nil, "localDisk": {"baseDir": nil}},
		"secrets":   {"provider": nil, "strictMode": nil, "localEncrypted": {"keyFilePath": nil}},
		"heartbeat": {"schedulerEnabled": nil, "schedulerIntervalMs": nil, "defaultTimeoutSec": nil},
	}
}

// unknownKeys lists keys of raw that the schema does not know, depth first, each with a
// "did you mean" suggestion among its siblings when one is within edit distance 2.
func unknownKeys(raw map[string]any, schema keyTree, prefix string) []string {
	var out []string
	for _, k := range sortedKeys(raw) {
		sub, known := schema[k]
		if !known {
			entry := prefix + k
			if s := suggest(k, schema); s != "" {
				entry += fmt.Sprintf(" (did you mean %s%s?)", prefix, s)
			}
			out = append(out, entry)
			continue
		}
		if child, ok := raw[k].(map[string]any); ok && sub != nil {
			out = append(out, unknownKeys(child, sub, prefix+k+".")...)
		}
	}
	return out
}

func suggest(key string, schema keyTree) string {
	best, bestDist := "", 3
	for _, cand := range sortedKeys(schema) {
		if d := editDistance(strings.ToLower(key), strings.ToLower(cand)); d < bestDist {
			best, bestDist = cand, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeConfig writes c atomically (temp file + rename, mode 0600), copying the previous
// file to config.json.backup and keeping unknown keys read from it. Paths inside the
// instance directory are written relative to it.
func writeConfig(inst *instance, c *Config, source string, now time.Time) error {
	if err := mkdirPrivate(inst.Root); err != nil {
		return err
	}
	c.Meta.Version = 1
	c.Meta.UpdatedAt = store.FormatTime(now)
	c.Meta.Source = source
	if c.Server.AllowedHostnames == nil {
		c.Server.AllowedHostnames = []string{}
	}
	data, err := encodeConfig(c.relativePaths(inst.Root))
	if err != nil {
		return err
	}
	if prev, err := os.ReadFile(inst.ConfigPath); err == nil {
		if err := writeFileAtomic(inst.ConfigPath+".backup", prev, 0o600); err != nil {
			return fmt.Errorf("back up config: %w", err)
		}
	}
	if err := writeFileAtomic(inst.ConfigPath, data, 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// encodeConfig renders c in field order, with unknown keys from the file it was read
// from appended to the object that held them.
func encodeConfig(c *Config) ([]byte, error) {
	typed, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(typed))
	dec.UseNumber()
	tree, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	if obj, ok := tree.(*orderedObject); ok && c.raw != nil {
		mergeUnknown(obj, c.raw, configSchema())
	}
	var compact bytes.Buffer
	if err := writeOrdered(&compact, tree, json.Marshal); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// orderedObject is a JSON object that remembers key order.
type orderedObject struct {
	keys []string
	vals map[string]any
}

func (o *orderedObject) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := &orderedObject{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				obj.set(kt.(string), v)
			}
			_, err := dec.Token() // '}'
			return obj, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token() // ']'
			return list, err
		}
	}
	return tok, nil
}

func mergeUnknown(dst *orderedObject, src map[string]any, schema keyTree) {
	for _, k := range sortedKeys(src) {
		sub, known := schema[k]
		if !known {
			if _, exists := dst.vals[k]; !exists {
				dst.set(k, src[k])
			}
			continue
		}
		child, ok := src[k].(map[string]any)
		target, ok2 := dst.vals[k].(*orderedObject)
		if ok && ok2 && sub != nil {
			mergeUnknown(target, child, sub)
		}
	}
}

// writeFileAtomic replaces path with data via a temp file in the same directory, so a
// crash leaves either the old or the new content, never a torn file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after a successful rename
	if err := tmp.Chmod(mode); err != nil && !isWindows() {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
