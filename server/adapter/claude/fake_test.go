package claude

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"paperclip/server/adapter/internal/fakecli"
)

// fakeClaudePath is the fake CLI built once for this test binary.
var fakeClaudePath string

func TestMain(m *testing.M) {
	path, cleanup, err := fakecli.Build("./testdata/fakeclaude", "claude")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fakeClaudePath = path
	code := m.Run()
	cleanup()
	os.Exit(code)
}

type fakeRun struct {
	stream *Stream
	stderr string
	exit   int
}

// runFake runs the fake CLI the way the adapter runs claude: the built command line,
// the prompt on stdin, stdout parsed as it streams.
func runFake(t *testing.T, cfg RunConfig, opt RunOptions, prompt string, env ...string) fakeRun {
	t.Helper()
	s := &Stream{}
	stderr, exit, err := fakecli.Run(fakeClaudePath, BuildArgs(cfg, opt), t.TempDir(), prompt, s, env...)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return fakeRun{s, stderr, exit}
}

func TestFakeClaudeScenarios(t *testing.T) {
	cfg := RunConfig{Command: "claude", DangerouslySkipPermissions: true, MaxTurnsPerRun: 3}
	cases := []struct {
		scenario string
		opt      RunOptions
		exit     int
		code     string
		resume   bool
		rateLim  bool
		session  string
	}{
		{scenario: "success", session: defaultFakeSession},
		{scenario: "error", exit: 1, code: CodeAdapterFailed, session: defaultFakeSession},
		{scenario: "max_turns", exit: 1, code: CodeMaxTurns, session: defaultFakeSession},
		{scenario: "login_required", exit: 1, code: CodeAuthRequired, session: defaultFakeSession},
		{scenario: "rate_limit", exit: 1, code: CodeAdapterFailed, rateLim: true, session: defaultFakeSession},
		{scenario: "unknown_session", opt: RunOptions{ResumeSessionID: "gone-1"}, exit: 1, code: CodeAdapterFailed, resume: true},
		{scenario: "unknown_session", session: defaultFakeSession},
		{scenario: "success", opt: RunOptions{ResumeSessionID: "kept-7"}, session: "kept-7"},
		{scenario: "crash", exit: 3, code: CodeAdapterFailed, session: defaultFakeSession},
	}
	for _, tc := range cases {
		t.Run(tc.scenario+"/"+tc.opt.ResumeSessionID, func(t *testing.T) {
			r := runFake(t, cfg, tc.opt, "do the task", "FAKE_SCENARIO="+tc.scenario)
			o := r.stream.Outcome(r.exit, r.stderr, tc.opt.ResumeSessionID != "")
			if r.exit != tc.exit || o.ErrorCode != tc.code || o.ResumeFailed != tc.resume || o.RateLimited != tc.rateLim || o.SessionID != tc.session {
				t.Fatalf("exit=%d outcome=%+v stderr=%q", r.exit, o, r.stderr)
			}
		})
	}
	r := runFake(t, cfg, RunOptions{}, "p", "FAKE_SCENARIO=max_turns")
	if o := r.stream.Outcome(r.exit, r.stderr, false); o.ErrorMessage != "Claude run failed: subtype=error_max_turns: Reached maximum number of turns (3)" || !o.ClearSession {
		t.Fatalf("max turns outcome %+v", o)
	}
	r = runFake(t, cfg, RunOptions{}, "p", "FAKE_SCENARIO=crash")
	if o := r.stream.Outcome(r.exit, r.stderr, false); o.ErrorMessage != "Claude exited with code 3: fatal: the fake CLI crashed mid-run" {
		t.Fatalf("crash outcome %+v", o)
	}
}

func TestFakeClaudeUsageCostAndRecord(t *testing.T) {
	record := filepath.Join(t.TempDir(), "record.json")
	cfg := RunConfig{Command: "claude", Model: "claude-opus-4-6", InstructionsFilePath: "/cfg/AGENTS.md"}
	r := runFake(t, cfg, RunOptions{SkillsDir: "/tmp/skills-1"}, "You are Ada.\n",
		"FAKE_USAGE=10,20,30", "FAKE_COST_USD=1.256", "FAKE_SESSION_ID=sess-42", "FAKE_RECORD_FILE="+record,
		"PAPERCLIP_RUN_ID=run-1", "PAPERCLIP_AGENT_ID=agent-1", "UNRELATED_SECRET=x")
	o := r.stream.Outcome(r.exit, r.stderr, false)
	if r.exit != 0 || o.ErrorCode != "" || o.SessionID != "sess-42" || r.stream.Model != "claude-opus-4-6" {
		t.Fatalf("run %+v outcome %+v", r, o)
	}
	if r.stream.Usage != (Usage{InputTokens: 10, CachedInputTokens: 20, OutputTokens: 30}) || CostCents(*r.stream.CostUSD) != 126 {
		t.Fatalf("usage %+v cost %v", r.stream.Usage, *r.stream.CostUSD)
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Argv  []string          `json:"argv"`
		Env   map[string]string `json:"env"`
		Stdin string            `json:"stdin"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	want := BuildArgs(cfg, RunOptions{SkillsDir: "/tmp/skills-1"})
	if strings.Join(rec.Argv, " ") != strings.Join(want, " ") || rec.Stdin != "You are Ada.\n" {
		t.Fatalf("record %+v", rec)
	}
	if rec.Env["PAPERCLIP_RUN_ID"] != "run-1" || rec.Env["PAPERCLIP_AGENT_ID"] != "agent-1" || len(rec.Env) != 2 {
		t.Fatalf("env %v", rec.Env)
	}
}

// The shell stand-in of the login flow keeps working beside the Go fake.
func TestFakeClaudeLoginFlow(t *testing.T) {
	out, err := exec.Command(fakeClaudePath, "auth", "login").Output()
	if err != nil || !strings.Contains(string(out), "https://claude.ai/oauth/authorize") {
		t.Fatalf("%s %v", out, err)
	}
}

const defaultFakeSession = "4839ed0a-81cb-491a-a6f0-cdc864641650"
