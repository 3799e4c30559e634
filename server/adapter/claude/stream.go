package claude

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"time"

	"paperclip/server/adapter/internal/localcli"
)

// Usage is the token usage of a run as the result event reports it. Cache writes are
// kept apart because the run's usage has no field for them (they are priced into
// total_cost_usd).
type Usage struct {
	InputTokens              int64 `json:"inputTokens"`
	CachedInputTokens        int64 `json:"cachedInputTokens"`
	OutputTokens             int64 `json:"outputTokens"`
	CacheCreationInputTokens int64 `json:"cacheCreationInputTokens"`
}

// Kinds of TranscriptEntry.
const (
	EntryInit       = "init"
	EntryText       = "text"
	EntryThinking   = "thinking"
	EntryToolUse    = "tool_use"
	EntryToolResult = "tool_result"
	EntryRateLimit  = "rate_limit"
	EntryAPIRetry   = "api_retry"
	EntryResult     = "result"
)

// TranscriptEntry is one readable step of a run: what the model said, thought, called
// and got back.
type TranscriptEntry struct {
	Kind      string          `json:"kind"`
	Text      string          `json:"text,omitempty"`
	Tool      string          `json:"tool,omitempty"`
	ToolUseID string          `json:"toolUseId,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	IsError   bool            `json:"isError,omitempty"`
}

// RateLimit is the last rate-limit state the CLI reported.
type RateLimit struct {
	Status   string     `json:"status"` // allowed, allowed_warning, rejected
	Type     string     `json:"type,omitempty"`
	ResetsAt *time.Time `json:"resetsAt,omitempty"`
}

// Bounds on what a Stream keeps, so a run of many hours cannot grow the server.
const (
	maxEntryText       = 16 << 10
	maxTranscript      = 500
	maxSummaryText     = 64 << 10
	maxPlainLines      = 50
	maxPlainLineLength = 2000
)

// Stream accumulates the stream-json output of one `claude --print` run. Write it the
// child's stdout as it arrives (it is an io.Writer splitting lines), then call Close.
// Lines that are not JSON objects are kept aside for error classification, never fatal.
type Stream struct {
	SessionID  string
	Model      string
	Transcript []TranscriptEntry
	// Result is the final result event as the CLI wrote it (the run's resultJson);
	// nil when the CLI exited without one.
	Result     map[string]any
	Subtype    string
	IsError    bool
	ResultText string
	Errors     []string
	NumTurns   int
	DurationMS int64
	Usage      Usage
	// CostUSD is total_cost_usd of the result event, nil without one.
	CostUSD *float64
	// APIErrors are the error kinds the CLI attached to synthetic assistant messages
	// and retries ("authentication_failed", "rate_limit", ...), in order.
	APIErrors      []string
	APIErrorStatus int
	RateLimit      *RateLimit
	texts          []string
	textBytes      int
	plain          []string
	lines          localcli.Lines
}

// Write splits p into lines and feeds every complete one; it never fails.
func (s *Stream) Write(p []byte) (int, error) { return s.lines.Write(p, s.Feed) }

// Close feeds a last line that had no trailing newline.
func (s *Stream) Close() error {
	s.lines.Close(s.Feed)
	return nil
}

// ParseStream reads a whole stream-json output.
func ParseStream(r io.Reader) (*Stream, error) {
	s := &Stream{}
	if _, err := io.Copy(s, bufio.NewReader(r)); err != nil {
		return s, err
	}
	return s, s.Close()
}

type streamEvent struct {
	Type      string `json:"type"`
	Subtype   string `json:"subtype"`
	SessionID string `json:"session_id"`
	Model     string `json:"model"`
	Error     string `json:"error"`
	Message   *struct {
		Content []contentBlock `json:"content"`
	} `json:"message"`
	RateLimitInfo *struct {
		Status        string   `json:"status"`
		ResetsAt      *float64 `json:"resetsAt"`
		RateLimitType string   `json:"rateLimitType"`
	} `json:"rate_limit_info"`
	Attempt     int `json:"attempt"`
	ErrorStatus int `json:"error_status"`
}

type contentBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	Thinking  string          `json:"thinking"`
	Name      string          `json:"name"`
	ID        string          `json:"id"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
	IsError   bool            `json:"is_error"`
}

