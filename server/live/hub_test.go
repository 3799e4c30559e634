package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"paperclip/server/live"
)

// hubServer serves one hub for company "c1" over a real HTTP server; the hub runs
// until the test ends.
func hubServer(t *testing.T, opts live.Options) (*live.Hub, string) {
	t.Helper()
	h := live.New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeWS(w, r, r.URL.Query().Get("company"))
	}))
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	return h, "ws" + strings.TrimPrefix(srv.URL, "http")
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// waitSubscribers polls until the hub counts n clients: Dial returns once the
// handshake is answered, which the server does just after subscribing.
func waitSubscribers(t *testing.T, h *live.Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.Stats().Subscribers != n {
		if time.Now().After(deadline) {
			t.Fatalf("subscribers %d, want %d", h.Stats().Subscribers, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func readEnvelope(t *testing.T, c *websocket.Conn) live.Envelope {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, data, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("frame type %v, want text", typ)
	}
	var env live.Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatalf("frame %s: %v", data, err)
	}
	return env
}

// TestHubEnvelopeAndScope: events reach only the clients of their company, in an
// envelope whose id increases, typed and stamped by the hub's clock.
func TestHubEnvelopeAndScope(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 5e6, time.UTC)
	h, url := hubServer(t, live.Options{Now: func() time.Time { return at }})
	a, b := dial(t, url+"?company=c1"), dial(t, url+"?company=c2")
	waitSubscribers(t, h, 2)

	h.PublishRunQueued("c2", live.RunQueued{RunID: "r0", AgentID: "a0", InvocationSource: "timer"})
	h.PublishRunQueued("c1", live.RunQueued{RunID: "r1", AgentID: "a1", InvocationSource: "on_demand"})
	h.PublishAgentStatus("c1", live.AgentStatus{AgentID: "a1", Status: "running"})

	first, second := readEnvelope(t, a), readEnvelope(t, a)
	if first.Type != live.TypeRunQueued || first.CompanyID != "c1" || first.CreatedAt != "2026-03-01T12:00:00.005Z" {
		t.Fatalf("first %+v", first)
	}
	var q map[string]any
	json.Unmarshal(first.Payload, &q)
	if q["runId"] != "r1" || q["invocationSource"] != "on_demand" || q["triggerDetail"] != nil || len(q) != 5 {
		t.Fatalf("queued payload %v", q)
	}
	if second.Type != live.TypeAgentStatus || second.ID <= first.ID {
		t.Fatalf("second %+v after %+v", second, first)
	}
	// c2's client got its own event and nothing of c1's.
	if got := readEnvelope(t, b); got.CompanyID != "c2" || got.Type != live.TypeRunQueued {
		t.Fatalf("c2 got %+v", got)
	}
	h.PublishRunLog("c2", live.NewRunLog("r0", "a0", "t", "stdout", []byte("x")))
	if got := readEnvelope(t, b); got.Type != live.TypeRunLog {
		t.Fatalf("c2 got %+v, want its log line next", got)
	}
}

// TestSlowConsumerDropped: a client that stops reading is closed with 1013 once its
// buffer overflows, while the publisher keeps going and a reading client gets every
// event. The publish loop is bounded: if Publish ever blocked on the slow client, the
// loop could not finish.
func TestSlowConsumerDropped(t *testing.T) {
	// A generous write timeout: the slow client reads only after the loop, and its
	// close frame must still be deliverable then.
	h, url := hubServer(t, live.Options{BufferSize: 16, WriteTimeout: 2 * time.Minute})
	slow, fast := dial(t, url+"?company=c1"), dial(t, url+"?company=c1")
	waitSubscribers(t, h, 2)

	got := make(chan int64, 1)
	go func() {
		defer close(got)
		for {
			_, data, err := fast.Read(context.Background())
			if err != nil {
				return
			}
			var env live.Envelope
			json.Unmarshal(data, &env)
			got <- env.ID
		}
	}()
	// Large frames fill the slow client's socket buffers in a few hundred messages.
	big := strings.Repeat("x", 32<<10)
	const bound = 20000
	sent := 0
	for sent < bound && h.Stats().Dropped == 0 {
		h.Publish("c1", "test.chunk", map[string]any{"n": sent, "chunk": big})
		sent++
		// Wait for the fast client so it never falls behind; the slow one never reads.
		select {
		case _, ok := <-got:
			if !ok {
				t.Fatalf("fast client closed after %d events", sent)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("fast client got nothing for event %d", sent)
		}
	}
	st := h.Stats()
	if st.Dropped != 1 || st.Subscribers != 1 {
		t.Fatalf("after %d events: %+v, want the slow client dropped", sent, st)
	}
	t.Logf("slow client dropped after %d events of 32 KiB", sent)

	// The fast client is still subscribed and served.
	h.Publish("c1", "test.after", map[string]any{})
	select {
	case _, ok := <-got:
		if !ok {
			t.Fatal("fast client closed")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("fast client got nothing after the drop")
	}

	// The slow client finds what was written before the drop, then the close frame.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n := 0
	for {
		_, _, err := slow.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusTryAgainLater {
				t.Fatalf("slow client ended with %v after %d frames, want close 1013", err, n)
			}
			break
		}
		n++
	}
	if n == 0 || n >= sent {
		t.Fatalf("slow client read %d of %d events", n, sent)
	}
}

// TestHubStopClosesClients: stopping the hub closes every socket with 1001, refuses
// new clients, and drops later events without blocking.
func TestHubStopClosesClients(t *testing.T) {
	h := live.New(live.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeWS(w, r, "c1") }))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	c := dial(t, url)
	waitSubscribers(t, h, 1)

	readErr := make(chan error, 1)
	go func() {
		_, _, err := c.Read(context.Background())
		readErr <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}
	if err := <-readErr; websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Fatalf("client read %v, want close 1001", err)
	}
	h.Publish("c1", "late", map[string]any{}) // must not block or panic
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	_, res, err := websocket.Dial(dctx, url, nil)
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after stop: %v %v", res, err)
	}
}

