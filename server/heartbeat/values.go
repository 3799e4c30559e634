package heartbeat

import (
	"encoding/json"
)

// withResolvedEnv is the adapter config with its env bindings replaced by values.
func withResolvedEnv(cfg map[string]any, env map[string]string) map[string]any {
	out := make(map[string]any, len(cfg))
	for k, v := range cfg {
		out[k] = v
	}
	m := make(map[string]any, len(env))
	for k, v := range env {
		m[k] = v
	}
	out["env"] = m
	return out
}

// isSecretBinding reports whether an env key of the agent config is a secret_ref.
func isSecretBinding(cfg map[string]any, key string) bool {
	env, _ := cfg["env"].(map[string]any)
	b, _ := env[key].(map[string]any)
	return b != nil && b["type"] == "secret_ref"
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func stringsOf(v any) []string {
	var out []string
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func firstStr(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return ""
}