type resultEvent struct {
	Subtype        string   `json:"subtype"`
	IsError        bool     `json:"is_error"`
	Result         string   `json:"result"`
	Errors         []string `json:"errors"`
	SessionID      string   `json:"session_id"`
	TotalCostUSD   *float64 `json:"total_cost_usd"`
	NumTurns       int      `json:"num_turns"`
	DurationMS     int64    `json:"duration_ms"`
	APIErrorStatus *int     `json:"api_error_status"`
	Usage          struct {
		InputTokens              int64 `json:"input_tokens"`
		CacheReadInputTokens     int64 `json:"cache_read_input_tokens"`
		CacheCreationInputTokens int64 `json:"cache_creation_input_tokens"`
		OutputTokens             int64 `json:"output_tokens"`
	} `json:"usage"`
}

// Feed parses one line of output.
func (s *Stream) Feed(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	var ev streamEvent
	if line[0] != '{' || json.Unmarshal(line, &ev) != nil || ev.Type == "" {
		s.keepPlain(string(line))
		return
	}
	if ev.SessionID != "" && ev.Type != "result" {
		s.SessionID = ev.SessionID
	}
	switch ev.Type {
	case "system":
		switch ev.Subtype {
		case "init":
			if ev.Model != "" {
				s.Model = ev.Model
			}
			s.add(TranscriptEntry{Kind: EntryInit, Text: ev.Model})
		case "api_retry":
			s.noteAPIError(ev.Error)
			s.add(TranscriptEntry{Kind: EntryAPIRetry, Text: fmt.Sprintf("attempt %d: %s (HTTP %d)", ev.Attempt, ev.Error, ev.ErrorStatus), IsError: true})
		}
	case "assistant":
		s.noteAPIError(ev.Error)
		if ev.Message == nil {
			return
		}
		for _, b := range ev.Message.Content {
			switch b.Type {
			case "text":
				s.addText(b.Text)
				s.add(TranscriptEntry{Kind: EntryText, Text: b.Text, IsError: ev.Error != ""})
			case "thinking":
				s.add(TranscriptEntry{Kind: EntryThinking, Text: b.Thinking})
			case "tool_use":
				s.add(TranscriptEntry{Kind: EntryToolUse, Tool: b.Name, ToolUseID: b.ID, Input: bounded(b.Input)})
			}
		}
	case "user":
		if ev.Message == nil {
			return
		}
		for _, b := range ev.Message.Content {
			if b.Type == "tool_result" {
				s.add(TranscriptEntry{Kind: EntryToolResult, ToolUseID: b.ToolUseID, Text: toolResultText(b.Content), IsError: b.IsError})
			}
		}
	case "rate_limit_event":
		if info := ev.RateLimitInfo; info != nil {
			rl := &RateLimit{Status: info.Status, Type: info.RateLimitType}
			if info.ResetsAt != nil && *info.ResetsAt > 0 {
				t := time.Unix(int64(*info.ResetsAt), 0).UTC()
				rl.ResetsAt = &t
			}
			s.RateLimit = rl
			s.add(TranscriptEntry{Kind: EntryRateLimit, Text: strings.TrimSpace(info.Status + " " + info.RateLimitType), IsError: info.Status == "rejected"})
		}
	case "result":
		s.feedResult(line)
	}
}

