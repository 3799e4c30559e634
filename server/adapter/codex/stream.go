package codex

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"paperclip/server/adapter/internal/localcli"
)

// Usage is the token usage of the last completed turn. For a resumed thread Codex
// reports totals over the whole thread, not this run alone (the runtime charges the
// difference to the previous run of the same session).
type Usage struct {
	InputTokens           int64 `json:"inputTokens"`
	CachedInputTokens     int64 `json:"cachedInputTokens"`
	OutputTokens          int64 `json:"outputTokens"`
	ReasoningOutputTokens int64 `json:"reasoningOutputTokens"`
}

// TranscriptEntry is one item of the run: a message, a command, a file change, ...
// Kind is the item type (agent_message, reasoning, command_execution, file_change,
// mcp_tool_call, web_search, todo_list, error).
type TranscriptEntry struct {
	ID       string `json:"id,omitempty"`
	Kind     string `json:"kind"`
	Text     string `json:"text,omitempty"`
	Command  string `json:"command,omitempty"`
	Output   string `json:"output,omitempty"`
	ExitCode *int   `json:"exitCode,omitempty"`
	Status   string `json:"status,omitempty"`
}

// Bounds on what a Stream keeps, so a long run cannot grow the server.
const (
	maxEntryText   = 16 << 10
	maxTranscript  = 500
	maxSummaryText = 64 << 10
	maxErrors      = 50
)

// Stream accumulates the JSONL output of one `codex exec --json` run. Write it the
// child's stdout as it arrives, then call Close. Non-JSON lines are ignored.
type Stream struct {
	// SessionID is the thread id, the handle for `exec resume`.
	SessionID  string
	Transcript []TranscriptEntry
	// Messages are the agent's completed messages, oldest first.
	Messages []string
	Usage    Usage
	// TurnCompleted and TurnFailed tell how the turn ended; both false when the
	// process died before.
	TurnCompleted bool
	TurnFailed    bool
	// FailureMessage is turn.failed's error; Errors are the error events, of which
	// many are transient ("Reconnecting... 2/5") and do not fail the run.
	FailureMessage string
	Errors         []string
	msgBytes       int
	lines          localcli.Lines
	items          map[string]int
}

// Write splits p into lines and feeds every complete one; it never fails.
func (s *Stream) Write(p []byte) (int, error) { return s.lines.Write(p, s.Feed) }

// Close feeds a last line that had no trailing newline.
func (s *Stream) Close() error {
	s.lines.Close(s.Feed)
	return nil
}

// ParseStream reads a whole JSONL output.
func ParseStream(r io.Reader) (*Stream, error) {
	s := &Stream{}
	if _, err := io.Copy(s, bufio.NewReader(r)); err != nil {
		return s, err
	}
	return s, s.Close()
}

type event struct {
	Type     string `json:"type"`
	ThreadID string `json:"thread_id"`
	Message  string `json:"message"`
	Error    *struct {
		Message string `json:"message"`
	} `json:"error"`
	Usage *struct {
		InputTokens           int64 `json:"input_tokens"`
		CachedInputTokens     int64 `json:"cached_input_tokens"`
		OutputTokens          int64 `json:"output_tokens"`
		ReasoningOutputTokens int64 `json:"reasoning_output_tokens"`
	} `json:"usage"`
	Item *itemEvent `json:"item"`
}

type itemEvent struct {
	ID               string `json:"id"`
	Type             string `json:"type"`
	Text             string `json:"text"`
	Message          string `json:"message"`
	Command          string `json:"command"`
	AggregatedOutput string `json:"aggregated_output"`
	ExitCode         *int   `json:"exit_code"`
	Status           string `json:"status"`
	Server           string `json:"server"`
	Tool             string `json:"tool"`
	Query            string `json:"query"`
	Changes          []struct {
		Path string `json:"path"`
		Kind string `json:"kind"`
	} `json:"changes"`
}

// Feed parses one line of output.
func (s *Stream) Feed(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] != '{' {
		return
	}
	var ev event
	if json.Unmarshal(line, &ev) != nil {
		return
	}
	switch ev.Type {
	case "thread.started":
		if ev.ThreadID != "" {
			s.SessionID = ev.ThreadID
		}
	case "turn.completed":
		s.TurnCompleted = true
		if u := ev.Usage; u != nil {
			s.Usage = Usage{u.InputTokens, u.CachedInputTokens, u.OutputTokens, u.ReasoningOutputTokens}
		}
	case "turn.failed":
		s.TurnFailed = true
		if ev.Error != nil {
			s.FailureMessage = ev.Error.Message
		}
	case "error":
		if ev.Message != "" && len(s.Errors) < maxErrors {
			s.Errors = append(s.Errors, ev.Message)
		}
	case "item.started", "item.updated", "item.completed":
		if ev.Item != nil {
			s.item(ev.Type == "item.completed", ev.Item)
		}
	}
}

