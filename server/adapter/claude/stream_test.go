package claude

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paperclip/server/adapter/internal/localcli"
)

func parseFixture(t *testing.T, name string) *Stream {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "streams", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ParseStream(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "streams", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The recorded streams of the real CLI, each with the exit code it ended with.
func TestParseRecordedStreams(t *testing.T) {
	cases := []struct {
		file     string
		exit     int
		resumed  bool
		session  string
		model    string
		usage    Usage
		costUSD  float64
		code     string
		message  string
		summary  string
		clear    bool
		resume   bool
		rateLim  bool
		noResult bool
	}{
		{file: "success.jsonl", session: "060cca3e-3df9-48c6-8737-d3ea113c0b7a", model: "claude-sonnet-4-5",
			usage: Usage{1200, 4000, 25, 300}, costUSD: 0.0063, summary: "Checked out PAP-12, commented, and marked it done."},
		{file: "resume.jsonl", resumed: true, session: "060cca3e-3df9-48c6-8737-d3ea113c0b7a", model: "claude-sonnet-4-5",
			usage: Usage{1200, 4000, 25, 300}, costUSD: 0.0063, summary: "Checked out PAP-12, commented, and marked it done."},
		{file: "tool_use.jsonl", session: "e47eb49e-f4f4-4267-aefc-88c4c2a8556f", model: "claude-sonnet-4-5",
			usage: Usage{2400, 8000, 65, 600}, costUSD: 0.012825, summary: "Checked out PAP-12, commented, and marked it done."},
		{file: "max_turns.jsonl", exit: 1, session: "4aacb689-cc6a-411c-bfc4-0d85dbd20830", model: "claude-sonnet-4-5",
			usage: Usage{1200, 4000, 40, 300}, costUSD: 0.006525, code: CodeMaxTurns, clear: true,
			message: "Claude run failed: subtype=error_max_turns: Reached maximum number of turns (1)", summary: "I'll check the inbox first."},
		{file: "login_required.jsonl", exit: 1, session: "4839ed0a-81cb-491a-a6f0-cdc864641650", model: "claude-sonnet-5",
			code: CodeAuthRequired, message: "Claude run failed: subtype=success: Not logged in · Please run /login",
			summary: "Not logged in · Please run /login"},
		{file: "rate_limit_429.jsonl", exit: 1, session: "3f8aceb1-6528-4e07-9fd4-0fe0b611070b", model: "claude-sonnet-4-5",
			code: CodeAdapterFailed, rateLim: true,
			message: "Claude run failed: subtype=success: API Error: Request rejected (429) · This request would exceed your account's rate limit. Please try again later.",
			summary: "API Error: Request rejected (429) · This request would exceed your account's rate limit. Please try again later."},
		{file: "rate_limit_subscription.jsonl", exit: 1, session: "4839ed0a-81cb-491a-a6f0-cdc864641650", model: "claude-sonnet-5",
			code: CodeAdapterFailed, rateLim: true, message: "Claude run failed: subtype=success: You've hit your session limit · resets 3pm (UTC)",
			summary: "You've hit your session limit · resets 3pm (UTC)"},
		{file: "unknown_session.jsonl", exit: 1, resumed: true, code: CodeAdapterFailed, resume: true,
			message: "Claude run failed: subtype=error_during_execution: No conversation found with session ID: 11111111-2222-3333-4444-555555555555"},
		{file: "api_retry_401.jsonl", exit: 124, session: "89f1b29a-c8a8-41ce-a088-e9db3e2bbde2", model: "claude-sonnet-4-5",
			code: CodeAuthRequired, message: "Claude exited with code 124", noResult: true},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			s := parseFixture(t, tc.file)
			stderr := ""
			if tc.file == "unknown_session.jsonl" {
				stderr = readFixture(t, "unknown_session.stderr")
			}
			o := s.Outcome(tc.exit, stderr, tc.resumed)
			if s.Model != tc.model {
				t.Errorf("model %q", s.Model)
			}
			if (s.Result == nil) != tc.noResult {
				t.Errorf("result event %v", s.Result)
			}
			if s.Usage != tc.usage {
				t.Errorf("usage %+v", s.Usage)
			}
			if !tc.noResult && (s.CostUSD == nil || CostCents(*s.CostUSD) != CostCents(tc.costUSD)) {
				t.Errorf("cost %v", s.CostUSD)
			}
			if o.SessionID != tc.session || o.ErrorCode != tc.code || o.ErrorMessage != tc.message || o.Summary != tc.summary {
				t.Errorf("outcome session=%q code=%q\nmessage=%q\nsummary=%q", o.SessionID, o.ErrorCode, o.ErrorMessage, o.Summary)
			}
			if o.ClearSession != tc.clear || o.ResumeFailed != tc.resume || o.RateLimited != tc.rateLim {
				t.Errorf("clear=%v resumeFailed=%v rateLimited=%v", o.ClearSession, o.ResumeFailed, o.RateLimited)
			}
			if !tc.noResult && (o.ResultJSON == nil || o.ResultJSON["type"] != "result") {
				t.Errorf("resultJson %v", o.ResultJSON)
			}
		})
	}
}

func TestTranscriptOfToolUse(t *testing.T) {
	s := parseFixture(t, "tool_use.jsonl")
	var kinds []string
	for _, e := range s.Transcript {
		kinds = append(kinds, e.Kind)
	}
	want := "init text tool_use tool_result text result"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("transcript %q, want %q", got, want)
	}
	use, res := s.Transcript[2], s.Transcript[3]
	if use.Tool != "Bash" || use.ToolUseID != "toolu_01" || !strings.Contains(string(use.Input), "echo inbox-empty") {
		t.Fatalf("tool use %+v", use)
	}
	if res.ToolUseID != "toolu_01" || res.Text != "inbox-empty" || res.IsError {
		t.Fatalf("tool result %+v", res)
	}
	if s.AssistantText() != "I'll check the inbox first.\n\nChecked out PAP-12, commented, and marked it done." {
		t.Fatalf("assistant text %q", s.AssistantText())
	}
}

