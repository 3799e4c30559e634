package server_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"paperclip/server"
)

// shortBodyDeadline makes the body deadline small enough for a test to watch a
// trickler being cut off; the normal-upload tests keep the production defaults.
func shortBodyDeadline(c *server.Config) {
	c.BodyGrace, c.BodyIdleTimeout = 300*time.Millisecond, 300*time.Millisecond
}

// trickle opens a raw connection, sends the request head and prefix, then one body
// byte every 20ms, and returns the response status and whether the server closed
// the connection. The 30s read deadline only bounds a broken test; it is no timing
// assertion.
func trickle(t *testing.T, e *env, path, contentType string, prefix []byte, total int) (int, bool) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", path, contentType, total)
	conn.Write(prefix)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for sent := len(prefix); sent < total-1; sent++ { // never the last byte
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte("a")); err != nil {
				return
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusRequestTimeout && !bytes.Contains(body, []byte("Request body read timed out")) {
		t.Errorf("408 body %s", body)
	}
	_, err = br.ReadByte()
	closed := err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
	return res.StatusCode, closed
}

func TestTricklingJSONBodyIsCutOff(t *testing.T) {
	e := newEnv(t, shortBodyDeadline)
	status, closed := trickle(t, e, "/api/companies", "application/json", []byte(`{"name":"`), 100000)
	if status != http.StatusRequestTimeout || !closed {
		t.Fatalf("trickled JSON: status %d, connection closed %v", status, closed)
	}
	// The server is fine afterwards.
	e.mustCompany("After")
}

func TestTricklingUploadIsCutOff(t *testing.T) {
	e := newEnv(t, shortBodyDeadline)
	id := e.mustCompany("Slow")["id"].(string)
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	mw.CreateFormFile("file", "logo.png")
	status, closed := trickle(t, e, "/api/companies/"+id+"/logo", mw.FormDataContentType(), head.Bytes(), 1<<20)
	if status != http.StatusRequestTimeout || !closed {
		t.Fatalf("trickled upload: status %d, connection closed %v", status, closed)
	}
}

// A body the handler never reads (the route refuses first) is bounded too, while
// the server drains it.
func TestTricklingUnreadBodyIsCutOff(t *testing.T) {
	e := newEnv(t, shortBodyDeadline)
	status, closed := trickle(t, e, "/api/no-such-route", "application/json", []byte(`{`), 100000)
	if status != http.StatusNotFound || !closed {
		t.Fatalf("trickled unread body: status %d, connection closed %v", status, closed)
	}
}

// pacedReader hands out chunk bytes per read with a pause before each: a slow client
// that still beats the minimum rate by far.
type pacedReader struct {
	data  []byte
	chunk int
	pause time.Duration
}

func (p *pacedReader) Read(b []byte) (int, error) {
	if len(p.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(p.pause) // pacing the client, not synchronising with the server
	n := copy(b[:min(len(b), p.chunk)], p.data)
	p.data = p.data[n:]
	return n, nil
}

func TestSlowButSteadyUploadPasses(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.BodyGrace, c.BodyIdleTimeout, c.BodyMinRate = 2*time.Second, 2*time.Second, 64<<10
	})
	id := e.mustCompany("Steady")["id"].(string)
	is := e.mustIssue(id, map[string]any{"title": "Upload here"})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="notes.txt"`},
		"Content-Type":        {"text/plain"},
	})
	fw.Write(bytes.Repeat([]byte("steady upload\n"), 1<<20/14))
	mw.Close()
	// About 1.3 MiB/s against a floor of 64 KiB/s, and 50ms gaps against a 2s idle limit.
	body := &pacedReader{data: buf.Bytes(), chunk: 64 << 10, pause: 50 * time.Millisecond}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/companies/"+id+"/issues/"+is["id"].(string)+"/attachments", body)
	req.ContentLength = int64(buf.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("steady upload: %d %s", res.StatusCode, out)
	}
}

// With the production defaults a large upload sent at full speed passes, and the
// connection stays usable for the next request.
func TestNormalUploadAndKeepAlive(t *testing.T) {
	e := newEnv(t)
	id := e.mustCompany("Normal")["id"].(string)
	is := e.mustIssue(id, map[string]any{"title": "Upload here"})
	r := e.upload("/api/companies/"+id+"/issues/"+is["id"].(string)+"/attachments", "file", "big.txt", "text/plain", bytes.Repeat([]byte("x"), 5<<20), nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	for i := range 3 {
		if r := e.do("POST", "/api/companies", map[string]any{"name": fmt.Sprintf("K%d", i)}); r.Status != http.StatusCreated {
			t.Fatalf("create after upload: %d %s", r.Status, r.Body)
		}
	}
}
