package store

import (
	"encoding/json"
	"regexp"
)

// Redacted replaces every sensitive value in logs, activity and config reads.
const Redacted = "***REDACTED***"

var (
	sensitiveKeyRe = regexp.MustCompile(`(?i)(api[-_]?key|access[-_]?token|auth(?:_?token)?|authorization|bearer|secret|passwd|password|credential|jwt|private[-_]?key|cookie|connectionstring)`)
	jwtShapeRe     = regexp.MustCompile(`^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$`)
)

// IsSensitiveKey reports whether a JSON key names a secret.
func IsSensitiveKey(k string) bool { return sensitiveKeyRe.MatchString(k) }

// isSecretRef reports whether v is a secret reference binding, which is safe to keep:
// it names a stored secret without carrying its value.
func isSecretRef(v any) bool {
	m, ok := v.(map[string]any)
	return ok && m["type"] == "secret_ref"
}

// Redact returns a copy of a decoded JSON value with sensitive values replaced.
func Redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if IsSensitiveKey(k) && !isSecretRef(val) && val != nil {
				out[k] = Redacted
				continue
			}
			out[k] = Redact(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = Redact(val)
		}
		return out
	case string:
		if jwtShapeRe.MatchString(t) {
			return Redacted
		}
		return t
	default:
		return v
	}
}

// RedactJSON marshals v after redaction. A nil v gives nil.
func RedactJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return nil, err
	}
	if decoded == nil {
		return nil, nil
	}
	return json.Marshal(Redact(decoded))
}