// TestHubIgnoresClientMessages: what a client sends is read and dropped; the socket
// stays open and keeps delivering.
func TestHubIgnoresClientMessages(t *testing.T) {
	h, url := hubServer(t, live.Options{})
	c := dial(t, url+"?company=c1")
	waitSubscribers(t, h, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"subscribe":"everything"}`)); err != nil {
		t.Fatal(err)
	}
	h.PublishRunStatus("c1", live.RunStatus{RunID: "r", AgentID: "a", Status: "running"})
	if env := readEnvelope(t, c); env.Type != live.TypeRunStatus {
		t.Fatalf("got %+v", env)
	}
}

// TestHubPings: the hub pings on its interval and a client that answers (coder's
// client answers while reading) stays connected across several intervals.
func TestHubPings(t *testing.T) {
	pongs := make(chan struct{}, 16)
	h, url := hubServer(t, live.Options{PingInterval: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url+"?company=c1", &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pongs <- struct{}{}:
			default:
			}
			return true
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	rctx := c.CloseRead(ctx) // keeps reading so pings are answered
	for i := 0; i < 3; i++ {
		select {
		case <-pongs:
		case <-rctx.Done():
			t.Fatal("connection closed while answering pings")
		}
	}
	waitSubscribers(t, h, 1)
}

// TestHubDropsSilentClient: a client that never answers pings is closed.
func TestHubDropsSilentClient(t *testing.T) {
	h, url := hubServer(t, live.Options{PingInterval: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url+"?company=c1", &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	rctx := c.CloseRead(ctx)
	select {
	case <-rctx.Done():
	case <-ctx.Done():
		t.Fatal("silent client was never dropped")
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("test deadline hit")
	}
	waitSubscribers(t, h, 0)
}

// TestNewRunLog: the live copy of a chunk keeps its last 8 KiB, cut on a rune start.
func TestNewRunLog(t *testing.T) {
	small := live.NewRunLog("r", "a", "t", "stderr", []byte("héllo"))
	if small.Chunk != "héllo" || small.Truncated {
		t.Fatalf("small %+v", small)
	}
	big := []byte(strings.Repeat("é", live.MaxLogChunk)) // 2 bytes each
	l := live.NewRunLog("r", "a", "t", "stdout", append([]byte("x"), big...))
	if !l.Truncated || len(l.Chunk) > live.MaxLogChunk || !utf8.ValidString(l.Chunk) || !strings.HasSuffix(l.Chunk, "éé") {
		t.Fatalf("big: truncated %v, %d bytes, valid %v", l.Truncated, len(l.Chunk), utf8.ValidString(l.Chunk))
	}
	// 12000 bytes of 3-byte runes: the last 8192 start inside a rune.
	odd := live.NewRunLog("r", "a", "t", "stdout", []byte(strings.Repeat("€", 4000)))
	if !odd.Truncated || !utf8.ValidString(odd.Chunk) || len(odd.Chunk) != live.MaxLogChunk-2 {
		t.Fatalf("odd cut: %d bytes, valid %v", len(odd.Chunk), utf8.ValidString(odd.Chunk))
	}
}
