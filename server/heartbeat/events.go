package heartbeat

import "paperclip/store"

// Events receives what the runtime publishes live (runtime.md §13); the live-events
// hub implements it. Calls come from runner goroutines after the change is committed
// and must not block: a slow subscriber is the hub's problem, never a run's.
type Events interface {
	// RunQueued is heartbeat.run.queued: a new run exists.
	RunQueued(run store.HeartbeatRun)
	// RunStatus is heartbeat.run.status: a run was claimed or changed status.
	RunStatus(run store.HeartbeatRun)
	// RunEvent is heartbeat.run.event: one run event row.
	RunEvent(ev store.RunEvent)
	// RunLog is heartbeat.run.log: one chunk of run output (already redacted).
	RunLog(chunk LiveLogChunk)
	// AgentStatus is agent.status: the agent's status around a run; outcome is the
	// run status that caused it, or nil.
	AgentStatus(agent store.Agent, outcome *string)
}

// LiveLogChunk is one run-log chunk for live subscribers: at most the last 8 KiB of
// the chunk, Truncated when it was cut.
type LiveLogChunk struct {
	CompanyID string
	RunID     string
	AgentID   string
	TS        string
	Stream    string
	Chunk     string
	Truncated bool
}

// NopEvents drops everything; it is what a scheduler without a hub publishes to.
type NopEvents struct{}

// RunQueued does nothing.
func (NopEvents) RunQueued(store.HeartbeatRun) {}

// RunStatus does nothing.
func (NopEvents) RunStatus(store.HeartbeatRun) {}

// RunEvent does nothing.
func (NopEvents) RunEvent(store.RunEvent) {}

// RunLog does nothing.
func (NopEvents) RunLog(LiveLogChunk) {}

// AgentStatus does nothing.
func (NopEvents) AgentStatus(store.Agent, *string) {}
