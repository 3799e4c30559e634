package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// Request body read deadlines. The http.Server cuts headers at ReadHeaderTimeout but
// has no per-request limit on bodies (ReadTimeout would also cut long uploads), so a
// client sending one byte every two seconds could hold a connection and a goroutine
// for as long as it liked. Every request body is therefore read under a deadline that
// moves as bytes arrive:
//
//   - idle: no read may wait longer than BodyIdleTimeout for its next bytes;
//   - rate: the whole body must arrive within BodyGrace plus one second per
//     BodyMinRate bytes read so far, so long uploads are fine at a minimum average
//     speed while a trickler is cut off once its grace is spent.
//
// When the deadline passes the read fails, the handler answers 408 and the
// connection is closed. Requests without a body (GET, WebSocket upgrades) are not
// touched. A route that streams its body on purpose (a future log-ingest or
// bidirectional stream) opts out by calling streamBody(r) before its first read; a
// hijacked connection is the handler's own business after that.

// Defaults of the body deadline, used when the Config leaves them zero.
const (
	defaultBodyIdleTimeout = 10 * time.Second
	defaultBodyGrace       = 10 * time.Second
	defaultBodyMinRate     = 16 << 10 // bytes per second: 10 MiB in under 11 minutes
)

// errBodyTimeout is returned by body reads whose deadline passed; writeError answers it
// with 408 and closes the connection.
var errBodyTimeout = errors.New("request body read timed out")

// deadlineBody is a request body whose reads each run under the moving deadline.
type deadlineBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	cfg      *Config
	start    time.Time
	read     int64
	deadline time.Time
	off      bool // streaming route, deadline unsupported, or body finished
	begun    bool // the handler has made its first read
}

// withBodyDeadline installs the deadline on every request that has a body. The first
// deadline is set before the handler runs, so a body the handler never reads is still
// bounded while the server drains it afterwards.
func (s *Server) withBodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		b := &deadlineBody{ReadCloser: r.Body, rc: http.NewResponseController(w), cfg: &s.cfg, start: time.Now()}
		b.arm()
		r.Body = b
		next.ServeHTTP(w, r)
	})
}

// streamBody lifts the read deadline from r's body: for routes that read a long-lived
// stream rather than a request body. Call it before the first read.
func streamBody(r *http.Request) {
	if b, ok := r.Body.(*deadlineBody); ok && !b.off {
		b.off = true
		b.rc.SetReadDeadline(time.Time{})
	}
}

// arm sets the connection read deadline for the next read.
func (b *deadlineBody) arm() {
	now := time.Now()
	d := b.start.Add(b.cfg.BodyGrace + time.Duration(float64(b.read)/float64(b.cfg.BodyMinRate)*float64(time.Second)))
	if idle := now.Add(b.cfg.BodyIdleTimeout); idle.Before(d) {
		d = idle
	}
	if err := b.rc.SetReadDeadline(d); err != nil {
		b.off = true // a writer without deadlines (a test recorder): nothing to guard
		return
	}
	b.deadline = d
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	if b.off {
		return b.ReadCloser.Read(p)
	}
	if !b.begun {
		// The rate budget runs from the handler's first read, not from the request's
		// arrival: time the server itself spent before reading (a loaded machine, the
		// actor lookup waiting for the database) is not the client's slowness, and
		// charging it made healthy small bodies answer 408 under load. A client that
		// sends nothing is still bounded: the deadline armed before the handler ran
		// holds until this read, and the grace starts again only once.
		b.begun = true
		b.start = time.Now()
	}
	b.arm()
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	switch {
	case err == io.EOF:
		// Done: clear the deadline at once, because the server now reads the
		// connection in the background to notice a client leaving, and that read
		// timing out would cancel the request's context. If the deadline could
		// already have fired, answer as a timeout rather than run on a context that
		// may be cancelled under the handler.
		b.off = true
		b.rc.SetReadDeadline(time.Time{})
		if !time.Now().Before(b.deadline) {
			return n, errBodyTimeout
		}
	case err != nil && isTimeout(err):
		return n, errBodyTimeout
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// writeBodyTimeout answers a request whose body did not arrive in time. The
// connection is closed: its read side is past its deadline and mid-body.
func writeBodyTimeout(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	writeJSON(w, http.StatusRequestTimeout, errorBody{Error: "Request body read timed out"})
}
