package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
)

// HeartbeatRun is one run row (agents.md §10); its JSON fields are redacted on read.
// Summary runs leave out resultJson, contextSnapshot and the output excerpts.
type HeartbeatRun struct {
	ID               string
	CompanyID        string
	AgentID          string
	InvocationSource string
	TriggerDetail    *string
	Status           string
	IssueID          *string
	StartedAt        *string
	FinishedAt       *string
	Error            *string
	ErrorCode        *string
	WakeupRequestID  *string
	ExitCode         *int64
	Signal           *string
	UsageJSON        JSONRaw
	ResultJSON       JSONRaw
	SessionIDBefore  *string
	SessionIDAfter   *string
	LogStore         *string
	LogRef           *string
	LogBytes         *int64
	StdoutExcerpt    *string
	StderrExcerpt    *string
	ProcessPID       *int64
	ProcessStartedAt *string
	LastOutputAt     *string
	RetryOfRunID     *string
	ContextSnapshot  JSONRaw
	CreatedAt        string
	UpdatedAt        string

	Summary bool
}

type runWire struct {
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	AgentID          string  `json:"agentId"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    *string `json:"triggerDetail"`
	Status           string  `json:"status"`
	IssueID          *string `json:"issueId"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	Error            *string `json:"error"`
	ErrorCode        *string `json:"errorCode"`
	WakeupRequestID  *string `json:"wakeupRequestId"`
	ExitCode         *int64  `json:"exitCode"`
	Signal           *string `json:"signal"`
	UsageJSON        JSONRaw `json:"usageJson"`
	SessionIDBefore  *string `json:"sessionIdBefore"`
	SessionIDAfter   *string `json:"sessionIdAfter"`
	LogStore         *string `json:"logStore"`
	LogRef           *string `json:"logRef"`
	LogBytes         *int64  `json:"logBytes"`
	ProcessPID       *int64  `json:"processPid"`
	ProcessStartedAt *string `json:"processStartedAt"`
	LastOutputAt     *string `json:"lastOutputAt"`
	RetryOfRunID     *string `json:"retryOfRunId"`
	CreatedAt        string  `json:"createdAt"`
	UpdatedAt        string  `json:"updatedAt"`
}

// MarshalJSON writes the run, without the heavy fields when Summary is set.
func (r HeartbeatRun) MarshalJSON() ([]byte, error) {
	w := runWire{r.ID, r.CompanyID, r.AgentID, r.InvocationSource, r.TriggerDetail, r.Status, r.IssueID, r.StartedAt,
		r.FinishedAt, r.Error, r.ErrorCode, r.WakeupRequestID, r.ExitCode, r.Signal, r.UsageJSON, r.SessionIDBefore,
		r.SessionIDAfter, r.LogStore, r.LogRef, r.LogBytes, r.ProcessPID, r.ProcessStartedAt, r.LastOutputAt,
		r.RetryOfRunID, r.CreatedAt, r.UpdatedAt}
	if r.Summary {
		return json.Marshal(w)
	}
	return json.Marshal(struct {
		runWire
		ResultJSON      JSONRaw `json:"resultJson"`
		StdoutExcerpt   *string `json:"stdoutExcerpt"`
		StderrExcerpt   *string `json:"stderrExcerpt"`
		ContextSnapshot JSONRaw `json:"contextSnapshot"`
	}{w, r.ResultJSON, r.StdoutExcerpt, r.StderrExcerpt, r.ContextSnapshot})
}

const runColumns = `id, company_id, agent_id, invocation_source, trigger_detail, status, issue_id, started_at, finished_at,
	error, error_code, wakeup_request_id, exit_code, signal, usage_json, result_json, session_id_before, session_id_after,
	log_store, log_ref, log_bytes, stdout_excerpt, stderr_excerpt, process_pid, process_started_at, last_output_at,
	retry_of_run_id, context_snapshot, created_at, updated_at`

// qualifiedRunColumns is runColumns with the "r." alias, for queries that join runs.
var qualifiedRunColumns = "r." + strings.Join(strings.Fields(strings.ReplaceAll(runColumns, ",", " ")), ", r.")

