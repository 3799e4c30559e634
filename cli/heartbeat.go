package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/cobra"
)

// heartbeat run (cli.md §8.8): wake one agent, then follow its run by polling the run,
// its events and its log (runtime.md §12) until it ends.

// heartbeatPollInterval is how often a followed run is polled.
const heartbeatPollInterval = 200 * time.Millisecond

func newHeartbeatCommand(a *app) *cobra.Command {
	return newGroupCommand("heartbeat", "Heartbeat utilities",
		"  paperclip heartbeat run --agent-id <agentId>",
		newHeartbeatRunCommand(a),
	)
}

type heartbeatOptions struct {
	agentID   string
	source    string
	trigger   string
	timeoutMs int64
	debug     bool
}

func newHeartbeatRunCommand(a *app) *cobra.Command {
	var f clientFlags
	var opts heartbeatOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run one agent heartbeat and stream its live output",
		Example: "  paperclip heartbeat run -a <agentId>\n" +
			"  paperclip heartbeat run -a <agentId> --timeout-ms 600000 --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOneOf("source", opts.source, wakeSources()...); err != nil {
				return err
			}
			if err := checkOneOf("trigger", opts.trigger, wakeTriggers()...); err != nil {
				return err
			}
			if opts.timeoutMs < 0 {
				return &cliError{msg: fmt.Sprintf("Invalid --timeout-ms %d: expected 0 (wait forever) or more", opts.timeoutMs)}
			}
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			// Polls are many small requests; the whole run is bounded by --timeout-ms instead.
			s.api.http = &http.Client{}
			return a.heartbeatRun(cmd.Context(), s, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.agentID, "agent-id", "a", "", "agent to invoke")
	fl.StringVar(&f.contextPath, "context", "", "path to the CLI context file")
	fl.StringVar(&f.profile, "profile", "", "CLI context profile name")
	fl.StringVar(&f.apiBase, "api-base", "", "base URL of the Paperclip API")
	fl.StringVar(&f.apiKey, "api-key", "", "bearer token (default: PAPERCLIP_API_KEY)")
	fl.StringVar(&opts.source, "source", "on_demand", "invocation source: timer, assignment, on_demand, automation")
	fl.StringVar(&opts.trigger, "trigger", "manual", "trigger detail: manual, ping, callback, system")
	fl.Int64Var(&opts.timeoutMs, "timeout-ms", 0, "give up after this many milliseconds (0 = wait forever; the run continues on the server)")
	fl.BoolVar(&f.json, "json", false, "print only the final run object as JSON")
	fl.BoolVar(&opts.debug, "debug", false, "show every raw stdout/stderr/system chunk")
	cmd.MarkFlagRequired("agent-id")
	return cmd
}

// runView is the part of a heartbeat run the follower reads.
type runView struct {
	ID            string          `json:"id"`
	Status        string          `json:"status"`
	Error         *string         `json:"error"`
	ResultJSON    json.RawMessage `json:"resultJson"`
	StdoutExcerpt *string         `json:"stdoutExcerpt"`
	StderrExcerpt *string         `json:"stderrExcerpt"`
}

func isTerminalRunStatus(s string) bool {
	return oneOf(s, "succeeded", "failed", "cancelled", "timed_out")
}

func (a *app) heartbeatRun(ctx context.Context, s *session, opts heartbeatOptions) error {
	var agent struct {
		agentRef
		AdapterType string `json:"adapterType"`
	}
	err := s.api.getInto(ctx, apiPath("/api/agents/%s", opts.agentID), nil, &agent)
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return &cliError{msg: "Agent not found: " + opts.agentID}
	}
	if err != nil {
		return err
	}
	raw, err := s.post(ctx, apiPath("/api/agents/%s/wakeup", agent.ID),
		map[string]any{"source": opts.source, "triggerDetail": opts.trigger})
	if err != nil {
		return err
	}
	var woke struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(raw, &woke); err != nil {
		return fmt.Errorf("unexpected wakeup answer: %w", err)
	}
	if woke.Status == "skipped" || woke.ID == "" {
		if s.json {
			return a.printJSON(raw)
		}
		a.printf("Heartbeat invocation was skipped (%s)\n", firstNonEmpty(woke.Reason, "no reason given"))
		return nil
	}
	if !s.json {
		a.printf("Invoked heartbeat run %s for agent %s (%s)\n", woke.ID, agent.Name, agent.ID)
	}

	if opts.timeoutMs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(opts.timeoutMs)*time.Millisecond)
		defer cancel()
	}
	f := &runFollower{a: a, s: s, runID: woke.ID, debug: opts.debug,
		render: newRenderer(a, agent.AdapterType, opts.debug)}
	run, runRaw, err := f.follow(ctx)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &cliError{msg: fmt.Sprintf("CLI timed out after %dms", opts.timeoutMs),
				hint: fmt.Sprintf("The run keeps going on the server: paperclip issue runs, or GET /api/heartbeat-runs/%s", woke.ID)}
		}
		return err
	}
	if s.json {
		if err := a.printJSON(runRaw); err != nil {
			return err
		}
	} else {
		a.printRunEnd(run, opts.debug)
	}
	if run.Status != "succeeded" {
		return errSilent
	}
	return nil
}

// runFollower polls one run and renders what is new.
type runFollower struct {
	a      *app
	s      *session
	runID  string
	debug  bool
	render *renderer

	afterSeq   int64
	logOffset  int64
	lastStatus string
	pending    []byte // a log line not yet complete
}