func (s *Stream) item(completed bool, it *itemEvent) {
	e := TranscriptEntry{ID: it.ID, Kind: it.Type, Text: it.Text, Command: it.Command, ExitCode: it.ExitCode, Status: it.Status,
		Output: localcli.Truncate(it.AggregatedOutput, maxEntryText)}
	switch it.Type {
	case "error":
		e.Text = it.Message
	case "mcp_tool_call":
		e.Command = strings.Trim(it.Server+"."+it.Tool, ".")
	case "web_search":
		e.Text = it.Query
	case "file_change":
		var parts []string
		for _, c := range it.Changes {
			parts = append(parts, c.Kind+" "+c.Path)
		}
		e.Text = strings.Join(parts, "\n")
	}
	e.Text = localcli.Truncate(e.Text, maxEntryText)
	if completed && it.Type == "agent_message" && strings.TrimSpace(it.Text) != "" {
		s.Messages = append(s.Messages, it.Text)
		s.msgBytes += len(it.Text)
		for s.msgBytes > maxSummaryText && len(s.Messages) > 1 {
			s.msgBytes -= len(s.Messages[0])
			s.Messages = s.Messages[1:]
		}
	}
	// Started/updated/completed events of one item update one entry.
	if i, ok := s.items[it.ID]; ok && it.ID != "" && i < len(s.Transcript) && s.Transcript[i].ID == it.ID {
		s.Transcript[i] = e
		return
	}
	if len(s.Transcript) == maxTranscript {
		copy(s.Transcript, s.Transcript[1:])
		s.Transcript = s.Transcript[:maxTranscript-1]
		for id, i := range s.items {
			if i == 0 {
				delete(s.items, id)
			} else {
				s.items[id] = i - 1
			}
		}
	}
	if s.items == nil {
		s.items = map[string]int{}
	}
	s.items[it.ID] = len(s.Transcript)
	s.Transcript = append(s.Transcript, e)
}

// Summary is the agent's messages joined.
func (s *Stream) Summary() string {
	return localcli.Truncate(strings.Join(s.Messages, "\n\n"), maxSummaryText)
}

// Outcome is the adapter's verdict on a finished codex process: an empty ErrorCode
// means the run succeeded.
type Outcome struct {
	ErrorCode    string
	ErrorMessage string
	Summary      string
	// SessionID is the thread to save; empty when resuming it failed.
	SessionID string
	// ResumeFailed means the resumed thread does not exist: retry once, fresh.
	ResumeFailed bool
	RateLimited  bool
	// Stderr is the child's stderr without Codex's known noise lines.
	Stderr string
}

// Error codes of codex_local runs (runtime error codes).
const (
	CodeAdapterFailed = "adapter_failed"
	CodeAuthRequired  = "codex_auth_required"
)

var (
	// Codex 0.171.0 answers an unknown thread with "no rollout found for thread id <id>".
	resumeRe = regexp.MustCompile(`(?i)unknown (session|thread)|(session|thread|conversation) .* not found|missing rollout path for thread|no rollout found for (thread|conversation)`)
	authRe   = regexp.MustCompile("(?i)not logged in|please run codex login|401 unauthorized|re-run `?codex login|run `?codex login|no codex credentials were found")
	rateRe   = regexp.MustCompile(`(?i)429 too many requests|rate limit|usage limit|quota exceeded|insufficient_quota`)
	noiseRe  = regexp.MustCompile(`ERROR codex_core::rollout::list: state db missing rollout path|^WARNING: proceeding, even though we could not create PATH aliases`)
)

// Outcome classifies the run from the parsed stream, the exit code and stderr.
// resumed tells whether the run passed `resume <id>`. Patterns are matched against
// what Codex reports (turn failure, error events, stderr), never against command
// output the agent produced.
func (s *Stream) Outcome(exitCode int, stderr string, resumed bool) Outcome {
	o := Outcome{Summary: s.Summary(), SessionID: s.SessionID, Stderr: CleanStderr(stderr)}
	if exitCode == 0 && !s.TurnFailed {
		return o
	}
	o.ErrorCode = CodeAdapterFailed
	switch {
	case s.FailureMessage != "":
		o.ErrorMessage = s.FailureMessage
	case len(s.Errors) > 0:
		o.ErrorMessage = s.Errors[len(s.Errors)-1]
	case errorLine(o.Stderr) != "":
		o.ErrorMessage = errorLine(o.Stderr)
	default:
		o.ErrorMessage = fmt.Sprintf("Codex exited with code %d", exitCode)
	}
	own := strings.Join(append([]string{s.FailureMessage, o.Stderr}, s.Errors...), "\n")
	if authRe.MatchString(own) {
		o.ErrorCode = CodeAuthRequired
	}
	o.RateLimited = rateRe.MatchString(own)
	if o.ResumeFailed = resumed && resumeRe.MatchString(own); o.ResumeFailed {
		o.SessionID = ""
	}
	return o
}

// CleanStderr drops the lines Codex prints on every run that say nothing about it.
func CleanStderr(stderr string) string {
	if !noiseRe.MatchString(stderr) {
		return stderr
	}
	lines := strings.SplitAfter(stderr, "\n")
	out := lines[:0]
	for _, l := range lines {
		if !noiseRe.MatchString(l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// errorLine is Codex's top-level "Error: ..." line, else the first non-blank line.
func errorLine(stderr string) string {
	first := ""
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "Error: ") {
			return localcli.Truncate(strings.TrimPrefix(l, "Error: "), 2000)
		}
		if first == "" {
			first = l
		}
	}
	return localcli.Truncate(first, 2000)
}

// BillingType is "api" when the child runs with an OpenAI API key, else
// "subscription" (a ChatGPT login).
func BillingType(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "OPENAI_API_KEY="); ok && v != "" {
			return "api"
		}
	}
	return "subscription"
}
