package live

import (
	"encoding/json"
	"unicode/utf8"

	"paperclip/store"
)

// Event types: upstream's names, the only ones V1 sends. Clients ignore unknown types.
const (
	TypeActivityLogged = "activity.logged"
	TypeAgentStatus    = "agent.status"
	TypeRunQueued      = "heartbeat.run.queued"
	TypeRunStatus      = "heartbeat.run.status"
	TypeRunEvent       = "heartbeat.run.event"
	TypeRunLog         = "heartbeat.run.log"
)

// Envelope is one frame sent to a client. ID increases per process, so a client can
// tell order and gaps, but there is no replay: after a reconnect it refetches over REST.
type Envelope struct {
	ID        int64           `json:"id"`
	CompanyID string          `json:"companyId"`
	Type      string          `json:"type"`
	CreatedAt string          `json:"createdAt"`
	Payload   json.RawMessage `json:"payload"`
}

// ActivityLogged is the payload of activity.logged: the activity row without its
// company (the envelope carries it).
type ActivityLogged struct {
	ID         string        `json:"id"`
	ActorType  string        `json:"actorType"`
	ActorID    string        `json:"actorId"`
	Action     string        `json:"action"`
	EntityType string        `json:"entityType"`
	EntityID   string        `json:"entityId"`
	AgentID    *string       `json:"agentId"`
	RunID      *string       `json:"runId"`
	Details    store.JSONRaw `json:"details"`
	CreatedAt  string        `json:"createdAt"`
}

// AgentStatus is the payload of agent.status. Outcome is the run status that caused
// the change, nil for changes that no run caused (claim, pause, clear-error).
type AgentStatus struct {
	AgentID         string  `json:"agentId"`
	Status          string  `json:"status"`
	LastHeartbeatAt *string `json:"lastHeartbeatAt"`
	Outcome         *string `json:"outcome"`
}

// RunQueued is the payload of heartbeat.run.queued.
type RunQueued struct {
	RunID            string  `json:"runId"`
	AgentID          string  `json:"agentId"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    *string `json:"triggerDetail"`
	WakeupRequestID  *string `json:"wakeupRequestId"`
}

// RunStatus is the payload of heartbeat.run.status, sent on claim and every status
// change.
type RunStatus struct {
	RunID            string  `json:"runId"`
	AgentID          string  `json:"agentId"`
	Status           string  `json:"status"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    *string `json:"triggerDetail"`
	Error            *string `json:"error"`
	ErrorCode        *string `json:"errorCode"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
}

// RunEvent is the payload of heartbeat.run.event: one run event row.
type RunEvent struct {
	RunID     string          `json:"runId"`
	AgentID   string          `json:"agentId"`
	Seq       int64           `json:"seq"`
	EventType string          `json:"eventType"`
	Stream    *string         `json:"stream"`
	Level     *string         `json:"level"`
	Color     *string         `json:"color"`
	Message   *string         `json:"message"`
	Payload   json.RawMessage `json:"payload"`
}

// RunLog is the payload of heartbeat.run.log: one chunk of run output.
type RunLog struct {
	RunID     string `json:"runId"`
	AgentID   string `json:"agentId"`
	TS        string `json:"ts"`
	Stream    string `json:"stream"`
	Chunk     string `json:"chunk"`
	Truncated bool   `json:"truncated"`
}

// MaxLogChunk bounds the chunk of a heartbeat.run.log event: the full output is in the
// run log, the live event only has to show the tail of what just arrived.
const MaxLogChunk = 8 << 10

// NewRunLog builds a heartbeat.run.log payload, keeping the last MaxLogChunk bytes of
// chunk (cut on a UTF-8 boundary) and saying whether anything was cut.
func NewRunLog(runID, agentID, ts, stream string, chunk []byte) RunLog {
	l := RunLog{RunID: runID, AgentID: agentID, TS: ts, Stream: stream}
	if len(chunk) > MaxLogChunk {
		chunk = chunk[len(chunk)-MaxLogChunk:]
		// Drop continuation bytes of a rune whose start was cut off.
		for len(chunk) > 0 && !utf8.RuneStart(chunk[0]) {
			chunk = chunk[1:]
		}
		l.Truncated = true
	}
	l.Chunk = string(chunk)
	return l
}

func activityPayload(a store.Activity) ActivityLogged {
	return ActivityLogged{ID: a.ID, ActorType: a.ActorType, ActorID: a.ActorID, Action: a.Action,
		EntityType: a.EntityType, EntityID: a.EntityID, AgentID: a.AgentID, RunID: a.RunID,
		Details: a.Details, CreatedAt: a.CreatedAt}
}
