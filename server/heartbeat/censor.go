package heartbeat

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OSUser is the account the server process runs as: the user name and home directory
// that the censorUsernameInLogs instance setting hides from run output. The cli reads
// it once at start (os/user, $HOME) and passes it down, so tests can choose their own.
type OSUser struct {
	Name string
	Home string
}

// What the censor writes in place of the home directory and the user name.
const (
	CensoredHome = "~"
	CensoredUser = "[user]"
)

// Censor replaces an OSUser's home directory with "~" and user name with "[user]" in
// run output. The home goes first, so "/home/alice/x" reads "~/x" rather than
// "/home/[user]/x"; the name is then replaced as a whole word only ("alicent" stays).
//
// Which names are replaced as bare words: one shorter than three characters, or a
// generic account name (root, admin, user, node, ...), is not — replacing "me" or "root"
// would shred ordinary text ("project root") while hiding nothing that identifies a
// person. Such an account's home directory is still replaced.
//
// The censor itself is always exact; whether it applies is the caller's decision (the
// server applies it on read, while the setting is on). The runtime also uses it, with
// the setting either way, so that stored output never splits a name across a chunk or
// a cut (see pending and the trim functions): a read-time censor can then always see
// every name whole. A nil *Censor censors nothing.
type Censor struct {
	// plain are the patterns of decoded text, homes first and longest first; json adds
	// the JSON-escaped forms that appear in NDJSON log lines (a Windows home's
	// backslashes are doubled there).
	plain, json []censorPattern
	// margin is how many bytes around a window decide a match inside it: the longest
	// pattern plus room for a boundary character and an escape sequence.
	margin int
}

type censorPattern struct {
	find, repl string
	// home patterns end at a path-name boundary; the others are whole words.
	home bool
}

// NewCensor builds the censor of u. A home that is not absolute or is a filesystem
// root, and a name that is too short or generic, are left out; a censor with nothing
// to replace is still valid and returns text unchanged.
func NewCensor(u OSUser) *Censor {
	c := &Censor{}
	if home := censorableHome(u.Home); home != "" {
		c.add(censorPattern{find: home, repl: CensoredHome, home: true})
	}
	name := strings.TrimSpace(u.Name)
	// A Windows account is DOMAIN\name; the domain is not the person.
	if i := strings.LastIndexByte(name, '\\'); i >= 0 {
		name = name[i+1:]
	}
	if utf8.RuneCountInString(name) >= 3 && !genericAccount(name) {
		c.add(censorPattern{find: name, repl: CensoredUser})
	}
	for _, p := range c.json {
		c.margin = max(c.margin, len(p.find)+16)
	}
	return c
}

func (c *Censor) add(p censorPattern) {
	c.plain = append(c.plain, p)
	c.json = append(c.json, p)
	if esc := jsonEscape(p.find); esc != p.find {
		c.json = append(c.json, censorPattern{find: esc, repl: p.repl, home: p.home})
	}
	// Homes before names, each kind longest first, so the longer form wins an overlap.
	for _, l := range [][]censorPattern{c.plain, c.json} {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].home != l[j].home {
				return l[i].home
			}
			return len(l[i].find) > len(l[j].find)
		})
	}
}

// censorableHome is home cleaned, or "" when it is not worth replacing: empty,
// relative, or a root ("/" would turn every path into "~").
func censorableHome(home string) string {
	home = strings.TrimSpace(home)
	if home == "" || !(filepath.IsAbs(home) || strings.HasPrefix(home, "/")) {
		return ""
	}
	home = filepath.Clean(home)
	if filepath.Dir(home) == home {
		return ""
	}
	return home
}

// genericAccount reports names of service and default accounts that are ordinary words
// in logs and identify nobody.
func genericAccount(name string) bool {
	switch strings.ToLower(name) {
	case "root", "admin", "administrator", "user", "users", "guest", "nobody", "daemon", "system",
		"node", "app", "ubuntu", "debian", "runner", "default", "public", "www", "www-data":
		return true
	}
	return false
}

