package server

import (
	"context"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// LogCensor applies the censorUsernameInLogs instance setting: while it is on, the
// server's OS user name and home directory read "[user]" and "~" in run output the API
// returns — log byte ranges, run events, excerpts, run errors and result tails, and
// the live events carrying them.
//
// It applies when output is read, not when it is written. The spec makes the setting
// a switch over what the API returns ("replaced ... in run log content, run events and
// excerpts returned by the API"), and a switch that rewrote the files as they were
// written could not be turned back: an operator who turns it off would find the paths
// of past runs gone for good, and runs written while it was off would keep the name
// after it was turned on. So files and rows keep the bytes the runtime wrote (after
// the runtime has masked secrets, which therefore always comes first), and each read
// censors according to the setting of that moment. The runtime's part is only to
// never cut output inside a name (heartbeat.Config.OSUser), so a read sees each whole.
type LogCensor struct {
	store *store.Store
	c     *heartbeat.Censor
}

// NewLogCensor builds the censor of the account u over the store holding the setting.
func NewLogCensor(st *store.Store, u heartbeat.OSUser) *LogCensor {
	return &LogCensor{store: st, c: heartbeat.NewCensor(u)}
}

// For is the censor to apply to what is answered now: nil while the setting is off.
// The setting is cached by the store (one query until it changes), so asking for
// every live log chunk costs no query. When the setting cannot be read, output is
// censored: hiding a name by mistake is the safer failure.
func (l *LogCensor) For(ctx context.Context) *heartbeat.Censor {
	if l == nil || !l.c.Active() {
		return nil
	}
	if on, err := l.store.CensorUsernameInLogs(ctx); err == nil && !on {
		return nil
	}
	return l.c
}

// censorRun censors a run's output fields: its error, excerpts and result (which holds
// the adapters' stdout and stderr tails).
func censorRun(c *heartbeat.Censor, r store.HeartbeatRun) store.HeartbeatRun {
	if c == nil {
		return r
	}
	r.Error, r.StdoutExcerpt, r.StderrExcerpt = c.Ptr(r.Error), c.Ptr(r.StdoutExcerpt), c.Ptr(r.StderrExcerpt)
	r.ResultJSON = c.JSON(r.ResultJSON)
	return r
}

func censorRuns(c *heartbeat.Censor, list []store.HeartbeatRun) []store.HeartbeatRun {
	if c == nil {
		return list
	}
	out := make([]store.HeartbeatRun, len(list))
	for i, r := range list {
		out[i] = censorRun(c, r)
	}
	return out
}

// censorEvent censors a run event's message and payload (an adapter.invoke payload
// holds the command, its cwd and the prompt).
func censorEvent(c *heartbeat.Censor, e store.RunEvent) store.RunEvent {
	if c == nil {
		return e
	}
	e.Message, e.Payload = c.Ptr(e.Message), c.JSON(e.Payload)
	return e
}

func censorEvents(c *heartbeat.Censor, list []store.RunEvent) []store.RunEvent {
	if c == nil {
		return list
	}
	out := make([]store.RunEvent, len(list))
	for i, e := range list {
		out[i] = censorEvent(c, e)
	}
	return out
}

func censorIssueRuns(c *heartbeat.Censor, list []store.IssueRun) []store.IssueRun {
	if c == nil {
		return list
	}
	out := make([]store.IssueRun, len(list))
	for i, r := range list {
		r.ResultJSON = c.JSON(r.ResultJSON)
		out[i] = r
	}
	return out
}

// censorTaskSessions censors the run error each session keeps.
func censorTaskSessions(c *heartbeat.Censor, list []store.TaskSession) []store.TaskSession {
	if c == nil {
		return list
	}
	out := make([]store.TaskSession, len(list))
	for i, t := range list {
		t.LastError = c.Ptr(t.LastError)
		out[i] = t
	}
	return out
}
