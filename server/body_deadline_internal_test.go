package server

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A streaming route opts out with streamBody and may read a body that arrives far
// slower than the deadline would allow; the same handler without it is cut off.
func TestStreamBodyOptsOutOfDeadline(t *testing.T) {
	s := &Server{cfg: Config{BodyGrace: 100 * time.Millisecond, BodyIdleTimeout: 100 * time.Millisecond}.withDefaults()}
	for _, optOut := range []bool{true, false} {
		h := s.withBodyDeadline(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if optOut {
				streamBody(r)
			}
			b, err := io.ReadAll(r.Body)
			if err != nil {
				writeBodyTimeout(w)
				return
			}
			fmt.Fprintf(w, "read %d", len(b))
		}))
		srv := httptest.NewServer(h)
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n")
		// Each gap is three times the idle limit; the opted-out read must survive all.
		for range 4 {
			time.Sleep(300 * time.Millisecond) // pacing the client, not synchronising
			conn.Write([]byte("a"))
		}
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		buf := make([]byte, 4096)
		n, _ := io.ReadAtLeast(conn, buf, 12)
		got := string(buf[:n])
		conn.Close()
		srv.Close()
		switch {
		case optOut && !strings.Contains(got, "read 4"):
			t.Errorf("opted-out stream was cut: %q", got)
		case !optOut && !strings.Contains(got, "408"):
			t.Errorf("guarded body was not cut: %q", got)
		}
	}
}

// A handler that reaches its first read only after the grace has passed (the server was
// busy, not the client) still reads a body that arrived in full at once: the rate
// budget runs from the first read. Before, such requests answered 408 under load.
func TestBodyDeadlineStartsAtFirstRead(t *testing.T) {
	s := &Server{cfg: Config{BodyGrace: 100 * time.Millisecond, BodyIdleTimeout: 100 * time.Millisecond}.withDefaults()}
	h := s.withBodyDeadline(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond) // the slow server under test, not synchronisation
		b, err := io.ReadAll(r.Body)
		if err != nil {
			writeBodyTimeout(w)
			return
		}
		fmt.Fprintf(w, "read %d", len(b))
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(got) != "read 7" {
		t.Fatalf("status %d body %q, want 200 read 7", resp.StatusCode, got)
	}
}
