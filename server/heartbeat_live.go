package server

import (
	"context"

	"paperclip/server/heartbeat"
	"paperclip/server/live"
	"paperclip/store"
)

// LiveEvents publishes the heartbeat runtime's events on the live-events hub with the
// payloads of runtime.md §13, run output censored by c as the API censors it on read
// (c may be nil: nothing censored). A nil hub publishes nothing.
func LiveEvents(h *live.Hub, c *LogCensor) heartbeat.Events {
	if h == nil {
		return heartbeat.NopEvents{}
	}
	return liveEvents{h, c}
}

type liveEvents struct {
	hub    *live.Hub
	censor *LogCensor
}

// now is the censor of the setting's current value; events have no request context.
func (l liveEvents) now() *heartbeat.Censor { return l.censor.For(context.Background()) }

func (l liveEvents) RunQueued(r store.HeartbeatRun) {
	l.hub.PublishRunQueued(r.CompanyID, live.RunQueued{RunID: r.ID, AgentID: r.AgentID, InvocationSource: r.InvocationSource,
		TriggerDetail: r.TriggerDetail, WakeupRequestID: r.WakeupRequestID})
}

func (l liveEvents) RunStatus(r store.HeartbeatRun) {
	l.hub.PublishRunStatus(r.CompanyID, live.RunStatus{RunID: r.ID, AgentID: r.AgentID, Status: r.Status,
		InvocationSource: r.InvocationSource, TriggerDetail: r.TriggerDetail, Error: l.now().Ptr(r.Error), ErrorCode: r.ErrorCode,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt})
}

func (l liveEvents) RunEvent(e store.RunEvent) {
	e = censorEvent(l.now(), e)
	l.hub.PublishRunEvent(e.CompanyID, live.RunEvent{RunID: e.RunID, AgentID: e.AgentID, Seq: e.Seq, EventType: e.EventType,
		Stream: e.Stream, Level: e.Level, Color: e.Color, Message: e.Message, Payload: e.Payload})
}

func (l liveEvents) RunLog(c heartbeat.LiveLogChunk) {
	// Censored before the hub's 8 KiB cut: the runtime's chunk holds each name whole,
	// and a cut of the censored text can only shorten a replacement.
	log := live.NewRunLog(c.RunID, c.AgentID, c.TS, c.Stream, []byte(l.now().Text(c.Chunk)))
	log.Truncated = log.Truncated || c.Truncated
	l.hub.PublishRunLog(c.CompanyID, log)
}

func (l liveEvents) AgentStatus(a store.Agent, outcome *string) {
	l.hub.PublishAgentStatus(a.CompanyID, live.AgentStatus{AgentID: a.ID, Status: a.Status, LastHeartbeatAt: a.LastHeartbeatAt,
		Outcome: outcome})
}
