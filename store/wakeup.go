package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
)

// Heartbeat run statuses (runtime.md §6).
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	RunCancelled = "cancelled"
	RunTimedOut  = "timed_out"
)

// IsTerminalRunStatus reports whether a run status is final.
func IsTerminalRunStatus(s string) bool {
	return s == RunSucceeded || s == RunFailed || s == RunCancelled || s == RunTimedOut
}

// Wakeup request statuses (runtime.md §3.1).
const (
	WakeupQueued    = "queued"
	WakeupDeferred  = "deferred_issue_execution"
	WakeupClaimed   = "claimed"
	WakeupCoalesced = "coalesced"
	WakeupSkipped   = "skipped"
	WakeupCompleted = "completed"
	WakeupFailed    = "failed"
	WakeupCancelled = "cancelled"
)

// Skip reasons stored as the reason of skipped wakeup rows, and the deferral reason
// answered to API callers.
const (
	SkipHeartbeatDisabled    = "heartbeat.disabled"
	SkipWakeOnDemandDisabled = "heartbeat.wakeOnDemand.disabled"
	SkipIdle                 = "heartbeat.idle"
	SkipBudgetBlocked        = "budget.blocked"
	SkipNotInvokable         = "agent.not_invokable"
	SkipCompanyNotActive     = "company.not_active"
	SkipIssueNotFound        = "issue_execution_issue_not_found"
	SkipDeferred             = "issue_execution_deferred"
)

// Wake sources and the timer reason.
const (
	WakeSourceTimer    = "timer"
	WakeSourceOnDemand = "on_demand"
	WakeHeartbeatTimer = "heartbeat_timer"
	WakeProcessLost    = "process_lost_retry"
	// TaskKeyHeartbeat is the session scope of wakes not about one issue.
	TaskKeyHeartbeat = "__heartbeat__"
)

// WakeRequest is one trigger of an agent (runtime.md §3): the scheduler's timer, an
// issue event, an approval decision or an API call.
type WakeRequest struct {
	AgentID       string
	Source        string
	TriggerDetail string
	Reason        *string
	Payload       map[string]any
	// IdempotencyKey returns an earlier request's outcome when it repeats within 24 h.
	IdempotencyKey       string
	RequestedByActorType string
	RequestedByActorID   string
	// Context is merged into the run's context snapshot.
	Context           map[string]any
	ForceFreshSession bool
	// Audit writes heartbeat.invoked for a returned run (the on-demand routes).
	Audit bool
	// RetryOfRunID and ProcessLossRetryCount mark the retry of a lost run.
	RetryOfRunID          string
	ProcessLossRetryCount int
}

// WakeOutcome is what happened to a wake: a run (created, or an existing live run it
// merged into) or a skip.
type WakeOutcome struct {
	Run      *HeartbeatRun
	Created  bool
	Skip     *WakeSkip
	WakeupID string
}

// WakeSkip describes a wake that started nothing.
type WakeSkip struct {
	Reason           string
	Message          string
	IssueID          *string
	ExecutionRunID   *string
	ExecutionAgentID *string
	// Block is set for the refusals the API answers with 409 (runtime.md §3.6).
	Block *Error
}

// EnqueueWake runs the gates of runtime.md §4.2 and then queues, coalesces or defers
// the wake, all in one write transaction so two wakes of one issue serialise.
func (s *Store) EnqueueWake(ctx context.Context, req WakeRequest) (WakeOutcome, error) {
	var out WakeOutcome
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.enqueueWake(s, req)
		return err
	})
	return out, err
}

