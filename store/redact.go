package store

import (
	"bytes"
	"encoding/json"
	"regexp"
	"unicode/utf8"
)

// Redacted replaces every sensitive value in logs, activity and config reads.
const Redacted = "***REDACTED***"

var (
	sensitiveKeyRe = regexp.MustCompile(`(?i)(api[-_]?key|access[-_]?token|auth(?:_?token)?|authorization|bearer|secret|passwd|password|credential|jwt|private[-_]?key|cookie|connectionstring)`)
	jwtShapeRe     = regexp.MustCompile(`^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$`)
)

// sensitiveKeyParts are the words sensitiveKeyRe finds, each spelling written out
// ("auth" covers auth_token, authtoken and authorization), in lower case.
var sensitiveKeyParts = [][]byte{[]byte("apikey"), []byte("api-key"), []byte("api_key"), []byte("accesstoken"),
	[]byte("access-token"), []byte("access_token"), []byte("auth"), []byte("bearer"), []byte("secret"), []byte("passwd"),
	[]byte("password"), []byte("credential"), []byte("jwt"), []byte("privatekey"), []byte("private-key"),
	[]byte("private_key"), []byte("cookie"), []byte("connectionstring")}

// IsSensitiveKey reports whether a JSON key names a secret: whether sensitiveKeyRe
// matches it. Every activity row's details pass each key through here, and the regexp
// was 2.5 % of an issue create, so an ASCII key of up to 64 bytes is lower-cased on the
// stack and searched for the words instead; in ASCII that is the same test, as (?i)
// folds letters only to their ASCII case partners there. Other keys (a Kelvin sign
// folds to k, a long s to s) still go through the regexp.
func IsSensitiveKey(k string) bool {
	var buf [64]byte
	if len(k) > len(buf) {
		return sensitiveKeyRe.MatchString(k)
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= utf8.RuneSelf {
			return sensitiveKeyRe.MatchString(k)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	lower := buf[:len(k)]
	for _, part := range sensitiveKeyParts {
		if bytes.Contains(lower, part) {
			return true
		}
	}
	return false
}

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
