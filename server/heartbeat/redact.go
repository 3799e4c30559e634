package heartbeat

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"paperclip/store"
)

// sensitiveEnvRe names env and header keys whose values are never shown (§12.3).
var sensitiveEnvRe = regexp.MustCompile(`(?i)(key|token|secret|password|passwd|authorization|cookie)`)

// RedactEnv returns KEY=value pairs as a map with sensitive values replaced.
func RedactEnv(env []string) map[string]string {
	out := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if sensitiveEnvRe.MatchString(k) {
			v = store.Redacted
		}
		out[k] = v
	}
	return out
}

// RedactHeaders is RedactEnv for HTTP headers.
func RedactHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if sensitiveEnvRe.MatchString(k) {
			v = store.Redacted
		}
		out[k] = v
	}
	return out
}

// Redactor replaces literal secret values (the run JWT, resolved secrets, the JWT
// signing secret) in text. Longer values are replaced first so one secret containing
// another is hidden whole.
type Redactor struct {
	values []string
	maxLen int
}

// NewRedactor builds a redactor for values; empty and very short values are ignored
// (a two-letter "secret" would shred every log line).
func NewRedactor(values ...string) *Redactor {
	r := &Redactor{}
	seen := map[string]bool{}
	for _, v := range values {
		if len(v) >= 6 && !seen[v] {
			seen[v] = true
			r.values = append(r.values, v)
			r.maxLen = max(r.maxLen, len(v))
		}
	}
	sort.Slice(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
	return r
}

// String redacts a whole text.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, store.Redacted)
	}
	return s
}

// Value redacts every string inside a decoded JSON value.
func (r *Redactor) Value(v any) any {
	switch t := v.(type) {
	case string:
		return r.String(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[k] = r.Value(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = r.Value(val)
		}
		return out
	case []string:
		out := make([]string, len(t))
		for i, val := range t {
			out[i] = r.String(val)
		}
		return out
	case map[string]string:
		out := make(map[string]string, len(t))
		for k, val := range t {
			out[k] = r.String(val)
		}
		return out
	}
	return v
}

// streamRedactor redacts a stream delivered in chunks: it holds back the end of each
// chunk that could be the start of a secret completed by the next chunk — only that
// end, so a short line with no secret's beginning in it is shown at once rather than
// waiting for a run JWT's length of further output. With a censor it also holds back
// an end that could be the server's user name or home, so no chunk splits one.
type streamRedactor struct {
	r    *Redactor
	c    *Censor
	held string
}

// write returns the text that is safe to emit now.
func (s *streamRedactor) write(chunk []byte) string {
	data := s.r.String(s.held + string(chunk))
	cut := len(data) - max(s.r.pendingPrefix(data), s.c.pending(data))
	for cut > 0 && cut < len(data) && !utf8.RuneStart(data[cut]) {
		cut--
	}
	s.held = data[cut:]
	return data[:cut]
}

// pendingPrefix is the length of the longest end of data that is a proper beginning of
// a secret value: the part a later chunk could complete into a secret.
func (r *Redactor) pendingPrefix(data string) int {
	if r == nil {
		return 0
	}
	keep := 0
	for _, v := range r.values {
		for k := min(len(v)-1, len(data)); k > keep; k-- {
			if strings.HasSuffix(data, v[:k]) {
				keep = k
				break
			}
		}
	}
	return keep
}

// flush returns whatever is held back.
func (s *streamRedactor) flush() string {
	out := s.held
	s.held = ""
	return out
}

// BoundPayload limits an event payload (§12.1): strings to 16 KiB, arrays to 50 items,
// objects to 100 keys, depth to 6; what is cut is replaced by "[truncated]".
func BoundPayload(v any) any { return bound(v, 0, nil) }

// boundPayload is BoundPayload whose string cuts leave no part of the server's user
// name or home at the cut.
func (c *Censor) boundPayload(v any) any { return bound(v, 0, c) }

func bound(v any, depth int, c *Censor) any {
	const truncated = "[truncated]"
	if depth > 6 {
		return truncated
	}
	switch t := v.(type) {
	case string:
		if len(t) > 16<<10 {
			return c.TrimCutEnd(cutUTF8(t, 16<<10)) + truncated
		}
		return t
	case []string:
		l := make([]any, len(t))
		for i, s := range t {
			l[i] = s
		}
		return bound(l, depth, c)
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, s := range t {
			m[k] = s
		}
		return bound(m, depth, c)
	case []any:
		n := min(len(t), 50)
		out := make([]any, 0, n+1)
		for _, e := range t[:n] {
			out = append(out, bound(e, depth+1, c))
		}
		if len(t) > n {
			out = append(out, truncated)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := map[string]any{}
		for i, k := range keys {
			if i == 100 {
				out["[truncated]"] = true
				break
			}
			out[k] = bound(t[k], depth+1, c)
		}
		return out
	}
	return v
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tailUTF8 keeps the last n bytes of s without splitting a character.
func tailUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}