func (tx *Tx) enqueueWake(s *Store, req WakeRequest) (WakeOutcome, error) {
	if !IsUUID(req.AgentID) {
		return WakeOutcome{}, NotFound("Agent")
	}
	a, err := s.findAgent(tx.ctx, tx, req.AgentID)
	if err != nil {
		return WakeOutcome{}, err
	}
	if req.Source == "" {
		req.Source = WakeSourceOnDemand
	}
	if req.RequestedByActorType == "" {
		req.RequestedByActorType, req.RequestedByActorID, _ = tx.actor.activityActor()
	}
	if req.IdempotencyKey != "" {
		if out, ok, err := tx.idempotentWake(a.ID, req.IdempotencyKey); err != nil || ok {
			return out, err
		}
	}
	snap := enrichContext(req)
	issueID, _ := snap["issueId"].(string)
	skip := func(reason, msg string, block *Error) (WakeOutcome, error) {
		id, err := tx.insertWakeup(a, req, WakeupSkipped, reason, req.Payload, "", msg)
		return WakeOutcome{Skip: &WakeSkip{Reason: reason, Message: msg, Block: block}, WakeupID: id}, err
	}
	if !invokableOrBudgetPaused(a) {
		return skip(SkipNotInvokable, "Agent is not invokable in its current state",
			&Error{Code: ECONFLICT, Message: "Agent is not invokable in its current state", Details: map[string]any{"status": a.Status}})
	}
	var companyStatus string
	if err := tx.QueryRowContext(tx.ctx, `SELECT status FROM companies WHERE id = ?`, a.CompanyID).Scan(&companyStatus); err != nil {
		return WakeOutcome{}, err
	}
	if companyStatus != "active" {
		return skip(SkipCompanyNotActive, "Company is not active", Errorf(ECONFLICT, "Company is not active"))
	}
	if err := tx.invocationGate(a.ID, issueID); err != nil {
		var blocked *Error
		if errors.As(err, &blocked) && blocked.Tag == ErrTagBudgetBlocked {
			return skip(SkipBudgetBlocked, blocked.Message, blocked)
		}
		return WakeOutcome{}, err
	}
	policy := a.Heartbeat()
	timer := req.Source == WakeSourceTimer
	switch {
	case timer && !policy.Enabled:
		return skip(SkipHeartbeatDisabled, "Heartbeat timer is disabled for this agent", nil)
	case !timer && !policy.WakeOnDemand:
		return skip(SkipWakeOnDemandDisabled, "Wake on demand is disabled for this agent", nil)
	}
	if timer && policy.SkipWhenNoActionableWork {
		check, err := tx.idleCheck(a)
		if err != nil {
			return WakeOutcome{}, err
		}
		if check.Idle() {
			if err := tx.recordIdleSkip(a); err != nil {
				return WakeOutcome{}, err
			}
			return skip(SkipIdle, "No actionable work; adapter not invoked", nil)
		}
		snap["idleCheck"] = check.Map()
	}
	if issueID != "" {
		return tx.enqueueIssueWake(a, req, snap, issueID)
	}
	return tx.enqueueHeartbeatWake(a, req, snap)
}

// invokableOrBudgetPaused is the invokable gate (runtime.md §4.2 step 2): paused,
// terminated and pending agents are refused, except an agent the budget hard stop
// paused. That one is left to the budget gate (step 4), which answers budget_blocked
// with "Agent is paused because its budget hard-stop was reached." (costs-budgets
// §5.1), so the caller learns the cause and the scope to raise, as upstream answers.
func invokableOrBudgetPaused(a Agent) bool {
	switch a.Status {
	case AgentTerminated, AgentPendingApproval:
		return false
	case AgentPaused:
		return a.PauseReason != nil && *a.PauseReason == PauseBudget
	}
	return true
}