func (s *Stream) feedResult(line []byte) {
	var r resultEvent
	var raw map[string]any
	if json.Unmarshal(line, &r) != nil || json.Unmarshal(line, &raw) != nil {
		return
	}
	s.Result, s.Subtype, s.IsError, s.ResultText = raw, r.Subtype, r.IsError, r.Result
	s.Errors, s.NumTurns, s.DurationMS = r.Errors, r.NumTurns, r.DurationMS
	if r.SessionID != "" {
		s.SessionID = r.SessionID
	}
	if r.TotalCostUSD != nil {
		c := *r.TotalCostUSD
		s.CostUSD = &c
	}
	if r.APIErrorStatus != nil {
		s.APIErrorStatus = *r.APIErrorStatus
	}
	s.Usage = Usage{InputTokens: r.Usage.InputTokens, CachedInputTokens: r.Usage.CacheReadInputTokens,
		OutputTokens: r.Usage.OutputTokens, CacheCreationInputTokens: r.Usage.CacheCreationInputTokens}
	text := r.Result
	if text == "" && len(r.Errors) > 0 {
		text = strings.Join(r.Errors, "; ")
	}
	s.add(TranscriptEntry{Kind: EntryResult, Text: text, IsError: r.IsError})
}

func (s *Stream) noteAPIError(kind string) {
	if kind != "" && len(s.APIErrors) < maxPlainLines {
		s.APIErrors = append(s.APIErrors, kind)
	}
}

func (s *Stream) add(e TranscriptEntry) {
	e.Text = localcli.Truncate(e.Text, maxEntryText)
	if len(s.Transcript) == maxTranscript {
		// Keep the end of a long run: the last steps explain how it finished.
		copy(s.Transcript, s.Transcript[1:])
		s.Transcript = s.Transcript[:maxTranscript-1]
	}
	s.Transcript = append(s.Transcript, e)
}

func (s *Stream) addText(t string) {
	if strings.TrimSpace(t) == "" {
		return
	}
	s.texts = append(s.texts, t)
	s.textBytes += len(t)
	for s.textBytes > maxSummaryText && len(s.texts) > 1 {
		s.textBytes -= len(s.texts[0])
		s.texts = s.texts[1:]
	}
}

func (s *Stream) keepPlain(line string) {
	if len(s.plain) < maxPlainLines {
		s.plain = append(s.plain, localcli.Truncate(line, maxPlainLineLength))
	}
}

// AssistantText is the model's text replies joined, the summary when the result event
// has none.
func (s *Stream) AssistantText() string {
	return localcli.Truncate(strings.Join(s.texts, "\n\n"), maxSummaryText)
}

// Outcome is the adapter's verdict on a finished claude process, ready to map onto the
// run: an empty ErrorCode means the run succeeded.
type Outcome struct {
	ErrorCode    string
	ErrorMessage string
	Summary      string
	// SessionID is the session to save for the next run; empty when the CLI reported
	// none, or when it echoed back a resumed session it could not find.
	SessionID string
	// ClearSession drops the saved session (it hit its turn limit; resuming it would
	// only hit it again).
	ClearSession bool
	// ResumeFailed means the resumed session does not exist: retry once, fresh.
	ResumeFailed bool
	// LoginURL is where the operator signs the CLI in, when the CLI printed one.
	LoginURL          string
	RateLimited       bool
	RateLimitResetsAt *time.Time
	// ResultJSON is the result event, with loginUrl / rateLimited notes added.
	ResultJSON map[string]any
}

// Error codes of claude_local runs (runtime error codes).
const (
	CodeAdapterFailed = "adapter_failed"
	CodeAuthRequired  = "claude_auth_required"
	CodeMaxTurns      = "max_turns_exhausted"
)

var (
	authRe   = regexp.MustCompile(`(?i)not logged in|please log in|claude login|login required|authentication required|unauthorized`)
	resumeRe = regexp.MustCompile(`(?i)no conversation found with session id|unknown session|session .* not found`)
)

