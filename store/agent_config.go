package store

import (
	"database/sql"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// RedactAdapterConfig returns the read form of an adapterConfig (secrets.md §5): env
// secret_ref bindings as stored, plain bindings under a sensitive key (or holding a JWT) as
// {"type":"plain","value":"***REDACTED***"}; elsewhere the shared key/JWT redaction.
func RedactAdapterConfig(cfg map[string]any) map[string]any {
	rest := make(map[string]any, len(cfg))
	var env map[string]any
	for k, v := range cfg {
		if m, ok := v.(map[string]any); ok && k == "env" {
			env = m
			continue
		}
		rest[k] = v
	}
	out := redactMap(rest)
	if env != nil {
		out["env"] = redactEnv(env)
	}
	return out
}

func redactEnv(env map[string]any) map[string]any {
	out := make(map[string]any, len(env))
	for k, v := range env {
		if isSecretRef(v) {
			out[k] = v
			continue
		}
		value, isPlain := plainValue(v)
		if isPlain && (IsSensitiveKey(k) || jwtShapeRe.MatchString(value)) {
			out[k] = map[string]any{"type": "plain", "value": Redacted}
			continue
		}
		out[k] = Redact(v)
	}
	return out
}

// plainValue reads a legacy string or {type:"plain", value} binding.
func plainValue(v any) (string, bool) {
	switch b := v.(type) {
	case string:
		return b, true
	case map[string]any:
		if b["type"] == "plain" {
			s, ok := b["value"].(string)
			return s, ok
		}
	}
	return "", false
}

// redactMap applies the key/JWT rule to an object; nil gives {}.
func redactMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	out, _ := Redact(m).(map[string]any)
	return out
}