// enrichContext builds the context snapshot of a wake (runtime.md §4.1).
func enrichContext(req WakeRequest) map[string]any {
	snap := map[string]any{}
	for k, v := range req.Context {
		snap[k] = v
	}
	p := req.Payload
	setDefault := func(key string, v any) {
		if _, ok := snap[key]; !ok && v != nil && v != "" {
			snap[key] = v
		}
	}
	if req.Reason != nil {
		setDefault("wakeReason", *req.Reason)
	}
	issue := firstString(p["issueId"], p["taskId"])
	setDefault("issueId", issue)
	setDefault("taskId", issue)
	taskKey := firstString(snap["taskKey"], snap["taskId"], snap["issueId"], p["taskKey"], p["taskId"], p["issueId"])
	if taskKey == "" {
		taskKey = TaskKeyHeartbeat
	}
	setDefault("taskKey", taskKey)
	if c := firstString(p["commentId"]); c != "" {
		setDefault("commentId", c)
		setDefault("wakeCommentId", c)
	}
	for _, k := range []string{"approvalId", "approvalStatus", "issueIds"} {
		setDefault(k, p[k])
	}
	setDefault("wakeSource", req.Source)
	setDefault("wakeTriggerDetail", req.TriggerDetail)
	if req.ForceFreshSession {
		snap["forceFreshSession"] = true
	}
	if req.RetryOfRunID != "" {
		snap["retryOfRunId"] = req.RetryOfRunID
	}
	if c := firstString(snap["wakeCommentId"], snap["commentId"]); c != "" {
		ids := commentIDs(snap["wakeCommentIds"])
		if !slices.Contains(ids, c) {
			ids = append(ids, c)
		}
		snap["wakeCommentIds"] = ids
	}
	return snap
}

// mergeContext merges a newer snapshot into an older one: new keys win, except that
// wakeCommentIds accumulates every comment id seen, in order.
func mergeContext(old, next map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range old {
		out[k] = v
	}
	for k, v := range next {
		out[k] = v
	}
	ids := commentIDs(old["wakeCommentIds"])
	for _, c := range commentIDs(next["wakeCommentIds"]) {
		if !slices.Contains(ids, c) {
			ids = append(ids, c)
		}
	}
	if len(ids) > 0 {
		out["wakeCommentIds"] = ids
	}
	return out
}

