package heartbeat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"paperclip/server/runjwt"
	"paperclip/store"
)

// Default stop graces per adapter (runtime.md §8.1).
const (
	defaultGraceProcess = 15 * time.Second
	defaultGraceCLI     = 20 * time.Second
)

// runner executes one claimed run (runtime.md §7). Every step after the run is
// claimed ends in finish, whatever fails on the way.
type runner struct {
	s     *Scheduler
	h     *activeRun
	run   store.HeartbeatRun
	agent store.Agent
	log   *RunLog
	red   *Redactor
	// issue is the run's issue as the wake payload read it; its project and goal go
	// on the cost event.
	issue *store.WakeIssue

	outMu      sync.Mutex
	lastOutput time.Time
}

func (s *Scheduler) execute(ctx context.Context, h *activeRun, run store.HeartbeatRun) {
	r := &runner{s: s, h: h, run: run}
	f, usage, err := r.prepareAndRun(ctx)
	if err != nil {
		f = store.RunFinish{RunID: run.ID, Status: store.RunFailed, ErrorCode: "adapter_failed", Error: err.Error()}
		var se *store.Error
		if errors.As(err, &se) && se.Tag == "agent_not_found" {
			f.ErrorCode, f.Error = "agent_not_found", "Agent not found"
		}
	}
	r.finish(f, usage)
}

