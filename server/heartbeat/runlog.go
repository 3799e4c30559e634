package heartbeat

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"paperclip/store"
)

// Run-log limits (runtime.md §12.2).
const (
	DefaultRunLogMaxBytes = 50 << 20
	excerptBytes          = 32 << 10
	liveChunkBytes        = 8 << 10
	// LogStoreLocal is the logStore of NDJSON files under the run-log dir.
	LogStoreLocal = "local_file"
)

var unsafeSegmentRe = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// RunLogRef is the path of a run's log relative to the run-log dir, with segments
// sanitised so no id can climb out of it.
func RunLogRef(companyID, agentID, runID string) string {
	seg := func(s string) string {
		s = unsafeSegmentRe.ReplaceAllString(s, "_")
		if s == "" || s == "." || s == ".." {
			s = "_"
		}
		return s
	}
	return seg(companyID) + "/" + seg(agentID) + "/" + seg(runID) + ".ndjson"
}

// logLine is one NDJSON line of a run log.
type logLine struct {
	TS     string `json:"ts"`
	Stream string `json:"stream"`
	Chunk  string `json:"chunk"`
}

// RunLog writes one run's output as NDJSON, redacting secrets, keeping excerpts of
// stdout and stderr, and stopping at a byte cap (chunks beyond it are still passed to
// onChunk, only not written). It is a LogWriter; safe for concurrent streams.
type RunLog struct {
	mu        sync.Mutex
	f         *os.File
	ref       string
	max       int64
	written   int64
	truncated bool
	sum       hash.Hash
	streams   map[string]*streamRedactor
	red       *Redactor
	cen       *Censor
	excerpts  map[string]*bytes.Buffer
	now       func() time.Time
	// onChunk receives every redacted chunk (live events, lastOutputAt).
	onChunk func(stream, ts, chunk string)
}

// OpenRunLog creates the log file of a run under dir. cen, when set, only decides
// where chunks and excerpts are cut (never inside the server's user name or home, so
// a censor applied on read sees each whole); the bytes written stay raw.
func OpenRunLog(dir, ref string, maxBytes int64, red *Redactor, cen *Censor, now func() time.Time, onChunk func(stream, ts, chunk string)) (*RunLog, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultRunLogMaxBytes
	}
	path := filepath.Join(dir, filepath.FromSlash(ref))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	return &RunLog{f: f, ref: ref, max: maxBytes, sum: sha256.New(), red: red, cen: cen, now: now, onChunk: onChunk,
		streams: map[string]*streamRedactor{}, excerpts: map[string]*bytes.Buffer{}}, nil
}

// Ref is the log's path relative to the run-log dir.
func (l *RunLog) Ref() string { return l.ref }

// WriteLog records one chunk of a stream ("stdout", "stderr" or "system").
func (l *RunLog) WriteLog(stream string, chunk []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	sr := l.streams[stream]
	if sr == nil {
		sr = &streamRedactor{r: l.red, c: l.cen}
		l.streams[stream] = sr
	}
	text := sr.write(chunk)
	if stream == "system" {
		text += sr.flush()
	}
	return l.emit(stream, text)
}

// System writes a runtime note as a system line.
func (l *RunLog) System(format string, args ...any) {
	l.WriteLog("system", []byte(fmt.Sprintf(format, args...)+"\n"))
}

func (l *RunLog) emit(stream, text string) error {
	if text == "" || l.f == nil {
		return nil
	}
	ts := store.FormatTime(l.now())
	if stream != "system" {
		b := l.excerpts[stream]
		if b == nil {
			b = &bytes.Buffer{}
			l.excerpts[stream] = b
		}
		b.WriteString(text)
		if b.Len() > 2*excerptBytes {
			keep := l.cen.tail(b.String(), excerptBytes)
			b.Reset()
			b.WriteString(keep)
		}
	}
	if l.onChunk != nil {
		l.onChunk(stream, ts, text)
	}
	if l.truncated {
		return nil
	}
	line, err := json.Marshal(logLine{TS: ts, Stream: stream, Chunk: text})
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if l.written+int64(len(line)) > l.max {
		l.truncated = true
		note, _ := json.Marshal(logLine{TS: ts, Stream: "system",
			Chunk: fmt.Sprintf("[paperclip] run log truncated at %d MiB\n", l.max>>20)})
		note = append(note, '\n')
		return l.write(note)
	}
	return l.write(line)
}

func (l *RunLog) write(b []byte) error {
	n, err := l.f.Write(b)
	l.written += int64(n)
	l.sum.Write(b[:n])
	return err
}

