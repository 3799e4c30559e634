package codex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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

const done = "Checked out PAP-12, commented, and marked it done."

// The recorded streams of the real CLI, each with the exit code it ended with.
func TestParseRecordedStreams(t *testing.T) {
	cases := []struct {
		file    string
		exit    int
		session string
		usage   Usage
		code    string
		message string
		summary string
		rateLim bool
	}{
		{file: "success.jsonl", session: "01a23344-07b7-7321-8c1f-e57c9a8eb9e6", usage: Usage{2100, 1500, 60, 10}, summary: done},
		{file: "tool_use.jsonl", session: "01a23344-789e-7292-a381-613857766a3e", usage: Usage{4200, 3000, 120, 20}, summary: done},
		// Resuming the thread of success.jsonl: the usage covers the whole thread.
		{file: "resume.jsonl", session: "01a23344-07b7-7321-8c1f-e57c9a8eb9e6", usage: Usage{4200, 3000, 120, 20}, summary: done},
		{file: "unauthorized_401.jsonl", exit: 1, session: "01a23344-8d97-7271-8a30-2e6f929c1fe2", code: CodeAuthRequired,
			message: "unexpected status 401 Unauthorized: Incorrect API key provided: sk-fake. You can find your API key at https://platform.openai.com/account/api-keys., url: http://127.0.0.1:18432/v1/responses"},
		{file: "rate_limit_429.jsonl", exit: 1, session: "01a23344-92b3-7233-b476-ca73c87a4b11", code: CodeAdapterFailed, rateLim: true,
			message: "exceeded retry limit, last status: 429 Too Many Requests"},
		{file: "quota.jsonl", exit: 1, session: "01a23344-9700-7232-88ea-fde20e1b97d1", code: CodeAdapterFailed, rateLim: true,
			message: "Quota exceeded. Check your plan and billing details."},
		// Killed while reconnecting: the last transient error is the best explanation.
		{file: "network_reconnect.jsonl", exit: 124, session: "01a2333f-20d7-76b2-9783-a48961c58496", code: CodeAdapterFailed,
			message: "Reconnecting... waiting for network (Connection failed: error sending request)"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			s := parseFixture(t, tc.file)
			o := s.Outcome(tc.exit, "", false)
			if s.Usage != tc.usage || o.SessionID != tc.session || o.ErrorCode != tc.code || o.ErrorMessage != tc.message ||
				o.Summary != tc.summary || o.RateLimited != tc.rateLim {
				t.Fatalf("usage=%+v outcome=%+v", s.Usage, o)
			}
			if tc.exit == 0 && !s.TurnCompleted {
				t.Fatal("turn.completed not seen")
			}
		})
	}
}

func TestTranscriptMergesItemUpdates(t *testing.T) {
	s := parseFixture(t, "tool_use.jsonl")
	var kinds []string
	for _, e := range s.Transcript {
		kinds = append(kinds, e.Kind)
	}
	// The model-metadata warning is an error item, but only a transcript entry.
	if got := strings.Join(kinds, " "); got != "error command_execution agent_message" {
		t.Fatalf("transcript %q", got)
	}
	cmd := s.Transcript[1]
	if cmd.Command != "/bin/bash -lc 'echo inbox-empty'" || cmd.Output != "inbox-empty\n" || cmd.ExitCode == nil || *cmd.ExitCode != 0 || cmd.Status != "completed" {
		t.Fatalf("command %+v", cmd)
	}
}

func TestUnknownThreadOnResume(t *testing.T) {
	stderr, err := os.ReadFile(filepath.Join("testdata", "streams", "unknown_session.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := ParseStream(strings.NewReader(""))
	o := s.Outcome(1, "WARNING: proceeding, even though we could not create PATH aliases: x\n"+string(stderr), true)
	if !o.ResumeFailed || o.ErrorCode != CodeAdapterFailed || o.SessionID != "" ||
		o.ErrorMessage != "thread/resume: thread/resume failed: no rollout found for thread id 01a23344-0000-7000-8000-000000000000 (code -32600)" {
		t.Fatalf("outcome %+v", o)
	}
	if strings.Contains(o.Stderr, "WARNING: proceeding") {
		t.Fatal("noise line kept")
	}
	if o := s.Outcome(1, string(stderr), false); o.ResumeFailed {
		t.Fatal("fresh run taken for a failed resume")
	}
}

func TestOutcomeFallbacks(t *testing.T) {
	s, _ := ParseStream(strings.NewReader("garbage\n"))
	if o := s.Outcome(0, "", false); o.ErrorCode != "" {
		t.Fatalf("exit 0 without events: %+v", o)
	}
	if o := s.Outcome(7, "", false); o.ErrorMessage != "Codex exited with code 7" {
		t.Fatalf("%+v", o)
	}
	noise := "2026-01-01T00:00:00Z ERROR codex_core::rollout::list: state db missing rollout path for x\n"
	if o := s.Outcome(7, noise+"boom\n", false); o.ErrorMessage != "boom" || strings.Contains(o.Stderr, "rollout::list") {
		t.Fatalf("%+v", o)
	}
	if o := s.Outcome(1, "Error: Not logged in. Please run codex login\n", false); o.ErrorCode != CodeAuthRequired {
		t.Fatalf("%+v", o)
	}
	// Output of the agent's own commands is not Codex's login state.
	agent := `{"type":"item.completed","item":{"id":"i","type":"command_execution","command":"curl","aggregated_output":"401 Unauthorized","exit_code":22,"status":"failed"}}` + "\n" +
		`{"type":"turn.failed","error":{"message":"stream error"}}` + "\n"
	s, _ = ParseStream(strings.NewReader(agent))
	if o := s.Outcome(1, "", false); o.ErrorCode != CodeAdapterFailed || o.ErrorMessage != "stream error" {
		t.Fatalf("%+v", o)
	}
}

func TestStreamWriteInChunks(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "streams", "tool_use.jsonl"))
	s := &Stream{}
	for i := 0; i < len(data); i += 5 {
		s.Write(data[i:min(i+5, len(data))])
	}
	s.Close()
	whole := parseFixture(t, "tool_use.jsonl")
	if s.SessionID != whole.SessionID || s.Usage != whole.Usage || s.Summary() != whole.Summary() || len(s.Transcript) != len(whole.Transcript) {
		t.Fatalf("chunked parse differs: %+v", s)
	}
}

func TestBillingType(t *testing.T) {
	if BillingType([]string{"OPENAI_API_KEY=sk"}) != "api" || BillingType([]string{"OPENAI_API_KEY="}) != "subscription" {
		t.Fatal("billing type")
	}
}
