package main_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// envelope is one live-events frame (runtime.md §13).
type envelope struct {
	ID        int64          `json:"id"`
	CompanyID string         `json:"companyId"`
	Type      string         `json:"type"`
	CreatedAt string         `json:"createdAt"`
	Payload   map[string]any `json:"payload"`
}

// liveEvents collects every frame a real WebSocket client receives.
type liveEvents struct {
	mu     sync.Mutex
	frames []envelope
}

func (l *liveEvents) snapshot() []envelope {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]envelope(nil), l.frames...)
}

// dialEvents opens the company's live-events socket of a running server.
func dialEvents(t *testing.T, baseURL, companyID string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(baseURL, "http") + "/api/companies/" + companyID + "/events/ws"
	c, res, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", url, err, res)
	}
	c.SetReadLimit(1 << 20)
	return c
}

// watchEvents reads the socket until the test ends.
func watchEvents(t *testing.T, baseURL, companyID string) *liveEvents {
	t.Helper()
	c := dialEvents(t, baseURL, companyID)
	l := &liveEvents{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				return
			}
			var e envelope
			if json.Unmarshal(data, &e) == nil {
				l.mu.Lock()
				l.frames = append(l.frames, e)
				l.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		c.CloseNow()
		<-done
	})
	return l
}

// checkLiveEvents asserts what a board watching the socket saw of one run: the run
// queued, claimed, its output, its events and status changes, the agent's activity,
// and the agent's status around the run, each with the payload keys of the spec, in
// order and all for this company.
func checkLiveEvents(t *testing.T, l *liveEvents, companyID, runID, agentID string) {
	t.Helper()
	has := func(typ string, match func(p map[string]any) bool) int {
		for i, e := range l.snapshot() {
			if e.Type == typ && match(e.Payload) {
				return i
			}
		}
		return -1
	}
	ofRun := func(extra func(p map[string]any) bool) func(p map[string]any) bool {
		return func(p map[string]any) bool { return p["runId"] == runID && p["agentId"] == agentID && extra(p) }
	}
	var queued, running, succeeded, logged, evented, checkedOut, agentRunning, agentIdle int
	poll(t, "live events of the run", func() bool {
		queued = has("heartbeat.run.queued", ofRun(func(p map[string]any) bool {
			return p["invocationSource"] == "assignment" && p["wakeupRequestId"] != nil
		}))
		running = has("heartbeat.run.status", ofRun(func(p map[string]any) bool { return p["status"] == "running" && p["startedAt"] != nil }))
		succeeded = has("heartbeat.run.status", ofRun(func(p map[string]any) bool {
			return p["status"] == "succeeded" && p["finishedAt"] != nil && p["error"] == nil
		}))
		logged = has("heartbeat.run.log", ofRun(func(p map[string]any) bool {
			chunk, _ := p["chunk"].(string)
			return p["stream"] == "stdout" && strings.Contains(chunk, "I am "+agentID) && p["truncated"] == false && p["ts"] != nil
		}))
		evented = has("heartbeat.run.event", ofRun(func(p map[string]any) bool {
			return p["eventType"] == "lifecycle" && p["message"] == "run succeeded" && p["seq"] != nil
		}))
		checkedOut = has("activity.logged", func(p map[string]any) bool {
			return p["action"] == "issue.checked_out" && p["runId"] == runID && p["actorId"] == agentID && p["actorType"] == "agent"
		})
		agentRunning = has("agent.status", func(p map[string]any) bool {
			return p["agentId"] == agentID && p["status"] == "running" && p["outcome"] == nil
		})
		agentIdle = has("agent.status", func(p map[string]any) bool {
			return p["agentId"] == agentID && p["status"] == "idle" && p["outcome"] == "succeeded" && p["lastHeartbeatAt"] != nil
		})
		return min(queued, running, succeeded, logged, evented, checkedOut, agentRunning, agentIdle) >= 0
	})
	if !(queued < running && running < logged && logged < succeeded && agentRunning < agentIdle && running < checkedOut) {
		t.Errorf("out of order: queued %d running %d log %d succeeded %d checkout %d agent running %d idle %d",
			queued, running, logged, succeeded, checkedOut, agentRunning, agentIdle)
	}
	frames := l.snapshot()
	keys := map[string][]string{
		"heartbeat.run.queued": {"runId", "agentId", "invocationSource", "triggerDetail", "wakeupRequestId"},
		"heartbeat.run.status": {"runId", "agentId", "status", "invocationSource", "triggerDetail", "error", "errorCode", "startedAt", "finishedAt"},
		"heartbeat.run.event":  {"runId", "agentId", "seq", "eventType", "stream", "level", "color", "message", "payload"},
		"heartbeat.run.log":    {"runId", "agentId", "ts", "stream", "chunk", "truncated"},
		"agent.status":         {"agentId", "status", "lastHeartbeatAt", "outcome"},
		"activity.logged":      {"id", "actorType", "actorId", "action", "entityType", "entityId", "agentId", "runId", "details", "createdAt"},
	}
	last := int64(0)
	for _, e := range frames {
		if e.CompanyID != companyID || e.ID <= last || e.CreatedAt == "" {
			t.Errorf("envelope %+v: wrong company, id not increasing after %d, or no createdAt", e, last)
		}
		last = e.ID
		want, known := keys[e.Type]
		if !known {
			t.Errorf("unexpected event type %s", e.Type)
			continue
		}
		for _, k := range want {
			if _, ok := e.Payload[k]; !ok {
				t.Errorf("%s payload lacks %s: %v", e.Type, k, e.Payload)
			}
		}
		if len(e.Payload) != len(want) {
			t.Errorf("%s payload has keys beyond the spec: %v", e.Type, e.Payload)
		}
	}
}
