package heartbeat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testUser = OSUser{Name: "alice", Home: "/home/alice"}

func TestCensorTextHomeFirstThenWholeWords(t *testing.T) {
	c := NewCensor(testUser)
	for _, tc := range []struct{ in, want string }{
		{"cd /home/alice/work", "cd ~/work"},
		{"/home/alice", "~"},
		{"owner alice, group alice.", "owner [user], group [user]."},
		{"alicent and malice and alice_2 stay", "alicent and malice and alice_2 stay"},
		{"/home/alicent/x is another home", "/home/alicent/x is another home"},
		{"/mnt/home/alice/x", "/mnt/home/[user]/x"},
		{"alice-laptop:~$ ls", "[user]-laptop:~$ ls"},
		{"(alice)", "([user])"},
		{"", ""},
	} {
		if got := c.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCensorSkipsShortAndGenericNamesButNotTheirHome(t *testing.T) {
	for _, u := range []OSUser{{Name: "root", Home: "/root"}, {Name: "al", Home: "/home/al"}, {Name: "node", Home: "/home/node"}} {
		c := NewCensor(u)
		in := "ls " + u.Home + "/x by " + u.Name + " at the project root"
		want := "ls ~/x by " + u.Name + " at the project root"
		if got := c.Text(in); got != want {
			t.Errorf("%v: %q, want %q", u, got, want)
		}
	}
	// A root home would turn every path into "~"; a relative one is not a home.
	for _, u := range []OSUser{{Home: "/"}, {Home: "relative/dir"}, {Home: ""}} {
		if c := NewCensor(u); c.Active() || c.Text("/etc/x") != "/etc/x" {
			t.Errorf("%v should censor nothing", u)
		}
	}
	var nilCensor *Censor
	if nilCensor.Text("alice") != "alice" || nilCensor.Active() {
		t.Error("nil censor changed text")
	}
}

func TestCensorJSONValuesAndEscapes(t *testing.T) {
	c := NewCensor(testUser)
	raw := json.RawMessage(`{"cwd":"/home/alice/work","n":12345678901234567890,"args":["alice","alicent"],"keep":null}`)
	got := string(c.JSON(raw))
	want := `{"args":["[user]","alicent"],"cwd":"~/work","keep":null,"n":12345678901234567890}`
	if got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	// In JSON text an escape before or after a name is a boundary, not a letter.
	line := `{"chunk":"\nalice\tand\u003calice\u003e and \\nalice"}`
	out := apply(line, c.spans(line, c.json, true), 0, len(line))
	if want := `{"chunk":"\n[user]\tand\u003c[user]\u003e and \\nalice"}`; out != want {
		t.Errorf("JSON text = %s, want %s", out, want)
	}
	if untouched := json.RawMessage(`{"a":"b"}`); string(c.JSON(untouched)) != `{"a":"b"}` {
		t.Error("JSON without a match was rewritten")
	}
	// A home that JSON escapes (encoding/json writes & as \u0026) is found in log lines.
	amp := NewCensor(OSUser{Name: "alice", Home: "/srv/a&b/alice"})
	dir := t.TempDir()
	l, _ := OpenRunLog(dir, "r.ndjson", 0, nil, amp, time.Now, nil)
	l.WriteLog("stdout", []byte("in /srv/a&b/alice/x\n"))
	l.Close()
	content, _, _ := ReadRunLog(dir, "r.ndjson", 0, 1<<20, amp)
	if !strings.Contains(content, `in ~/x`) || strings.Contains(content, "alice") {
		t.Errorf("escaped home in a log line: %s", content)
	}
}

func TestCensorTrimsCutEdges(t *testing.T) {
	c := NewCensor(testUser)
	if got := c.TrimCutStart("ce/x and more"); got != "/x and more" {
		t.Errorf("cut start: %q", got)
	}
	if got := c.TrimCutStart("me/alice/x"); got != "/x" {
		t.Errorf("cut start inside the home: %q", got)
	}
	if got := c.TrimCutStart("cent is a word"); got != "cent is a word" {
		t.Errorf("cut start that is no name's end: %q", got)
	}
	if got := c.TrimCutEnd("see /home/ali"); got != "see " {
		t.Errorf("cut end: %q", got)
	}
	if got := c.TrimCutEnd("by ali"); got != "by " {
		t.Errorf("cut end in a name: %q", got)
	}
	if got := c.TrimCutEnd("cali"); got != "cali" {
		t.Errorf("cut end inside a longer word: %q", got)
	}
}

// TestStreamNeverSplitsAName feeds output that splits the home and the name across
// writes: every emitted chunk censored on its own must hide them.
func TestStreamNeverSplitsAName(t *testing.T) {
	c := NewCensor(testUser)
	s := &streamRedactor{c: c}
	var out []string
	for _, w := range []string{"cd /home/ali", "ce/x; hello al", "ice", "\nbye alice", "nt\n"} {
		if t := s.write([]byte(w)); t != "" {
			out = append(out, t)
		}
	}
	out = append(out, s.flush())
	var joined strings.Builder
	for _, chunk := range out {
		got := c.Text(chunk)
		if strings.Contains(got, "ali") && !strings.Contains(got, "alicent") {
			t.Errorf("chunk %q censors to %q, still showing part of the name", chunk, got)
		}
		joined.WriteString(chunk)
	}
	if joined.String() != "cd /home/alice/x; hello alice\nbye alicent\n" {
		t.Errorf("stream lost or reordered bytes: %q", joined.String())
	}
}

// writeLog writes chunks through a RunLog as the runtime does and returns the path's
// dir and ref.
func writeLog(t *testing.T, chunks ...string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	l, err := OpenRunLog(dir, "c/a/r.ndjson", 0, nil, NewCensor(testUser), time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chunks {
		l.WriteLog("stdout", []byte(ch))
	}
	if _, _, err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, "c/a/r.ndjson"
}

// TestLogWindowsNeverLeakAName pages a log whose one long line holds the name at every
// possible window edge: each page must hide it, and the pages must join into the
// censored file with raw offsets that let paging continue.
func TestLogWindowsNeverLeakAName(t *testing.T) {
	dir, ref := writeLog(t, "x /home/alice/y alice z\n")
	raw, _ := os.ReadFile(filepath.Join(dir, ref))
	c := NewCensor(testUser)
	whole, next, err := ReadRunLog(dir, ref, 0, 1<<20, c)
	if err != nil || strings.Contains(whole, "alice") || !strings.Contains(whole, `x ~/y [user] z`) {
		t.Fatalf("whole: %q %v", whole, err)
	}
	// The content changed length: the end is still given as a raw offset.
	if next == nil || *next != int64(len(raw)) {
		t.Fatalf("nextOffset at the end = %v, want %d", next, len(raw))
	}
	if c, n, _ := ReadRunLog(dir, ref, int64(len(raw)), 100, c); c != "" || n != nil {
		t.Errorf("read at the end: %q %v", c, n)
	}
	for limit := int64(1); limit <= 24; limit++ {
		var pages []string
		offset := int64(0)
		for i := 0; i < 200; i++ {
			content, next, err := ReadRunLog(dir, ref, offset, limit, c)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(content, "ali") || strings.Contains(content, "ice") {
				t.Fatalf("limit %d offset %d: page %q shows part of the name", limit, offset, content)
			}
			pages = append(pages, content)
			if next == nil {
				break
			}
			if *next <= offset {
				t.Fatalf("limit %d: no progress at %d", limit, offset)
			}
			offset = *next
		}
		if got := strings.Join(pages, ""); got != whole {
			t.Errorf("limit %d: pages join to %q, want %q", limit, got, whole)
		}
	}
	// A client's own offset inside the name gets the replacement, not the rest of it.
	at := int64(strings.Index(string(raw), "lice/y"))
	content, _, _ := ReadRunLog(dir, ref, at, 4, c)
	if !strings.HasPrefix(content, "~") || strings.Contains(content, "ice") {
		t.Errorf("window starting inside the home: %q", content)
	}
	// Without a censor the raw bytes come back.
	if rawContent, _, _ := ReadRunLog(dir, ref, 0, 1<<20, nil); rawContent != string(raw) {
		t.Errorf("uncensored read differs from the file: %q", rawContent)
	}
}

func TestExcerptAndLiveTailsDropACutName(t *testing.T) {
	c := NewCensor(testUser)
	long := strings.Repeat("z", excerptBytes)
	// The 32 KiB tail starts inside the home path: the fragment must not survive.
	text := "/home/alice/" + long[:excerptBytes-6] + "\n"
	dir := t.TempDir()
	l, err := OpenRunLog(dir, "c/a/r.ndjson", 0, nil, c, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.WriteLog("stdout", []byte(text))
	l.Close()
	ex := l.Excerpt("stdout")
	if strings.Contains(ex, "ice") || strings.Contains(ex, "lice") || len(ex) > excerptBytes {
		t.Errorf("excerpt starts %q", ex[:min(len(ex), 12)])
	}
	if got := c.tail("/home/alice/abc", 8); got != "/abc" {
		t.Errorf("tail = %q", got)
	}
	payload := c.boundPayload(map[string]any{"prompt": strings.Repeat("y", 16<<10-4) + " /home/alice"}).(map[string]any)
	if p := payload["prompt"].(string); !strings.HasSuffix(p, " [truncated]") || strings.Contains(p, "/ho") {
		t.Errorf("bounded prompt ends %q", p[len(p)-20:])
	}
}

func TestTrimTailsOnlyCutStreamTails(t *testing.T) {
	c := NewCensor(testUser)
	full := "ce/x " + strings.Repeat("w", TailBytes-5)
	result := map[string]any{"stdout": full, "stderr": "ce/y", "summary": full}
	trimTails(result, c)
	if result["stdout"] != full[2:] {
		t.Errorf("a full-size stdout tail kept its cut name: %.8q", result["stdout"])
	}
	if result["stderr"] != "ce/y" || result["summary"] != full {
		t.Errorf("an uncut value changed: %.8q %.8q", result["stderr"], result["summary"])
	}
	trimTails(nil, c)
}