// follow polls until the run is terminal, then drains the remaining events and log.
func (f *runFollower) follow(ctx context.Context) (runView, json.RawMessage, error) {
	ticker := time.NewTicker(heartbeatPollInterval)
	defer ticker.Stop()
	for {
		if !f.s.json {
			if err := f.pollEvents(ctx); err != nil {
				return runView{}, nil, err
			}
			if _, err := f.pollLog(ctx); err != nil {
				return runView{}, nil, err
			}
		}
		raw, err := f.s.get(ctx, apiPath("/api/heartbeat-runs/%s", f.runID), nil)
		if err != nil {
			return runView{}, nil, err
		}
		var run runView
		if err := json.Unmarshal(raw, &run); err != nil {
			return runView{}, nil, fmt.Errorf("unexpected run answer: %w", err)
		}
		if run.Status != f.lastStatus && !f.s.json {
			f.a.printf("%s\n", f.a.paint("36", "[status] "+run.Status))
			f.lastStatus = run.Status
		}
		if isTerminalRunStatus(run.Status) {
			if !f.s.json {
				if err := f.drain(ctx); err != nil {
					return runView{}, nil, err
				}
			}
			return run, raw, nil
		}
		select {
		case <-ctx.Done():
			return runView{}, nil, ctx.Err()
		case <-ticker.C:
		}
	}
}

// drain reads what the run wrote after its last poll.
func (f *runFollower) drain(ctx context.Context) error {
	if err := f.pollEvents(ctx); err != nil {
		return err
	}
	for range 1000 { // bounded: a finished log has a fixed length
		more, err := f.pollLog(ctx)
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if len(f.pending) > 0 {
		f.logLine(f.pending)
		f.pending = nil
	}
	f.render.flush()
	return nil
}

type runEvent struct {
	Seq       int64           `json:"seq"`
	EventType string          `json:"eventType"`
	Stream    *string         `json:"stream"`
	Level     *string         `json:"level"`
	Message   *string         `json:"message"`
	Payload   json.RawMessage `json:"payload"`
}

func (f *runFollower) pollEvents(ctx context.Context) error {
	for {
		q := url.Values{"afterSeq": {strconv.FormatInt(f.afterSeq, 10)}, "limit": {"100"}}
		var events []runEvent
		if err := f.s.api.getInto(ctx, apiPath("/api/heartbeat-runs/%s/events", f.runID), q, &events); err != nil {
			return err
		}
		for _, ev := range events {
			f.afterSeq = max(f.afterSeq, ev.Seq)
			f.render.event(ev)
		}
		if len(events) < 100 {
			return nil
		}
	}
}

// pollLog reads the next window of the NDJSON log; more reports that the window was
// full, so the caller may read again at once.
func (f *runFollower) pollLog(ctx context.Context) (more bool, err error) {
	q := url.Values{"offset": {strconv.FormatInt(f.logOffset, 10)}, "limitBytes": {"16384"}}
	var page struct {
		Content    string `json:"content"`
		NextOffset *int64 `json:"nextOffset"`
	}
	err = f.s.api.getInto(ctx, apiPath("/api/heartbeat-runs/%s/log", f.runID), q, &page)
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return false, nil // the log file is not open yet
	}
	if err != nil {
		return false, err
	}
	if page.NextOffset != nil {
		f.logOffset = *page.NextOffset
	} else {
		f.logOffset += int64(len(page.Content))
	}
	data := append(f.pending, page.Content...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		f.logLine(data[:i])
		data = data[i+1:]
	}
	f.pending = append([]byte(nil), data...)
	return page.NextOffset != nil && page.Content != "", nil
}

// logLine renders one NDJSON record {"ts","stream","chunk"}.
func (f *runFollower) logLine(line []byte) {
	var rec struct {
		Stream string `json:"stream"`
		Chunk  string `json:"chunk"`
	}
	if len(line) == 0 {
		return
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		f.render.chunk("system", string(line)+"\n")
		return
	}
	f.render.chunk(rec.Stream, rec.Chunk)
}

// printRunEnd is §8.8 step 6.
func (a *app) printRunEnd(run runView, debug bool) {
	status := run.Status
	if status == "succeeded" {
		status = a.paint("32", status)
	} else {
		status = a.paint("31", status)
	}
	a.printf("Run %s completed with status %s\n", run.ID, status)
	if run.Status == "succeeded" {
		return
	}
	if run.Error != nil && *run.Error != "" {
		a.printf("Error: %s\n", *run.Error)
	}
	var result struct {
		Type    string `json:"type"`
		Subtype string `json:"subtype"`
		IsError *bool  `json:"is_error"`
		Result  any    `json:"result"`
	}
	if len(run.ResultJSON) > 0 && json.Unmarshal(run.ResultJSON, &result) == nil && (result.Subtype != "" || result.IsError != nil) {
		a.printf("Claude result: subtype=%s is_error=%v\n", result.Subtype, result.IsError != nil && *result.IsError)
		if text, ok := result.Result.(string); ok && text != "" {
			a.printf("Claude result text: %s\n", text)
		}
	}
	stderr := ""
	if run.StderrExcerpt != nil {
		stderr = *run.StderrExcerpt
	}
	if stderr != "" {
		a.printf("stderr excerpt:\n%s\n", trimTrailingNewline(stderr))
	}
	if (debug || stderr == "") && run.StdoutExcerpt != nil && *run.StdoutExcerpt != "" {
		a.printf("stdout excerpt:\n%s\n", trimTrailingNewline(*run.StdoutExcerpt))
	}
}

func trimTrailingNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