// Excerpt is the last 32 KiB of a stream (UTF-8 safe).
func (l *RunLog) Excerpt(stream string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.excerpts[stream]; b != nil {
		return l.cen.tail(b.String(), excerptBytes)
	}
	return ""
}

// Bytes is the size written so far.
func (l *RunLog) Bytes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.written
}

// Close flushes held-back text and closes the file, returning its size and sha256.
func (l *RunLog) Close() (int64, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return l.written, hex.EncodeToString(l.sum.Sum(nil)), nil
	}
	for _, stream := range []string{"stdout", "stderr", "system"} {
		if sr := l.streams[stream]; sr != nil {
			l.emit(stream, sr.flush())
		}
	}
	err := l.f.Close()
	l.f = nil
	return l.written, hex.EncodeToString(l.sum.Sum(nil)), err
}

// LogChunk is the body of GET /api/heartbeat-runs/{runId}/log.
type LogChunk struct {
	RunID      string `json:"runId"`
	Store      string `json:"store"`
	LogRef     string `json:"logRef"`
	Content    string `json:"content"`
	NextOffset *int64 `json:"nextOffset"`
}

// ErrLogNotFound is a run without a readable log file.
var ErrLogNotFound = errors.New("run log not found")

// ReadRunLog reads the byte window [offset, offset+limit) of a run log, cut back to
// the last newline in the window when the window holds a whole line, so clients only
// ever see whole NDJSON lines (runtime.md §12.2). A non-nil censor replaces the
// server's user name and home in the content (see censorWindow for the offsets).
func ReadRunLog(dir, ref string, offset, limit int64, c *Censor) (content string, next *int64, err error) {
	if ref == "" || strings.Contains(ref, "..") {
		return "", nil, ErrLogNotFound
	}
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(ref)))
	if err != nil {
		return "", nil, ErrLogNotFound
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", nil, err
	}
	size := info.Size()
	if offset >= size {
		return "", nil, nil
	}
	buf := make([]byte, min(limit, size-offset))
	n, err := f.ReadAt(buf, offset)
	if err != nil && err != io.EOF {
		return "", nil, err
	}
	buf = buf[:n]
	end := offset + int64(n)
	if end < size {
		if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
			buf = buf[:i+1]
		}
		end = offset + int64(len(buf))
	}
	if c.Active() {
		return censorWindow(f, size, offset, buf, c)
	}
	if end < size {
		return string(buf), &end, nil
	}
	return string(buf), nil, nil
}

// censorWindow censors the window buf read at offset of a log file of the given size.
//
// Offsets stay those of the raw file, so paging with nextOffset works whatever the
// replacements did to lengths. A window edge never splits a name: the bytes around
// the window are read too, so a match is judged whole; a match that starts inside
// the window and runs past its end is taken whole (the window grows by less than a
// name's length, and nextOffset points after it), and one that began before offset
// is shown as its replacement. Only a window inside one long line can cut a name —
// otherwise windows end on a newline, and the runtime never splits a name across
// lines. When a replacement changed the content, nextOffset is given even at the end
// of the file (it is then the file size, where the next read answers nextOffset
// null): a client cannot derive the raw offset from censored content.
func censorWindow(f *os.File, size, offset int64, buf []byte, c *Censor) (string, *int64, error) {
	margin := int64(c.margin)
	before := min(offset, margin)
	end := offset + int64(len(buf))
	after := min(size-end, margin)
	ext := make([]byte, before+int64(len(buf))+after)
	if _, err := f.ReadAt(ext[:before], offset-before); err != nil && err != io.EOF {
		return "", nil, err
	}
	copy(ext[before:], buf)
	if _, err := f.ReadAt(ext[before+int64(len(buf)):], end); err != nil && err != io.EOF {
		return "", nil, err
	}
	text := string(ext)
	from, to := int(before), int(before)+len(buf)
	var b strings.Builder
	pos, changed := from, false
	for _, sp := range c.spans(text, c.json, true) {
		if sp.end <= from || sp.start >= to {
			continue
		}
		if sp.start > pos {
			b.WriteString(text[pos:sp.start])
		}
		b.WriteString(sp.repl)
		pos, changed = sp.end, true
		to = max(to, sp.end)
	}
	b.WriteString(text[pos:to])
	next := end + int64(to-from-len(buf))
	if next < size || changed {
		return b.String(), &next, nil
	}
	return b.String(), nil, nil
}