// containsRedacted reports whether the placeholder appears anywhere in v.
func containsRedacted(v any) bool {
	switch t := v.(type) {
	case string:
		return t == Redacted
	case map[string]any:
		for _, x := range t {
			if containsRedacted(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if containsRedacted(x) {
				return true
			}
		}
	}
	return false
}

func redactedPlaceholder(key string) error {
	return Errorf(EUNPROCESSABLE, "Refusing to persist redacted placeholder for key: %s", key)
}

// restoreRedacted replaces placeholders in a new config value with the stored value at
// the same place, so a redacted read can be sent back unchanged; a placeholder with
// nothing stored behind it is refused.
func restoreRedacted(key string, next, stored any) (any, error) {
	switch t := next.(type) {
	case string:
		if t != Redacted {
			return t, nil
		}
		if stored == nil {
			return nil, redactedPlaceholder(key)
		}
		return stored, nil
	case map[string]any:
		old, _ := stored.(map[string]any)
		out := make(map[string]any, len(t))
		for k, v := range t {
			r, err := restoreRedacted(k, v, old[k])
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		old, _ := stored.([]any)
		out := make([]any, len(t))
		for i, v := range t {
			var prev any
			if i < len(old) {
				prev = old[i]
			}
			r, err := restoreRedacted(key, v, prev)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return next, nil
}

// restoreObject applies restoreRedacted to an object field (runtimeConfig, metadata);
// nil stays nil.
func restoreObject(field string, next, stored map[string]any) (map[string]any, error) {
	if next == nil {
		return nil, nil
	}
	v, err := restoreRedacted(field, next, stored)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// prepareAdapterConfig turns a requested adapterConfig into the form that is stored:
// placeholders restored from the stored config, env bindings normalised and checked
// (secrets.md §4.2), adapter-specific checks applied.
func (tx *Tx) prepareAdapterConfig(companyID, adapterType string, cfg, stored map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(cfg))
	keys := sortedKeys(cfg)
	for _, k := range keys {
		if k == "env" {
			continue
		}
		v, err := restoreRedacted(k, cfg[k], stored[k])
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	if env, ok := cfg["env"]; ok && env != nil {
		storedEnv, _ := stored["env"].(map[string]any)
		norm, err := tx.normalizeEnv(companyID, env, storedEnv)
		if err != nil {
			return nil, err
		}
		out["env"] = norm
	}
	if err := checkAdapterConfig(adapterType, out); err != nil {
		return nil, err
	}
	return out, nil
}

// normalizeEnv stores every binding in its object form and checks names and secret refs.
func (tx *Tx) normalizeEnv(companyID string, env any, stored map[string]any) (map[string]any, error) {
	m, ok := env.(map[string]any)
	if !ok {
		return nil, Errorf(EUNPROCESSABLE, "adapterConfig.env must be an object")
	}
	out := make(map[string]any, len(m))
	for _, k := range sortedKeys(m) {
		v := m[k]
		if !envKeyRe.MatchString(k) {
			return nil, Errorf(EUNPROCESSABLE, "Invalid environment variable name: %s", k)
		}
		if strings.HasPrefix(k, "PAPERCLIP_") {
			return nil, Errorf(EUNPROCESSABLE, "Reserved environment variable: %s", k)
		}
		if value, isPlain := plainValue(v); isPlain {
			if value == Redacted {
				prev, had := stored[k]
				if !had {
					return nil, redactedPlaceholder(k)
				}
				out[k] = prev
				continue
			}
			out[k] = map[string]any{"type": "plain", "value": value}
			continue
		}
		b, isMap := v.(map[string]any)
		if !isMap || b["type"] != "secret_ref" {
			return nil, Errorf(EUNPROCESSABLE, "Invalid environment binding for key: %s", k)
		}
		ref, err := tx.checkSecretRef(companyID, k, b)
		if err != nil {
			return nil, err
		}
		out[k] = ref
	}
	return out, nil
}

func (tx *Tx) checkSecretRef(companyID, key string, b map[string]any) (map[string]any, error) {
	id, _ := b["secretId"].(string)
	if !IsUUID(id) {
		return nil, Errorf(EUNPROCESSABLE, "Invalid environment binding for key: %s", key)
	}
	var secretCompany, status string
	var latest int64
	err := tx.QueryRowContext(tx.ctx, `SELECT company_id, status, latest_version FROM company_secrets WHERE id = ? AND deleted_at IS NULL`, id).
		Scan(&secretCompany, &status, &latest)
	if err == sql.ErrNoRows {
		return nil, NotFound("Secret")
	}
	if err != nil {
		return nil, err
	}
	if secretCompany != companyID {
		return nil, Errorf(EUNPROCESSABLE, "Secret must belong to same company")
	}
	ref := map[string]any{"type": "secret_ref", "secretId": id, "version": "latest"}
	switch v := b["version"].(type) {
	case nil:
	case string:
		if v != "latest" {
			return nil, Errorf(EUNPROCESSABLE, "Invalid environment binding for key: %s", key)
		}
	default:
		n, ok := numberOf(v)
		if !ok || n < 1 || n != float64(int64(n)) {
			return nil, Errorf(EUNPROCESSABLE, "Invalid environment binding for key: %s", key)
		}
		if int64(n) > latest {
			return nil, Errorf(EUNPROCESSABLE, "Secret version not found")
		}
		ref["version"] = int64(n)
	}
	return ref, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// snapshotFields are the agent fields a config revision records (data-model agent_config_revisions).
var snapshotFields = []string{"name", "role", "title", "icon", "reportsTo", "capabilities", "adapterType",
	"adapterConfig", "runtimeConfig", "budgetMonthlyCents", "metadata"}

// snapshot is the unredacted configuration snapshot of an agent, as decoded JSON.
func (a Agent) snapshot() map[string]any {
	m := map[string]any{
		"name": a.Name, "role": a.Role, "title": a.Title, "icon": a.Icon, "reportsTo": a.ReportsTo,
		"capabilities": a.Capabilities, "adapterType": a.AdapterType, "adapterConfig": a.AdapterConfig,
		"runtimeConfig": a.RuntimeConfig, "budgetMonthlyCents": a.BudgetMonthlyCents, "metadata": a.Metadata,
	}
	return normalizeJSON(m).(map[string]any)
}

// redactSnapshot applies the read redaction to a snapshot before it is stored.
func redactSnapshot(snap map[string]any) map[string]any {
	out := make(map[string]any, len(snap))
	for k, v := range snap {
		switch k {
		case "adapterConfig":
			m, _ := v.(map[string]any)
			out[k] = RedactAdapterConfig(m)
		case "runtimeConfig", "metadata":
			if m, ok := v.(map[string]any); ok {
				out[k] = redactMap(m)
			} else {
				out[k] = v
			}
		default:
			out[k] = v
		}
	}
	return normalizeJSON(out).(map[string]any)
}

// normalizeJSON round-trips v through JSON so values compare by their JSON form.
func normalizeJSON(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return v
	}
	return out
}

// changedKeys lists the snapshot fields that differ, in snapshot order.
func changedKeys(before, after map[string]any) []string {
	out := []string{}
	for _, k := range snapshotFields {
		if !reflect.DeepEqual(before[k], after[k]) {
			out = append(out, k)
		}
	}
	return out
}

// changedMapKeys lists the top-level keys whose values differ between two objects.
func changedMapKeys(before, after map[string]any) []string {
	b, _ := normalizeJSON(before).(map[string]any)
	a, _ := normalizeJSON(after).(map[string]any)
	seen := map[string]bool{}
	out := []string{}
	for _, m := range []map[string]any{b, a} {
		for k := range m {
			if seen[k] {
				continue
			}
			seen[k] = true
			if !reflect.DeepEqual(b[k], a[k]) {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func jsonText(v any) (string, error) {
	raw, err := json.Marshal(v)
	return string(raw), err
}

func decodeObject(s string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		return map[string]any{}
	}
	return m
}
