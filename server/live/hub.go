// Package live is the live-events hub: it fans company-scoped events (activity rows,
// agent status, heartbeat runs and their output) out to WebSocket clients of that
// company. Delivery is at-most-once without replay, and publishing never waits for a
// client: each connection has a bounded buffer, and a client that lets it fill up is
// dropped (it reconnects and refetches over REST).
//
// The hub decides nothing about who may listen: the server authorises the request for
// the company before handing it to ServeWS.
package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"paperclip/store"
)

// Defaults of Options.
const (
	DefaultBufferSize   = 256
	DefaultPingInterval = 30 * time.Second
	DefaultWriteTimeout = 10 * time.Second
)

// Options configure a Hub; zero values take the defaults.
type Options struct {
	Logger *slog.Logger
	// Now stamps envelopes; nil is the wall clock.
	Now func() time.Time
	// BufferSize is how many messages may wait for one client before it is dropped.
	BufferSize int
	// PingInterval is how often clients are pinged; one that has not answered within
	// two intervals is closed.
	PingInterval time.Duration
	// WriteTimeout bounds one frame write to a client whose socket has stopped draining.
	WriteTimeout time.Duration
}

// Hub is the live-events hub. It implements store.Publisher, and the run and agent
// publishing methods the heartbeat runtime calls. Its zero value is not usable; build
// it with New and run it with Run.
type Hub struct {
	logger       *slog.Logger
	now          func() time.Time
	bufferSize   int
	pingInterval time.Duration
	writeTimeout time.Duration

	mu      sync.Mutex
	seq     int64
	subs    map[string]map[*subscriber]struct{} // by company id
	closed  bool
	done    chan struct{} // closed when the hub stops
	stopped sync.Once
	conns   sync.WaitGroup // ServeWS calls in flight
	stats   Stats
}

// Stats are counters of a hub since it was built.
type Stats struct {
	// Subscribers is the number of connected clients now.
	Subscribers int
	// Published counts events that had at least one listener.
	Published int64
	// Dropped counts clients closed because their buffer overflowed.
	Dropped int64
}

// subscriber is one connected client. send is its bounded buffer; overflow is closed
// (once, under the hub lock) when the hub gave up on it.
type subscriber struct {
	companyID string
	send      chan []byte
	overflow  chan struct{}
}

var _ store.Publisher = (*Hub)(nil)

// New builds a hub.
func New(opts Options) *Hub {
	h := &Hub{logger: opts.Logger, now: opts.Now, bufferSize: opts.BufferSize,
		pingInterval: opts.PingInterval, writeTimeout: opts.WriteTimeout,
		subs: map[string]map[*subscriber]struct{}{}, done: make(chan struct{})}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.bufferSize <= 0 {
		h.bufferSize = DefaultBufferSize
	}
	if h.pingInterval <= 0 {
		h.pingInterval = DefaultPingInterval
	}
	if h.writeTimeout <= 0 {
		h.writeTimeout = DefaultWriteTimeout
	}
	return h
}

// Run keeps the hub open until ctx ends, then closes every client (status 1001, going
// away), refuses new ones, and returns once all connections have finished. Events
// published afterwards are dropped, so components that stop later may still publish.
func (h *Hub) Run(ctx context.Context) error {
	<-ctx.Done()
	h.stop()
	h.conns.Wait()
	return nil
}

func (h *Hub) stop() {
	h.stopped.Do(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.closed = true
		close(h.done)
	})
}

// Stats reports the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.stats
	for _, subs := range h.subs {
		s.Subscribers += len(subs)
	}
	return s
}

// Publish sends one event to every client of companyID. It never blocks on a client:
// one whose buffer is full is dropped instead. payload must marshal to a JSON object.
func (h *Hub) Publish(companyID, eventType string, payload any) {
	raw, err := json.Marshal(payload)
	if err != nil {
		h.logger.Error("live event not encodable", "type", eventType, "error", err.Error())
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.subs[companyID]
	if h.closed || len(subs) == 0 {
		return
	}
	h.seq++
	msg, err := json.Marshal(Envelope{ID: h.seq, CompanyID: companyID, Type: eventType,
		CreatedAt: store.FormatTime(h.now()), Payload: raw})
	if err != nil { // raw came from json.Marshal, so only a bug gets here
		h.logger.Error("live envelope not encodable", "type", eventType, "error", err.Error())
		return
	}
	h.stats.Published++
	for s := range subs {
		select {
		case s.send <- msg:
		default:
			h.dropLocked(s)
		}
	}
}

// dropLocked gives up on a client whose buffer is full: it gets no more events and
// its connection closes it with 1013 once what it already has is written.
func (h *Hub) dropLocked(s *subscriber) {
	h.removeLocked(s)
	close(s.overflow)
	h.stats.Dropped++
	h.logger.Info("live client dropped: buffer full", "company_id", s.companyID, "buffer", h.bufferSize)
}

func (h *Hub) removeLocked(s *subscriber) {
	subs := h.subs[s.companyID]
	delete(subs, s)
	if len(subs) == 0 {
		delete(h.subs, s.companyID)
	}
}

// subscribe registers a client of companyID, or reports false when the hub has stopped.
func (h *Hub) subscribe(companyID string) (*subscriber, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	s := &subscriber{companyID: companyID, send: make(chan []byte, h.bufferSize), overflow: make(chan struct{})}
	if h.subs[companyID] == nil {
		h.subs[companyID] = map[*subscriber]struct{}{}
	}
	h.subs[companyID][s] = struct{}{}
	h.conns.Add(1)
	return s, true
}

func (h *Hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	h.removeLocked(s)
	h.mu.Unlock()
	h.conns.Done()
}

// PublishActivity sends an activity row as activity.logged. The store calls it after
// the row's transaction has committed.
func (h *Hub) PublishActivity(a store.Activity) {
	h.Publish(a.CompanyID, TypeActivityLogged, activityPayload(a))
}

// PublishRunQueued sends heartbeat.run.queued (payload: RunQueued) for a new run.
func (h *Hub) PublishRunQueued(companyID string, payload any) {
	h.Publish(companyID, TypeRunQueued, payload)
}

// PublishRunStatus sends heartbeat.run.status (payload: RunStatus) on a run's claim
// and every status change.
func (h *Hub) PublishRunStatus(companyID string, payload any) {
	h.Publish(companyID, TypeRunStatus, payload)
}

// PublishRunEvent sends heartbeat.run.event (payload: RunEvent) for a run event row.
func (h *Hub) PublishRunEvent(companyID string, payload any) {
	h.Publish(companyID, TypeRunEvent, payload)
}

// PublishRunLog sends heartbeat.run.log (payload: RunLog, built with NewRunLog) for a
// chunk of run output.
func (h *Hub) PublishRunLog(companyID string, payload any) {
	h.Publish(companyID, TypeRunLog, payload)
}

// PublishAgentStatus sends agent.status (payload: AgentStatus).
func (h *Hub) PublishAgentStatus(companyID string, payload any) {
	h.Publish(companyID, TypeAgentStatus, payload)
}