func TestRateLimitEventCarriesReset(t *testing.T) {
	s := parseFixture(t, "rate_limit_subscription.jsonl")
	o := s.Outcome(1, "", false)
	want := time.Unix(1767279600, 0).UTC()
	if s.RateLimit == nil || s.RateLimit.Status != "rejected" || s.RateLimit.Type != "five_hour" ||
		o.RateLimitResetsAt == nil || !o.RateLimitResetsAt.Equal(want) {
		t.Fatalf("rate limit %+v / %v", s.RateLimit, o.RateLimitResetsAt)
	}
	if o.ResultJSON["rateLimited"] != true || o.ResultJSON["rateLimitResetsAt"] != "2026-01-01T15:00:00.000Z" {
		t.Fatalf("resultJson %v", o.ResultJSON)
	}
}

// An agent that meets a 401 in its own tool calls is not a logged-out CLI.
func TestToolOutputDoesNotLookLikeLogin(t *testing.T) {
	lines := strings.Join([]string{
		`{"type":"system","subtype":"init","session_id":"s1","model":"m"}`,
		`{"type":"user","session_id":"s1","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"HTTP 401 Unauthorized: not logged in"}]}}`,
		`{"type":"assistant","session_id":"s1","message":{"content":[{"type":"text","text":"The API said unauthorized; please log in."}]}}`,
		`{"type":"result","subtype":"error_during_execution","is_error":true,"session_id":"s1","errors":["Tool loop aborted"],"usage":{}}`,
	}, "\n")
	s, _ := ParseStream(strings.NewReader(lines))
	if o := s.Outcome(1, "", false); o.ErrorCode != CodeAdapterFailed {
		t.Fatalf("code %q", o.ErrorCode)
	}
	// The same words on the CLI's own stderr are a login problem, with its URL.
	if o := s.Outcome(1, "Error: not logged in. Visit https://claude.ai/login?x=1 to sign in\n", false); o.ErrorCode != CodeAuthRequired ||
		o.LoginURL != "https://claude.ai/login?x=1" || o.ResultJSON["loginUrl"] != "https://claude.ai/login?x=1" {
		t.Fatalf("outcome %+v", o)
	}
}

func TestOutcomeWithoutResultEvent(t *testing.T) {
	s, _ := ParseStream(strings.NewReader("not json at all\n{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s9\"}\n"))
	if o := s.Outcome(0, "", false); o.ErrorCode != CodeAdapterFailed || o.ErrorMessage != "Failed to parse claude JSON output" {
		t.Fatalf("exit 0: %+v", o)
	}
	if o := s.Outcome(2, "\n  boom: bad flag\nmore\n", false); o.ErrorMessage != "Claude exited with code 2: boom: bad flag" || o.SessionID != "s9" {
		t.Fatalf("exit 2: %+v", o)
	}
	// The resume pattern only counts when the run resumed.
	if o := s.Outcome(1, "No conversation found with session ID: x", false); o.ResumeFailed {
		t.Fatal("fresh run taken for a failed resume")
	}
	if o := s.Outcome(1, "No conversation found with session ID: x", true); !o.ResumeFailed || o.SessionID != "" {
		t.Fatalf("resume failure not seen: %+v", o)
	}
}

// Output arrives in arbitrary chunks; lines split across writes parse the same.
func TestStreamWriteInChunks(t *testing.T) {
	data := readFixture(t, "tool_use.jsonl")
	whole := parseFixture(t, "tool_use.jsonl")
	s := &Stream{}
	for i := 0; i < len(data); i += 7 {
		end := min(i+7, len(data))
		s.Write([]byte(data[i:end]))
	}
	s.Close()
	if s.SessionID != whole.SessionID || s.Usage != whole.Usage || len(s.Transcript) != len(whole.Transcript) || s.ResultText != whole.ResultText {
		t.Fatalf("chunked parse differs: %+v", s)
	}
}

func TestOverlongLineIsDropped(t *testing.T) {
	s := &Stream{}
	s.Write([]byte(`{"type":"user","message":{"content":[{"type":"tool_result","content":"`))
	s.Write([]byte(strings.Repeat("x", localcli.MaxLineBytes)))
	s.Write([]byte("\"}]}}\n" + `{"type":"result","subtype":"success","is_error":false,"result":"ok","session_id":"s","usage":{"output_tokens":3}}` + "\n"))
	s.Close()
	if len(s.Transcript) != 1 || s.ResultText != "ok" || s.Usage.OutputTokens != 3 {
		t.Fatalf("transcript %d, result %q", len(s.Transcript), s.ResultText)
	}
}

func TestCostCentsAndBilling(t *testing.T) {
	for usd, want := range map[float64]int64{0: 0, 0.0063: 1, 0.004: 0, 0.005: 1, 1.234: 123, -2: 0} {
		if got := CostCents(usd); got != want {
			t.Errorf("CostCents(%v) = %d, want %d", usd, got, want)
		}
	}
	if BillingType([]string{"PATH=/bin", "ANTHROPIC_API_KEY=sk"}) != "api" || BillingType([]string{"ANTHROPIC_API_KEY="}) != "subscription" {
		t.Fatal("billing type")
	}
}