// scanRun reads runColumns, then any extra columns a joined query selects after them.
func scanRun(sc scanner, extra ...any) (HeartbeatRun, error) {
	var r HeartbeatRun
	var trigger, issue, started, finished, errText, errCode, wakeup, signal, usage, result, before, after sql.NullString
	var logStore, logRef, stdout, stderr, procStarted, lastOut, retry, snapshot sql.NullString
	var exit, logBytes, pid sql.NullInt64
	dest := []any{&r.ID, &r.CompanyID, &r.AgentID, &r.InvocationSource, &trigger, &r.Status, &issue, &started, &finished,
		&errText, &errCode, &wakeup, &exit, &signal, &usage, &result, &before, &after, &logStore, &logRef, &logBytes,
		&stdout, &stderr, &pid, &procStarted, &lastOut, &retry, &snapshot, &r.CreatedAt, &r.UpdatedAt}
	err := sc.Scan(append(dest, extra...)...)
	if err != nil {
		return r, err
	}
	r.TriggerDetail, r.IssueID, r.StartedAt, r.FinishedAt = strPtr(trigger), strPtr(issue), strPtr(started), strPtr(finished)
	r.Error, r.ErrorCode, r.WakeupRequestID, r.Signal = strPtr(errText), strPtr(errCode), strPtr(wakeup), strPtr(signal)
	r.SessionIDBefore, r.SessionIDAfter, r.LogStore, r.LogRef = strPtr(before), strPtr(after), strPtr(logStore), strPtr(logRef)
	r.StdoutExcerpt, r.StderrExcerpt, r.ProcessStartedAt = strPtr(stdout), strPtr(stderr), strPtr(procStarted)
	r.LastOutputAt, r.RetryOfRunID = strPtr(lastOut), strPtr(retry)
	r.ExitCode, r.LogBytes, r.ProcessPID = intPtr(exit), intPtr(logBytes), intPtr(pid)
	r.UsageJSON, r.ResultJSON = redactedJSON(usage, "null"), redactedJSON(result, "null")
	r.ContextSnapshot = redactedJSON(snapshot, "null")
	return r, nil
}

func intPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// FindHeartbeatRunByID returns one run or "Heartbeat run not found".
func (s *Store) FindHeartbeatRunByID(ctx context.Context, id string) (HeartbeatRun, error) {
	r, err := scanRun(s.reader.QueryRowContext(ctx, `SELECT `+runColumns+` FROM heartbeat_runs WHERE id = ?`, id))
	return r, translate(err, "Heartbeat run")
}

// RunFilter selects runs of a company; Limit 0 means all.
type RunFilter struct {
	CompanyID string
	AgentID   string
	Limit     int
	Summary   bool
}

// FindHeartbeatRuns lists a company's runs newest first.
func (s *Store) FindHeartbeatRuns(ctx context.Context, f RunFilter) ([]HeartbeatRun, error) {
	query := `SELECT ` + runColumns + ` FROM heartbeat_runs WHERE company_id = ?`
	args := []any{f.CompanyID}
	if f.AgentID != "" {
		query += ` AND agent_id = ?`
		args = append(args, f.AgentID)
	}
	query += ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryAll(ctx, s.reader, func(sc scanner) (HeartbeatRun, error) {
		r, err := scanRun(sc)
		r.Summary = f.Summary
		return r, err
	}, query, args...)
}

// LiveRun is one row of the live-runs widget.
type LiveRun struct {
	ID               string  `json:"id"`
	Status           string  `json:"status"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    *string `json:"triggerDetail"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	CreatedAt        string  `json:"createdAt"`
	AgentID          string  `json:"agentId"`
	AgentName        string  `json:"agentName"`
	AdapterType      string  `json:"adapterType"`
	IssueID          *string `json:"issueId"`
	LogBytes         *int64  `json:"logBytes"`
	LastOutputAt     *string `json:"lastOutputAt"`
}

// LiveRunFilter selects the live-runs widget of a company.
type LiveRunFilter struct {
	CompanyID string
	// MinCount pads the list with the most recent finished runs up to this many.
	MinCount int
	// Limit caps the queued and running runs listed.
	Limit int
}

// FindLiveRuns lists queued/running runs newest first (at most f.Limit), padded with the
// most recent finished runs up to f.MinCount.
func (s *Store) FindLiveRuns(ctx context.Context, f LiveRunFilter) ([]LiveRun, error) {
	companyID, minCount, limit := f.CompanyID, f.MinCount, f.Limit
	const cols = `SELECT r.id, r.status, r.invocation_source, r.trigger_detail, r.started_at, r.finished_at, r.created_at,
		r.agent_id, a.name, a.adapter_type, r.issue_id, r.log_bytes, r.last_output_at
		FROM heartbeat_runs r JOIN agents a ON a.id = r.agent_id WHERE r.company_id = ?`
	live, err := queryAll(ctx, s.reader, scanLiveRun, cols+` AND r.status IN ('queued', 'running') ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, companyID, limit)
	if err != nil {
		return nil, err
	}
	if pad := min(minCount, limit) - len(live); pad > 0 {
		done, err := queryAll(ctx, s.reader, scanLiveRun, cols+` AND r.status NOT IN ('queued', 'running') ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, companyID, pad)
		if err != nil {
			return nil, err
		}
		live = append(live, done...)
	}
	return live, nil
}

