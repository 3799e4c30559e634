package server

import (
	"net/http"
	"strconv"
	"strings"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// heartbeatRuntimeRoutes are the runtime routes of agents.md §9–§10: waking an agent,
// cancelling a run, reading its log.
func (s *Server) heartbeatRuntimeRoutes() []route {
	return []route{
		{http.MethodPost, "/api/agents/{id}/wakeup", whoCustom, "Wake an agent (board, or the agent itself)", s.handleAgentWakeup},
		{http.MethodPost, "/api/agents/{id}/heartbeat/invoke", whoCustom, "Invoke an agent's heartbeat now", s.handleHeartbeatInvoke},
		{http.MethodPost, "/api/heartbeat-runs/{runId}/cancel", whoAny, "Cancel a queued or running run (board)", s.handleRunCancel},
		{http.MethodGet, "/api/heartbeat-runs/{runId}/log", whoAny, "Read a run log by byte range", s.handleRunLog},
	}
}

// wakeupBody is the body of POST /agents/{id}/wakeup (agents.md §9.1).
type wakeupBody struct {
	Source            store.Optional[string]         `json:"source"`
	TriggerDetail     store.Optional[string]         `json:"triggerDetail"`
	Reason            store.Optional[string]         `json:"reason"`
	Payload           store.Optional[map[string]any] `json:"payload"`
	IdempotencyKey    store.Optional[string]         `json:"idempotencyKey"`
	ForceFreshSession store.Optional[bool]           `json:"forceFreshSession"`
}

var (
	wakeSources  = []string{"timer", "assignment", "on_demand", "automation"}
	wakeTriggers = []string{"manual", "ping", "callback", "system"}
)

func (b *wakeupBody) validate() error {
	var p store.Problems
	for _, f := range []struct {
		name    string
		v       store.Optional[string]
		allowed []string
	}{{"source", b.Source, wakeSources}, {"triggerDetail", b.TriggerDetail, wakeTriggers}} {
		if f.v.Set && (f.v.Null || !oneOfStrings(f.allowed, f.v.Value)) {
			p.Add("invalid_enum_value", "Invalid enum value. Expected '"+strings.Join(f.allowed, "' | '")+"'", f.name)
		}
	}
	return p.Err()
}

func oneOfStrings(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// wakeTarget loads the path agent and applies "C:board, or the agent itself".
func (s *Server) wakeTarget(r *http.Request) (store.Agent, error) {
	a, err := s.loadAgent(r)
	if err != nil {
		return a, err
	}
	actor := actorOf(r)
	if actor.IsAgent() {
		if actor.AgentID != a.ID {
			return a, errorf(store.EFORBIDDEN, "Agent can only invoke itself")
		}
		return a, nil
	}
	return a, s.companyAccess(r, a.CompanyID, whoCBoard)
}

func (s *Server) handleAgentWakeup(w http.ResponseWriter, r *http.Request) {
	a, err := s.wakeTarget(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var body wakeupBody
	if err := decodeBody(w, r, &body, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := body.validate(); err != nil {
		s.writeError(w, r, err)
		return
	}
	req := store.WakeRequest{AgentID: a.ID, Source: "on_demand", TriggerDetail: "manual", Reason: body.Reason.Ptr(),
		IdempotencyKey: derefStr(body.IdempotencyKey.Ptr()), ForceFreshSession: body.ForceFreshSession.Value, Audit: true}
	if v := body.Source.Ptr(); v != nil {
		req.Source = *v
	}
	if v := body.TriggerDetail.Ptr(); v != nil {
		req.TriggerDetail = *v
	}
	if v := body.Payload.Ptr(); v != nil {
		req.Payload = *v
	}
	s.answerWake(w, r, req, false)
}

func (s *Server) handleHeartbeatInvoke(w http.ResponseWriter, r *http.Request) {
	a, err := s.wakeTarget(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// The legacy route's body is optional and ignored apart from the wake fields.
	var body wakeupBody
	decodeBody(w, r, &body, false)
	req := store.WakeRequest{AgentID: a.ID, Source: "on_demand", TriggerDetail: "manual", Reason: body.Reason.Ptr(),
		IdempotencyKey: derefStr(body.IdempotencyKey.Ptr()), ForceFreshSession: body.ForceFreshSession.Value, Audit: true}
	if v := body.Payload.Ptr(); v != nil {
		req.Payload = *v
	}
	s.answerWake(w, r, req, true)
}

// skippedBody is the 202 answer of a wake that started nothing.
type skippedBody struct {
	Status           string  `json:"status"`
	Reason           string  `json:"reason"`
	Message          string  `json:"message,omitempty"`
	IssueID          *string `json:"issueId,omitempty"`
	ExecutionRunID   *string `json:"executionRunId,omitempty"`
	ExecutionAgentID *string `json:"executionAgentId,omitempty"`
}

// answerWake enqueues and answers 202 with the run or the skip body; refusals the API
// reports as errors (not invokable, company, budget) are 409, except a company that is
// not active answered to an agent, which is a skip (runtime.md §3.6).
func (s *Server) answerWake(w http.ResponseWriter, r *http.Request, req store.WakeRequest, short bool) {
	actor := actorOf(r)
	kind, id := "user", actor.UserID
	if actor.IsAgent() {
		kind, id = "agent", actor.AgentID
	}
	req.Context = map[string]any{"triggeredBy": kind, "actorId": id}
	var out store.WakeOutcome
	var err error
	if s.runtime != nil {
		out, err = s.runtime.Wakeup(r.Context(), req)
	} else {
		out, err = s.store.EnqueueWake(r.Context(), req)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if sk := out.Skip; sk != nil {
		if sk.Block != nil && !(sk.Reason == store.SkipCompanyNotActive && actor.IsAgent()) {
			s.writeError(w, r, sk.Block)
			return
		}
		body := skippedBody{Status: "skipped", Reason: sk.Reason}
		if !short {
			body.Message, body.IssueID, body.ExecutionRunID, body.ExecutionAgentID = sk.Message, sk.IssueID, sk.ExecutionRunID, sk.ExecutionAgentID
		}
		writeJSON(w, http.StatusAccepted, body)
		return
	}
	if out.Run != nil {
		run := censorRun(s.censor.For(r.Context()), *out.Run)
		out.Run = &run
	}
	writeJSON(w, http.StatusAccepted, out.Run)
}

func (s *Server) handleRunCancel(w http.ResponseWriter, r *http.Request) {
	run, err := s.loadRun(r)
	if err == nil {
		err = s.companyAccess(r, run.CompanyID, whoCBoard)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	const reason = "Cancelled by a board operator"
	if s.runtime != nil {
		run, err = s.runtime.Cancel(r.Context(), run.ID, reason)
	} else {
		var settled store.RunSettled
		settled, err = s.store.CancelRun(r.Context(), run.ID, reason)
		run = settled.Run
	}
	s.respond(w, r, http.StatusOK, censorRun(s.censor.For(r.Context()), run), err)
}

func (s *Server) handleRunLog(w http.ResponseWriter, r *http.Request) {
	run, err := s.loadRun(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	offset := int64(0)
	if v := r.URL.Query().Get("offset"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.writeError(w, r, errorf(store.EINVALID, "offset must be a non-negative integer"))
			return
		}
		offset = n
	}
	limit := int64(clampedInt(r, "limitBytes", 256000, 1, 1<<20))
	notFound := errorf(store.ENOTFOUND, "Run log not found")
	if run.LogRef == nil {
		s.writeError(w, r, notFound)
		return
	}
	// Offsets are the raw file's whether or not the content is censored, so paging by
	// nextOffset works across a change of the setting too.
	content, next, err := heartbeat.ReadRunLog(s.cfg.RunLogDir, *run.LogRef, offset, limit, s.censor.For(r.Context()))
	if err == heartbeat.ErrLogNotFound {
		s.writeError(w, r, notFound)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache, no-store")
	writeJSON(w, http.StatusOK, heartbeat.LogChunk{RunID: run.ID, Store: derefOr(run.LogStore, heartbeat.LogStoreLocal),
		LogRef: *run.LogRef, Content: content, NextOffset: next})
}

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func derefOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}