// prepareAndRun resolves everything the adapter needs and calls it, returning the
// run's outcome. An error is a setup failure (rule 5 of §6).
func (r *runner) prepareAndRun(ctx context.Context) (store.RunFinish, *runUsage, error) {
	s, run := r.s, r.run
	f := store.RunFinish{RunID: run.ID}
	ex, err := s.store.FindRunExecution(ctx, run.ID)
	if err != nil {
		return f, nil, err
	}
	agent, err := s.store.FindAgentByID(ctx, run.AgentID)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return f, nil, &store.Error{Code: store.ENOTFOUND, Message: "Agent not found", Tag: "agent_not_found"}
	}
	if err != nil {
		return f, nil, err
	}
	r.agent = agent
	adapter, ok := s.adapters.Get(agent.AdapterType)
	if !ok {
		return f, nil, fmt.Errorf("Unknown adapter type: %s", agent.AdapterType)
	}
	snap := ex.Context
	issueID, _ := snap["issueId"].(string)
	taskKey, _ := snap["taskKey"].(string)
	if taskKey == "" {
		taskKey = store.TaskKeyHeartbeat
	}
	f.TaskKey = taskKey
	local := agent.AdapterType != store.AdapterHTTP
	cfg := agent.AdapterConfig

	// Working directory (§7.1).
	cwd, source := "", ""
	if local {
		if cwd, source, err = r.resolveCwd(ctx, cfg, agent, issueID); err != nil {
			return f, nil, err
		}
	}
	// Env bindings, secrets resolved (§7 step 2).
	bindings, err := s.env.ResolveRunEnv(ctx, agent, issueID)
	if err != nil {
		return f, nil, err
	}
	// Session (§11).
	sessionID, freshReason, note := "", freshSessionReason(snap), ""
	if saved, ok, err := s.store.FindTaskSessionParams(ctx, agent, taskKey); err != nil {
		return f, nil, err
	} else if ok && freshReason == "" {
		if saved.Cwd == "" || saved.Cwd == cwd {
			sessionID = saved.SessionID
		} else {
			freshReason = "cwd_changed"
			note = fmt.Sprintf("[paperclip] session %s was saved for cwd %s and will not be resumed in %s", saved.SessionID, saved.Cwd, cwd)
		}
	}

	// Wake payload and prompt (§15).
	payload, err := r.wakePayload(ctx, snap, issueID)
	if err != nil {
		return f, nil, err
	}
	payloadJSON, _ := json.Marshal(payload)
	snap["paperclipWake"] = json.RawMessage(payloadJSON)
	prompt := r.prompt(cfg, snap, payload, sessionID == "")

	// Run JWT (§16.2), never for http.
	jwt := ""
	if local {
		if jwt, err = runjwt.Mint(s.cfg.JWT, agent, run.ID, time.Now()); err != nil {
			return f, nil, fmt.Errorf("mint run JWT: %w", err)
		}
	}
	secrets := []string{jwt, s.cfg.JWT.Secret}
	for k, v := range bindings {
		if sensitiveEnvRe.MatchString(k) || isSecretBinding(cfg, k) {
			secrets = append(secrets, v)
		}
	}
	r.red = NewRedactor(secrets...)

	// Run log (§12.2).
	ref := RunLogRef(run.CompanyID, run.AgentID, run.ID)
	r.log, err = OpenRunLog(s.cfg.RunLogDir, ref, s.cfg.RunLogMaxBytes, r.red, s.censor, time.Now, r.onChunk)
	if err != nil {
		return f, nil, fmt.Errorf("open run log: %w", err)
	}
	f.LogStore, f.LogRef = LogStoreLocal, ref
	if err := s.store.RecordRunStart(ctx, store.RunStart{RunID: run.ID, Context: snap, SessionIDBefore: sessionID,
		LogStore: LogStoreLocal, LogRef: ref}); err != nil {
		return f, nil, err
	}
	r.event("lifecycle", "system", "info", "run started", map[string]any{"status": store.RunRunning})
	if freshReason != "" {
		r.event("lifecycle", "system", "info", "session reset: "+freshReason, nil)
	}
	if note != "" {
		r.log.WriteLog("stderr", []byte(note+"\n"))
	}

	// Child environment (§16.1).
	childBindings := []map[string]string{s.cfg.ChildEnv, bindings}
	home := filepath.Join(s.cfg.InstanceDir, "workspaces", agent.ID)
	vars := RunVars{AgentID: agent.ID, CompanyID: agent.CompanyID, APIURL: s.cfg.APIURL, RunID: run.ID,
		TaskID: firstStr(snap["taskId"], snap["issueId"]), WakeReason: firstStr(snap["wakeReason"]),
		WakeCommentID:  firstStr(snap["wakeCommentId"], snap["commentId"]),
		ApprovalID:     firstStr(snap["approvalId"]),
		ApprovalStatus: firstStr(snap["approvalStatus"]), LinkedIssueIDs: stringsOf(snap["issueIds"]),
		WakePayloadJSON: string(payloadJSON)}
	if local {
		vars.APIKey, vars.WorkspaceCwd, vars.WorkspaceSource, vars.AgentHome = jwt, cwd, source, home
	}
	env, ignored := BuildEnv(EnvSpec{Server: s.cfg.ServerEnv, Inherit: InheritedBy(adapter), Bindings: childBindings, Run: vars})
	for _, k := range ignored {
		r.event("error", "system", "warn", "Reserved environment variable "+k+" is ignored", map[string]any{"detail": k})
	}

	timeout, grace, leftover := r.limits(cfg, agent.AdapterType)
	inv := Invocation{RunID: run.ID, Agent: agent, Config: withResolvedEnv(cfg, bindings), Prompt: prompt, Context: snap,
		Env: env, Cwd: cwd, SessionID: sessionID, Timeout: timeout, Grace: grace, LeftoverGrace: leftover, Log: r.log,
		SkillMD: s.cfg.SkillMD}
	inv.Skills = s.companySkills(ctx, agent, func(msg string) { r.event("error", "system", "warn", msg, map[string]any{"detail": msg}) })
	inv.OnSpawn = func(pid, pgid int, startedAt time.Time) {
		s.setPGID(r.h, pgid)
		if err := s.store.RecordRunSpawn(context.WithoutCancel(ctx), run.ID, pid, pgid, startedAt); err != nil {
			s.logger.Warn("record run pid failed", "run_id", run.ID, "error", err.Error())
		}
	}
	inv.OnMeta = func(meta map[string]any) {
		meta["adapterType"] = agent.AdapterType
		if local {
			meta["env"] = RedactEnv(env)
			meta["promptChars"] = len([]rune(prompt))
		}
		meta["context"] = snap
		r.event("adapter.invoke", "system", "info", "adapter invoked", r.red.Value(s.censor.boundPayload(meta)).(map[string]any))
	}
	inv.Warn = func(msg string) { r.event("error", "system", "warn", msg, map[string]any{"detail": msg}) }

	res, err := r.callAdapter(ctx, adapter, inv)
	if err != nil {
		return f, nil, err
	}
	f = outcome(f, res, timeout)
	f.ExitCode, f.Signal = res.ExitCode, deref(res.Signal)
	f.Result = resultWithSummary(res)
	switch {
	case res.ClearSession:
		f.ClearSession = true
	case res.SessionID != "":
		f.SessionID, f.SessionCwd = res.SessionID, cwd
	}
	usage := &runUsage{res: res, charged: res.Usage, source: "run", sessionReused: sessionID != "", freshReason: freshReason}
	if res.UsageCumulative && res.SessionID != "" {
		if err := usage.sessionDelta(ctx, s.store, run.AgentID, res.SessionID, run.ID); err != nil {
			s.logger.Warn("read previous session usage failed", "run_id", run.ID, "error", err.Error())
		}
	}
	return f, usage, nil
}

// callAdapter runs Execute, turning a panic into a failed run instead of a dead server.
func (r *runner) callAdapter(ctx context.Context, a Adapter, inv Invocation) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("adapter panicked: %v", p)
		}
	}()
	return a.Execute(ctx, inv)
}