func scanLiveRun(sc scanner) (LiveRun, error) {
	var l LiveRun
	var trigger, started, finished, issue, lastOut sql.NullString
	var logBytes sql.NullInt64
	err := sc.Scan(&l.ID, &l.Status, &l.InvocationSource, &trigger, &started, &finished, &l.CreatedAt,
		&l.AgentID, &l.AgentName, &l.AdapterType, &issue, &logBytes, &lastOut)
	l.TriggerDetail, l.StartedAt, l.FinishedAt, l.IssueID = strPtr(trigger), strPtr(started), strPtr(finished), strPtr(issue)
	l.LogBytes, l.LastOutputAt = intPtr(logBytes), strPtr(lastOut)
	return l, err
}

// RunEvent is one event of a run.
type RunEvent struct {
	ID        int64   `json:"id"`
	CompanyID string  `json:"companyId"`
	RunID     string  `json:"runId"`
	AgentID   string  `json:"agentId"`
	Seq       int64   `json:"seq"`
	EventType string  `json:"eventType"`
	Stream    *string `json:"stream"`
	Level     *string `json:"level"`
	Color     *string `json:"color"`
	Message   *string `json:"message"`
	Payload   JSONRaw `json:"payload"`
	CreatedAt string  `json:"createdAt"`
}

// RunEventFilter selects the events of one run after a sequence number.
type RunEventFilter struct {
	RunID    string
	AfterSeq int64
	Limit    int
}

// FindRunEvents lists a run's events with seq > f.AfterSeq in order, at most f.Limit.
func (s *Store) FindRunEvents(ctx context.Context, f RunEventFilter) ([]RunEvent, error) {
	return queryAll(ctx, s.reader, scanRunEvent, `SELECT id, company_id, run_id, agent_id, seq, event_type, stream, level, color,
		message, payload, created_at FROM heartbeat_run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`, f.RunID, f.AfterSeq, f.Limit)
}

func scanRunEvent(sc scanner) (RunEvent, error) {
	var e RunEvent
	var stream, level, color, message, payload sql.NullString
	if err := sc.Scan(&e.ID, &e.CompanyID, &e.RunID, &e.AgentID, &e.Seq, &e.EventType, &stream, &level, &color,
		&message, &payload, &e.CreatedAt); err != nil {
		return RunEvent{}, err
	}
	e.Stream, e.Level, e.Color, e.Message = strPtr(stream), strPtr(level), strPtr(color), strPtr(message)
	e.Payload = redactedJSON(payload, "null")
	return e, nil
}

// RunIssue is an issue a run touched.
type RunIssue struct {
	IssueID    string `json:"issueId"`
	Identifier string `json:"identifier"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	Priority   string `json:"priority"`
}

// FindRunIssues lists the visible issues a run touched: issue activity stamped with the
// run plus the issue of its wake context, in the issue list order.
func (s *Store) FindRunIssues(ctx context.Context, run HeartbeatRun) ([]RunIssue, error) {
	var ctxIssue any
	if run.IssueID != nil {
		ctxIssue = *run.IssueID
	}
	return queryAll(ctx, s.reader, func(sc scanner) (RunIssue, error) {
		var ri RunIssue
		err := sc.Scan(&ri.IssueID, &ri.Identifier, &ri.Title, &ri.Status, &ri.Priority)
		return ri, err
	}, runIssuesSQL, run.CompanyID, ctxIssue, run.ID, run.CompanyID)
}

// runIssuesSQL reads the run's issues by primary key: the wake issue and the issues of
// the activity rows found through the run index. The unary + terms still filter but take
// an index away from the planner, which without statistics otherwise walks a company
// index through every issue of the company (in list order, to skip a sort) and reads
// the activity of every issue by entity type (TestAgentPathPlansUseIndexes).
const runIssuesSQL = `SELECT i.id, i.identifier, i.title, i.status, i.priority FROM issues i
		WHERE +i.company_id = ? AND i.hidden_at IS NULL AND i.id IN
			(SELECT ? UNION SELECT entity_id FROM activity_log WHERE run_id = ? AND +entity_type = 'issue' AND company_id = ?)
		ORDER BY CASE i.priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
		i.updated_at DESC, i.id DESC`

// CountLiveRuns counts heartbeat runs that are queued or running, instance-wide.
func (s *Store) CountLiveRuns(ctx context.Context) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM heartbeat_runs WHERE status IN ('queued', 'running')`).Scan(&n)
	return n, err
}