// Outcome classifies the run from the parsed stream, the process exit code and its
// stderr. resumed tells whether the run passed --resume (only then can a missing
// session be the cause). Login and session patterns are matched only against what the
// CLI itself reports (result, errors, stderr, non-JSON stdout), never against tool
// output: an agent that gets a 401 from some API must not be taken for a logged-out CLI.
func (s *Stream) Outcome(exitCode int, stderr string, resumed bool) Outcome {
	o := Outcome{Summary: s.ResultText, SessionID: s.SessionID}
	if o.Summary == "" {
		o.Summary = s.AssistantText()
	}
	if s.Result != nil {
		o.ResultJSON = make(map[string]any, len(s.Result)+2)
		for k, v := range s.Result {
			o.ResultJSON[k] = v
		}
	}
	failed := exitCode != 0 || s.IsError || (s.Result != nil && s.Subtype != "success")
	if !failed {
		if s.Result == nil {
			o.ErrorCode, o.ErrorMessage = CodeAdapterFailed, "Failed to parse claude JSON output"
		}
		return o
	}
	own := strings.Join(append(append([]string{s.ResultText, stderr}, s.Errors...), s.plain...), "\n")
	switch {
	case s.Result != nil:
		detail := s.ResultText
		if detail == "" && len(s.Errors) > 0 {
			detail = s.Errors[0]
		}
		subtype := s.Subtype
		if subtype == "" {
			subtype = "unknown"
		}
		o.ErrorMessage = fmt.Sprintf("Claude run failed: subtype=%s: %s", subtype, detail)
	default:
		o.ErrorMessage = fmt.Sprintf("Claude exited with code %d", exitCode)
		if line := firstLine(stderr); line != "" {
			o.ErrorMessage += ": " + line
		}
	}
	o.ErrorCode = CodeAdapterFailed
	if s.Subtype == "error_max_turns" {
		o.ErrorCode, o.ClearSession = CodeMaxTurns, true
	}
	if authRe.MatchString(own) || s.hasAPIError("authentication_failed") {
		o.ErrorCode = CodeAuthRequired
		if m := urlRe.FindString(stderr + "\n" + strings.Join(s.plain, "\n") + "\n" + s.ResultText); m != "" {
			o.LoginURL = m
		}
	}
	if o.ResumeFailed = resumed && resumeRe.MatchString(own); o.ResumeFailed {
		o.SessionID = ""
	}
	if (s.RateLimit != nil && s.RateLimit.Status == "rejected") || s.APIErrorStatus == 429 || s.hasAPIError("rate_limit") {
		o.RateLimited = true
		if s.RateLimit != nil {
			o.RateLimitResetsAt = s.RateLimit.ResetsAt
		}
	}
	if o.ResultJSON != nil {
		if o.LoginURL != "" {
			o.ResultJSON["loginUrl"] = o.LoginURL
		}
		if o.RateLimited {
			o.ResultJSON["rateLimited"] = true
			if o.RateLimitResetsAt != nil {
				o.ResultJSON["rateLimitResetsAt"] = o.RateLimitResetsAt.Format("2006-01-02T15:04:05.000Z")
			}
		}
	}
	return o
}

func (s *Stream) hasAPIError(kind string) bool {
	for _, k := range s.APIErrors {
		if k == kind {
			return true
		}
	}
	return false
}

// CostCents converts a run's cost in dollars to whole cents, never negative.
func CostCents(usd float64) int64 {
	c := math.Round(usd * 100)
	if c < 0 || math.IsNaN(c) {
		return 0
	}
	return int64(c)
}

// BillingType is "api" when the child runs with an Anthropic API key (metered), else
// "subscription" (a claude.ai login).
func BillingType(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "ANTHROPIC_API_KEY="); ok && v != "" {
			return "api"
		}
	}
	return "subscription"
}

// toolResultText flattens a tool_result content, which is a string or a list of
// text blocks.
func toolResultText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var blocks []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &blocks) == nil {
		var parts []string
		for _, b := range blocks {
			if b.Type == "text" {
				parts = append(parts, b.Text)
			}
		}
		return strings.Join(parts, "\n")
	}
	return ""
}

func bounded(raw json.RawMessage) json.RawMessage {
	if len(raw) > maxEntryText {
		return nil
	}
	return append(json.RawMessage(nil), raw...)
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return localcli.Truncate(l, maxPlainLineLength)
		}
	}
	return ""
}
