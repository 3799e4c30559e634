package heartbeat

import (
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// TailBytes is how much of each stream an adapter's resultJson keeps.
const TailBytes = 32 << 10

// Tail keeps the last TailBytes written to it; adapters tee a stream into one.
type Tail struct {
	mu  sync.Mutex
	buf []byte
}

// Write keeps p's bytes, dropping the oldest beyond twice the bound.
func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*TailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-TailBytes:]...)
	}
	return len(p), nil
}

// String is the kept tail, starting on a character boundary.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > TailBytes {
		b = b[len(b)-TailBytes:]
	}
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return string(b)
}

// Tee writes a stream to its log and to extra writers (a parser, a Tail).
func Tee(l LogWriter, stream string, extra ...io.Writer) io.Writer {
	return io.MultiWriter(append(extra, StreamWriter(l, stream))...)
}

// EnvValue is the value of key in a KEY=value environment, or "".
func EnvValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// ExitCodeOf is a process result's exit code for output classification: a child
// ended by a signal counts as -1.
func ExitCodeOf(res ProcResult) int {
	if res.ExitCode == nil {
		return -1
	}
	return *res.ExitCode
}