// outcome applies the rules of §6 to an adapter result.
func outcome(f store.RunFinish, res Result, timeout time.Duration) store.RunFinish {
	switch {
	case res.TimedOut:
		f.Status, f.ErrorCode, f.Error = store.RunTimedOut, "timeout", res.ErrorMessage
		if f.Error == "" || res.ErrorCode != "timeout" {
			f.Error = fmt.Sprintf("Timed out after %ds", int(timeout.Seconds()))
		}
	case (res.ExitCode == nil || *res.ExitCode == 0) && res.ErrorMessage == "" && res.Signal == nil:
		f.Status = store.RunSucceeded
	default:
		f.Status, f.ErrorCode, f.Error = store.RunFailed, res.ErrorCode, res.ErrorMessage
		if f.ErrorCode == "" {
			f.ErrorCode = "adapter_failed"
		}
		if f.Error == "" {
			f.Error = "Adapter failed"
		}
	}
	return f
}

func resultWithSummary(res Result) map[string]any {
	out := map[string]any{}
	for k, v := range res.ResultJSON {
		out[k] = v
	}
	if res.Summary != "" {
		out["summary"] = res.Summary
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// finish writes the outcome (§7 steps 7–10), records cost, and publishes.
func (r *runner) finish(f store.RunFinish, usage *runUsage) {
	s := r.s
	ctx := store.NewContextWithActor(context.Background(), store.SystemActor("heartbeat_runtime"))
	if r.log != nil {
		n, sum, _ := r.log.Close()
		f.LogStore, f.LogRef, f.LogBytes, f.LogSHA256 = LogStoreLocal, r.log.Ref(), n, sum
		f.StdoutExcerpt, f.StderrExcerpt = r.log.Excerpt("stdout"), r.log.Excerpt("stderr")
	}
	if r.red != nil {
		f.Error = r.red.String(f.Error)
		if f.Result != nil {
			f.Result, _ = r.red.Value(f.Result).(map[string]any)
		}
	}
	trimTails(f.Result, s.censor)
	var cost *store.CostEventInput
	if usage != nil {
		f.Usage, cost = usage.record(&f, r.agent, r.run)
		if cost != nil && r.issue != nil {
			if r.issue.ProjectID != nil {
				cost.ProjectID = store.Some(*r.issue.ProjectID)
			}
			if r.issue.GoalID != nil {
				cost.GoalID = store.Some(*r.issue.GoalID)
			}
		}
	}
	var settled store.RunSettled
	var err error
	if isShutdown(s, r.h) {
		settled, err = s.store.FailLostRun(ctx, r.run.ID, "Process lost -- server shut down", r.agent.AdapterType != store.AdapterHTTP)
		if err == nil {
			// The row is failed now; record the output the run produced before it died.
			f.Status = settled.Run.Status
			_, err = s.store.FinishRun(ctx, f)
		}
	} else {
		settled, err = s.store.FinishRun(ctx, f)
	}
	if err != nil {
		s.logger.Error("finish run failed", "run_id", r.run.ID, "error", err.Error())
		return
	}
	if cost != nil {
		if _, err := s.store.CreateCostEvent(ctx, r.run.CompanyID, *cost); err != nil {
			s.logger.Warn("record run cost failed", "run_id", r.run.ID, "error", err.Error())
		}
	}
	s.publishSettled(settled)
	s.logger.Info("run finished", "run_id", r.run.ID, "agent_id", r.run.AgentID, "status", settled.Run.Status)
}

// event appends a run event and publishes it; failures are logged, not fatal.
func (r *runner) event(eventType, stream, level, msg string, payload map[string]any) {
	ev, err := r.s.store.AppendRunEvent(context.Background(), r.run.ID, store.RunEventInput{EventType: eventType, Stream: stream,
		Level: level, Message: msg, Payload: payload})
	if err != nil {
		r.s.logger.Warn("append run event failed", "run_id", r.run.ID, "error", err.Error())
		return
	}
	r.s.events.RunEvent(ev)
}

// onChunk publishes a redacted log chunk and stamps lastOutputAt at most every 5 s.
func (r *runner) onChunk(stream, ts, chunk string) {
	live := LiveLogChunk{CompanyID: r.run.CompanyID, RunID: r.run.ID, AgentID: r.run.AgentID, TS: ts, Stream: stream, Chunk: chunk}
	if len(chunk) > liveChunkBytes {
		live.Chunk, live.Truncated = r.s.censor.tail(chunk, liveChunkBytes), true
	}
	r.s.events.RunLog(live)
	r.outMu.Lock()
	due := time.Since(r.lastOutput) >= 5*time.Second
	if due {
		r.lastOutput = time.Now()
	}
	r.outMu.Unlock()
	if due {
		if err := r.s.store.TouchRunOutput(context.Background(), r.run.ID); err != nil {
			r.s.logger.Warn("stamp run output failed", "run_id", r.run.ID, "error", err.Error())
		}
	}
}

// trimTails drops part of the server's user name or home at the cut start of the
// stream tails adapters put in resultJson (stdout, stderr): a Tail does not know the
// user, and a value of a Tail's full size may begin at an arbitrary cut.
func trimTails(result map[string]any, c *Censor) {
	for _, k := range []string{"stdout", "stderr"} {
		if s, ok := result[k].(string); ok && len(s) >= TailBytes-utf8.UTFMax {
			result[k] = c.TrimCutStart(s)
		}
	}
}