func commentIDs(v any) []string {
	var out []string
	switch l := v.(type) {
	case []string:
		out = append(out, l...)
	case []any:
		for _, e := range l {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func firstString(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// enqueueIssueWake is runtime.md §4.3: at most one live run per issue.
func (tx *Tx) enqueueIssueWake(a Agent, req WakeRequest, snap map[string]any, issueID string) (WakeOutcome, error) {
	is, err := findIssue(tx.ctx, tx, issueID)
	if err != nil || is.CompanyID != a.CompanyID {
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return WakeOutcome{}, err
		}
		id, err := tx.insertWakeup(a, req, WakeupSkipped, SkipIssueNotFound, req.Payload, "", "Issue not found")
		return WakeOutcome{Skip: &WakeSkip{Reason: SkipIssueNotFound, Message: "Issue not found"}, WakeupID: id}, err
	}
	live, err := tx.issueLiveRun(&is)
	if err != nil {
		return WakeOutcome{}, err
	}
	if live == nil {
		return tx.createQueuedRun(a, req, snap, &is)
	}
	if live.AgentID == a.ID {
		liveCtx, err := tx.rawRunContext(live.ID)
		if err != nil {
			return WakeOutcome{}, err
		}
		followUp := false
		if live.Status == RunRunning {
			c := firstString(snap["wakeCommentId"], snap["commentId"])
			followUp = (c != "" && !slices.Contains(commentIDs(liveCtx["wakeCommentIds"]), c)) || firstString(snap["approvalId"]) != ""
		}
		if !followUp {
			return tx.coalesceInto(a, req, snap, live, "issue_execution_same_agent")
		}
	}
	return tx.deferWake(a, req, snap, &is, live)
}

// issueLiveRun returns the issue's live execution run, clearing a stale lock and
// adopting a live run that works on the issue without holding it.
func (tx *Tx) issueLiveRun(is *Issue) (*HeartbeatRun, error) {
	if is.ExecutionRunID != nil {
		r, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, *is.ExecutionRunID))
		if err != nil && err != sql.ErrNoRows {
			return nil, err
		}
		if err == nil && (r.Status == RunQueued || r.Status == RunRunning) {
			return &r, nil
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE issues SET execution_run_id = NULL, execution_agent_name_key = NULL,
			execution_locked_at = NULL WHERE id = ?`, is.ID); err != nil {
			return nil, err
		}
		is.ExecutionRunID, is.ExecutionAgentNameKey, is.ExecutionLockedAt = nil, nil, nil
	}
	r, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs
		WHERE company_id = ? AND issue_id = ? AND status IN `+liveRunStatuses+` ORDER BY created_at, id LIMIT 1`, is.CompanyID, is.ID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := tx.lockIssue(is.ID, r.ID, r.AgentID); err != nil {
		return nil, err
	}
	return &r, nil
}

// lockIssue points the issue's execution lock at a run of agentID.
func (tx *Tx) lockIssue(issueID, runID, agentID string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE issues SET execution_run_id = ?,
		execution_agent_name_key = (SELECT url_key FROM agents WHERE id = ?), execution_locked_at = ? WHERE id = ?`,
		runID, agentID, tx.Now(), issueID)
	return err
}

// enqueueHeartbeatWake is runtime.md §4.4: a wake not about an issue merges into the
// agent's live run of the same task key.
func (tx *Tx) enqueueHeartbeatWake(a Agent, req WakeRequest, snap map[string]any) (WakeOutcome, error) {
	r, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs
		WHERE agent_id = ? AND issue_id IS NULL AND status IN `+liveRunStatuses+`
		ORDER BY CASE status WHEN 'queued' THEN 0 ELSE 1 END, created_at, id LIMIT 1`, a.ID))
	if err == sql.ErrNoRows {
		return tx.createQueuedRun(a, req, snap, nil)
	}
	if err != nil {
		return WakeOutcome{}, err
	}
	return tx.coalesceInto(a, req, snap, &r, "heartbeat_same_agent")
}

// createQueuedRun inserts a queued wakeup and its queued run, and takes the issue's
// execution lock for an issue-scoped run.
func (tx *Tx) createQueuedRun(a Agent, req WakeRequest, snap map[string]any, is *Issue) (WakeOutcome, error) {
	reason := ""
	if req.Reason != nil {
		reason = *req.Reason
	}
	wakeID, err := tx.insertWakeup(a, req, WakeupQueued, reason, req.Payload, "", "")
	if err != nil {
		return WakeOutcome{}, err
	}
	return tx.queueRunFor(a, req, snap, is, wakeID)
}

// queueRunFor inserts the queued run of an existing wakeup row (new, or a deferred
// one being promoted) and links the two.
func (tx *Tx) queueRunFor(a Agent, req WakeRequest, snap map[string]any, is *Issue, wakeID string) (WakeOutcome, error) {
	runID := NewID()
	taskKey, _ := snap["taskKey"].(string)
	var before sql.NullString
	if err := tx.QueryRowContext(tx.ctx, `SELECT session_display_id FROM agent_task_sessions
		WHERE company_id = ? AND agent_id = ? AND adapter_type = ? AND task_key = ?`, a.CompanyID, a.ID, a.AdapterType, taskKey).
		Scan(&before); err != nil && err != sql.ErrNoRows {
		return WakeOutcome{}, err
	}
	snapJSON, _ := json.Marshal(snap)
	var issueID, retryOf any
	if is != nil {
		issueID = is.ID
	}
	if req.RetryOfRunID != "" {
		retryOf = req.RetryOfRunID
	}
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO heartbeat_runs (id, company_id, agent_id, invocation_source, trigger_detail,
		status, issue_id, wakeup_request_id, session_id_before, retry_of_run_id, process_loss_retry_count, context_snapshot,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, a.CompanyID, a.ID, req.Source, nullIfEmpty(req.TriggerDetail), issueID, wakeID, strPtrArg(before), retryOf,
		req.ProcessLossRetryCount, string(snapJSON), now, now); err != nil {
		return WakeOutcome{}, err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET run_id = ?, status = 'queued', updated_at = ? WHERE id = ?`,
		runID, now, wakeID); err != nil {
		return WakeOutcome{}, err
	}
	if is != nil {
		if err := tx.lockIssue(is.ID, runID, a.ID); err != nil {
			return WakeOutcome{}, err
		}
	}
	run, err := tx.auditedRun(a, req, runID)
	return WakeOutcome{Run: &run, Created: true, WakeupID: wakeID}, err
}

// coalesceInto merges a wake into a live run of the same agent.
func (tx *Tx) coalesceInto(a Agent, req WakeRequest, snap map[string]any, live *HeartbeatRun, reason string) (WakeOutcome, error) {
	old, err := tx.rawRunContext(live.ID)
	if err != nil {
		return WakeOutcome{}, err
	}
	merged, _ := json.Marshal(mergeContext(old, snap))
	if _, err := tx.ExecContext(tx.ctx, `UPDATE heartbeat_runs SET context_snapshot = ?, updated_at = ? WHERE id = ?`,
		string(merged), tx.Now(), live.ID); err != nil {
		return WakeOutcome{}, err
	}
	wakeID, err := tx.insertWakeup(a, req, WakeupCoalesced, reason, req.Payload, live.ID, "")
	if err != nil {
		return WakeOutcome{}, err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET coalesced_count = 1 WHERE id = ?`, wakeID); err != nil {
		return WakeOutcome{}, err
	}
	run, err := tx.auditedRun(a, req, live.ID)
	return WakeOutcome{Run: &run, WakeupID: wakeID}, err
}

// auditedRun reads a run back and writes heartbeat.invoked for an API wake.
func (tx *Tx) auditedRun(a Agent, req WakeRequest, runID string) (HeartbeatRun, error) {
	run, err := scanRun(tx.QueryRowContext(tx.ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, runID))
	if err != nil || !req.Audit {
		return run, err
	}
	return run, tx.logActivity(a.CompanyID, "heartbeat.invoked", "heartbeat_run", runID, map[string]any{"agentId": a.ID})
}

// deferWake parks a wake behind the issue's live run: one deferred row per agent and
// issue, later wakes merged into it.
func (tx *Tx) deferWake(a Agent, req WakeRequest, snap map[string]any, is *Issue, live *HeartbeatRun) (WakeOutcome, error) {
	skip := &WakeSkip{Reason: SkipDeferred, Message: "Issue is being worked on by another run; the wake runs after it",
		IssueID: &is.ID, ExecutionRunID: &live.ID, ExecutionAgentID: &live.AgentID}
	type parked struct {
		id      string
		payload map[string]any
	}
	rows, err := queryAll(tx.ctx, tx, func(sc scanner) (parked, error) {
		var p parked
		var payload sql.NullString
		err := sc.Scan(&p.id, &payload)
		p.payload = decodeObject(payload.String)
		return p, err
	}, `SELECT id, payload FROM agent_wakeup_requests
		WHERE agent_id = ? AND status = 'deferred_issue_execution' ORDER BY created_at, id`, a.ID)
	if err != nil {
		return WakeOutcome{}, err
	}
	var existing string
	var existingPayload map[string]any
	for _, p := range rows {
		if p.payload["issueId"] == is.ID {
			existing, existingPayload = p.id, p.payload
			break
		}
	}
	if existing != "" {
		prev, _ := existingPayload["_paperclipWakeContext"].(map[string]any)
		existingPayload["_paperclipWakeContext"] = mergeContext(prev, snap)
		raw, _ := json.Marshal(existingPayload)
		_, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET payload = ?, coalesced_count = coalesced_count + 1,
			updated_at = ? WHERE id = ?`, string(raw), tx.Now(), existing)
		return WakeOutcome{Skip: skip, WakeupID: existing}, err
	}
	payload := map[string]any{}
	for k, v := range req.Payload {
		payload[k] = v
	}
	payload["issueId"] = is.ID
	payload["_paperclipWakeContext"] = snap
	reason := SkipDeferred
	id, err := tx.insertWakeup(a, req, WakeupDeferred, reason, payload, "", "")
	return WakeOutcome{Skip: skip, WakeupID: id}, err
}
