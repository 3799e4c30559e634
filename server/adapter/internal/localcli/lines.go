package localcli

import "bytes"

// MaxLineBytes bounds one line of CLI output; a longer one (a huge tool result) is
// dropped whole rather than parsed half.
const MaxLineBytes = 8 << 20

// Lines splits a byte stream into lines and hands each complete one to a parser. Its
// zero value is ready; a stream parser embeds one and implements Write with it.
type Lines struct {
	partial  []byte
	overlong bool
}

// Write feeds every complete line of p to feed (without its newline) and keeps the
// rest for the next call. It never fails.
func (l *Lines) Write(p []byte, feed func([]byte)) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.buffer(p)
			break
		}
		l.buffer(p[:i])
		if !l.overlong {
			feed(l.partial)
		}
		l.partial, l.overlong = l.partial[:0], false
		p = p[i+1:]
	}
	return n, nil
}

func (l *Lines) buffer(p []byte) {
	if l.overlong {
		return
	}
	if len(l.partial)+len(p) > MaxLineBytes {
		l.overlong, l.partial = true, l.partial[:0]
		return
	}
	l.partial = append(l.partial, p...)
}

// Close feeds a last line that had no trailing newline.
func (l *Lines) Close(feed func([]byte)) {
	if len(l.partial) > 0 && !l.overlong {
		feed(l.partial)
	}
	l.partial, l.overlong = nil, false
}

// Truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