// jsonEscape is s as it appears inside a JSON string written by encoding/json.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// Active reports whether the censor has anything to replace.
func (c *Censor) Active() bool { return c != nil && len(c.plain) > 0 }

// Text censors decoded text.
func (c *Censor) Text(s string) string {
	if !c.Active() || s == "" {
		return s
	}
	return apply(s, c.spans(s, c.plain, false), 0, len(s))
}

// Ptr censors an optional text.
func (c *Censor) Ptr(p *string) *string {
	if p == nil || !c.Active() {
		return p
	}
	v := c.Text(*p)
	return &v
}

// JSON censors the string values of a JSON document (keys are the program's own). The
// document is decoded and written again only when a pattern occurs in it at all.
func (c *Censor) JSON(raw json.RawMessage) json.RawMessage {
	if !c.Active() || !c.mayContain(raw) {
		return raw
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return raw
	}
	out, err := json.Marshal(c.Value(v))
	if err != nil {
		return raw
	}
	return out
}

// Value censors every string inside a decoded JSON value.
func (c *Censor) Value(v any) any {
	switch t := v.(type) {
	case string:
		return c.Text(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = c.Value(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = c.Value(e)
		}
		return out
	}
	return v
}

func (c *Censor) mayContain(raw []byte) bool {
	for _, p := range c.json {
		if bytes.Contains(raw, []byte(p.find)) {
			return true
		}
	}
	return false
}

// span is one replacement: s[start:end] becomes repl.
type span struct {
	start, end int
	repl       string
}

// spans finds the replacements of s, in order and never overlapping: each pattern in
// turn (homes first), skipping matches that overlap an earlier pattern's. inJSON reads
// s as JSON text, where "\n" before a name is a newline, not the letter n.
func (c *Censor) spans(s string, pats []censorPattern, inJSON bool) []span {
	var out []span
	for _, p := range pats {
		var found []span
		for i := 0; i < len(s); {
			j := strings.Index(s[i:], p.find)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(p.find)
			if c.bounded(s, start, end, p.home, inJSON) && !overlaps(out, start, end) {
				found = append(found, span{start, end, p.repl})
				i = end
				continue
			}
			_, n := utf8.DecodeRuneInString(s[start:])
			i = start + n
		}
		if len(found) > 0 {
			out = append(out, found...)
			sort.Slice(out, func(a, b int) bool { return out[a].start < out[b].start })
		}
	}
	return out
}

// overlaps reports whether [start, end) meets a span of the sorted list.
func overlaps(list []span, start, end int) bool {
	k := sort.Search(len(list), func(i int) bool { return list[i].end > start })
	return k < len(list) && list[k].start < end
}

// bounded applies the boundary rule of a match at s[start:end]: a home must not
// continue a longer path name ("/home/alicent" is not "/home/alice"), a name must be a
// whole word.
func (c *Censor) bounded(s string, start, end int, home, inJSON bool) bool {
	if inJSON && insideEscape(s, start) {
		return false
	}
	inner := isWordRune
	if home {
		inner = isPathNameRune
	}
	if r, ok := runeBefore(s, start, inJSON); ok && inner(r) {
		return false
	}
	if r, ok := runeAfter(s, end, inJSON); ok && inner(r) {
		return false
	}
	return true
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func isPathNameRune(r rune) bool { return isWordRune(r) || r == '-' || r == '.' }

// runeBefore is the character that ends just before s[i]; in JSON text an escape
// sequence counts as the character it stands for.
func runeBefore(s string, i int, inJSON bool) (rune, bool) {
	if i <= 0 {
		return 0, false
	}
	if inJSON {
		if i >= 6 && s[i-6] == '\\' && s[i-5] == 'u' && escapeStarts(s, i-6) {
			if n, err := strconv.ParseUint(s[i-4:i], 16, 32); err == nil {
				return rune(n), true
			}
		}
		if i >= 2 && s[i-2] == '\\' && escapeStarts(s, i-2) {
			return ' ', true // \n, \t, \", \\ and the like: never part of a word
		}
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r, true
}

// runeAfter is the character that starts at s[i], decoding a JSON escape there.
func runeAfter(s string, i int, inJSON bool) (rune, bool) {
	if i >= len(s) {
		return 0, false
	}
	if inJSON && s[i] == '\\' {
		if i+6 <= len(s) && s[i+1] == 'u' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				return rune(n), true
			}
		}
		return ' ', true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r, true
}

// escapeStarts reports whether the backslash at s[k] begins an escape sequence, that
// is, it is not itself the second half of an escaped backslash.
func escapeStarts(s string, k int) bool {
	n := 0
	for j := k; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// insideEscape reports whether s[i] is inside a JSON escape sequence, where no
// replacement may begin (it would leave a broken escape behind).
func insideEscape(s string, i int) bool {
	for k := i - 1; k >= 0 && k >= i-5; k-- {
		if s[k] != '\\' || !escapeStarts(s, k) {
			continue
		}
		length := 2
		if k+1 < len(s) && s[k+1] == 'u' {
			length = 6
		}
		return k+length > i
	}
	return false
}

// apply writes s[from:to] with the spans inside it replaced.
func apply(s string, spans []span, from, to int) string {
	if len(spans) == 0 {
		return s[from:to]
	}
	var b strings.Builder
	b.Grow(to - from)
	pos := from
	for _, sp := range spans {
		if sp.start < from || sp.end > to {
			continue
		}
		b.WriteString(s[pos:sp.start])
		b.WriteString(sp.repl)
		pos = sp.end
	}
	b.WriteString(s[pos:to])
	return b.String()
}

// pending is the length of the longest end of data that could be, or begin, a home or
// name that later output completes or decides: the runtime holds it back, so no
// stored chunk ends inside a name. A whole name at the very end is held too, because
// the next character decides whether it is a whole word.
func (c *Censor) pending(data string) int {
	if !c.Active() {
		return 0
	}
	keep := 0
	for _, p := range c.plain {
		for k := min(len(p.find), len(data)); k > keep; k-- {
			if strings.HasSuffix(data, p.find[:k]) {
				keep = k
				break
			}
		}
	}
	return keep
}

// TrimCutStart drops the beginning of s when s was cut from longer text (a tail) in the
// middle of a home or name: "ce/x" cut from "/home/alice/x" would otherwise show part
// of the name that no read-time censor can recognise. At most one pattern's length
// is dropped, and only when what follows is a boundary.
func (c *Censor) TrimCutStart(s string) string {
	if !c.Active() {
		return s
	}
	drop := 0
	for _, p := range c.plain {
		inner := innerRule(p.home)
		for k := len(p.find) - 1; k > drop; k-- {
			if strings.HasPrefix(s, p.find[len(p.find)-k:]) {
				if r, ok := runeAfter(s, k, false); !ok || !inner(r) {
					drop = k
					break
				}
			}
		}
	}
	return s[drop:]
}

// TrimCutEnd is TrimCutStart for text cut from its end (a head): it drops an end that
// is the beginning of a home or name.
func (c *Censor) TrimCutEnd(s string) string {
	if !c.Active() {
		return s
	}
	drop := 0
	for _, p := range c.plain {
		inner := innerRule(p.home)
		for k := len(p.find) - 1; k > drop; k-- {
			if strings.HasSuffix(s, p.find[:k]) {
				if r, ok := runeBefore(s, len(s)-k, false); !ok || !inner(r) {
					drop = k
					break
				}
			}
		}
	}
	return s[:len(s)-drop]
}

func innerRule(home bool) func(rune) bool {
	if home {
		return isPathNameRune
	}
	return isWordRune
}

// tail keeps the last n bytes of s like tailUTF8, without leaving part of a name at
// the cut.
func (c *Censor) tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return c.TrimCutStart(tailUTF8(s, n))
}
