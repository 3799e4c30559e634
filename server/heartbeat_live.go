package server

import (
	"paperclip/server/heartbeat"
	"paperclip/server/live"
	"paperclip/store"
)

// LiveEvents publishes the heartbeat runtime's events on the live-events hub with the
// payloads of runtime.md §13. A nil hub publishes nothing.
func LiveEvents(h *live.Hub) heartbeat.Events {
	if h == nil {
		return heartbeat.NopEvents{}
	}
	return liveEvents{h}
}

type liveEvents struct{ hub *live.Hub }

func (l liveEvents) RunQueued(r store.HeartbeatRun) {
	l.hub.PublishRunQueued(r.CompanyID, live.RunQueued{RunID: r.ID, AgentID: r.AgentID, InvocationSource: r.InvocationSource,
		TriggerDetail: r.TriggerDetail, WakeupRequestID: r.WakeupRequestID})
}

func (l liveEvents) RunStatus(r store.HeartbeatRun) {
	l.hub.PublishRunStatus(r.CompanyID, live.RunStatus{RunID: r.ID, AgentID: r.AgentID, Status: r.Status,
		InvocationSource: r.InvocationSource, TriggerDetail: r.TriggerDetail, Error: r.Error, ErrorCode: r.ErrorCode,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt})
}

func (l liveEvents) RunEvent(e store.RunEvent) {
	l.hub.PublishRunEvent(e.CompanyID, live.RunEvent{RunID: e.RunID, AgentID: e.AgentID, Seq: e.Seq, EventType: e.EventType,
		Stream: e.Stream, Level: e.Level, Color: e.Color, Message: e.Message, Payload: e.Payload})
}

func (l liveEvents) RunLog(c heartbeat.LiveLogChunk) {
	log := live.NewRunLog(c.RunID, c.AgentID, c.TS, c.Stream, []byte(c.Chunk))
	log.Truncated = log.Truncated || c.Truncated
	l.hub.PublishRunLog(c.CompanyID, log)
}

func (l liveEvents) AgentStatus(a store.Agent, outcome *string) {
	l.hub.PublishAgentStatus(a.CompanyID, live.AgentStatus{AgentID: a.ID, Status: a.Status, LastHeartbeatAt: a.LastHeartbeatAt,
		Outcome: outcome})
}
