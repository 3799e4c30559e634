package store

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// TimeLayout is the one timestamp form of the API and the database: UTC with
// milliseconds, so lexical order equals time order.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime renders t in TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime accepts any RFC 3339 value.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// NormalizeTime parses an RFC 3339 input and renders it in TimeLayout.
func NormalizeTime(s string) (string, bool) {
	t, err := ParseTime(s)
	if err != nil {
		return "", false
	}
	return FormatTime(t), true
}

// NewID returns a new UUID v7: a millisecond timestamp then random bits, and strictly
// increasing within the process (google/uuid keeps a sub-millisecond sequence). Lists
// order by (created_at, id), and created_at has millisecond resolution, so rows created
// in the same millisecond keep their creation order only because ids are time-ordered.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		panic(err) // only when crypto/rand fails, which it does not on supported platforms
	}
	return id.String()
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s is a canonical UUID.
func IsUUID(s string) bool { return uuidRe.MatchString(s) }

// RandomHex returns n random bytes hex-encoded.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// Optional is a JSON field that distinguishes absent, null and a value, which PATCH
// bodies need ("clear this" differs from "leave this").
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON marks the field present; only called when the key is in the body.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		var zero T
		o.Value = zero
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// Ptr returns nil when absent or null, else a pointer to the value.
func (o Optional[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}

// Some builds a present, non-null Optional.
func Some[T any](v T) Optional[T] { return Optional[T]{Set: true, Value: v} }

// JSONRaw is stored JSON text returned as an embedded JSON value (never as a string).
type JSONRaw = json.RawMessage

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullStr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func trimPtr(p *string) *string {
	if p == nil {
		return nil
	}
	v := strings.TrimSpace(*p)
	return &v
}

var hexColorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// IsHexColor reports whether s is #RRGGBB.
func IsHexColor(s string) bool { return hexColorRe.MatchString(s) }

// URLKey derives a url key from a name (spec README §7): lower-case, every run of
// characters outside [a-z0-9] becomes "-", trimmed of "-".
func URLKey(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = true
	}
	return strings.TrimRight(b.String(), "-")
}

func strPtr(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	v := n.String
	return &v
}
