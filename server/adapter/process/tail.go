package process

import (
	"io"
	"sync"
	"unicode/utf8"
)

// tailBytes is how much of each stream resultJson keeps (runtime.md §18).
const tailBytes = 32 << 10

// tail keeps the last tailBytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*tailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

// String is the kept tail, starting on a character boundary.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > tailBytes {
		b = b[len(b)-tailBytes:]
	}
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return string(b)
}

// tee writes to every writer, ignoring the tail's (it never fails).
func tee(t *tail, w io.Writer) io.Writer { return io.MultiWriter(t, w) }
