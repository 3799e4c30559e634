package codex

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

// fakeCodexPath is the fake CLI built once for this test binary.
var fakeCodexPath string

func TestMain(m *testing.M) {
	path, cleanup, err := fakecli.Build("./testdata/fakecodex", "codex")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fakeCodexPath = path
	code := m.Run()
	cleanup()
	os.Exit(code)
}

type fakeRun struct {
	stream *Stream
	stderr string
	exit   int
}

// runFake runs the fake CLI the way the adapter runs codex: the built command line,
// the prompt on stdin, stdout parsed as it streams.
func runFake(t *testing.T, cfg RunConfig, opt RunOptions, prompt string, env ...string) fakeRun {
	t.Helper()
	s := &Stream{}
	stderr, exit, err := fakecli.Run(fakeCodexPath, BuildArgs(cfg, opt), t.TempDir(), prompt, s, env...)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return fakeRun{s, stderr, exit}
}

func TestFakeCodexScenarios(t *testing.T) {
	const thread = "01a23344-07b7-7321-8c1f-e57c9a8eb9e6"
	cfg := RunConfig{Command: "codex", Model: "gpt-5", BypassSandbox: true}
	cases := []struct {
		scenario string
		opt      RunOptions
		exit     int
		code     string
		resume   bool
		rateLim  bool
		session  string
	}{
		{scenario: "success", session: thread},
		{scenario: "error", exit: 1, code: CodeAdapterFailed, session: thread},
		{scenario: "login_required", exit: 1, code: CodeAuthRequired, session: thread},
		{scenario: "rate_limit", exit: 1, code: CodeAdapterFailed, rateLim: true, session: thread},
		{scenario: "unknown_session", opt: RunOptions{ResumeSessionID: "gone-1"}, exit: 1, code: CodeAdapterFailed, resume: true},
		{scenario: "unknown_session", session: thread},
		{scenario: "success", opt: RunOptions{ResumeSessionID: "kept-7", OutsideGitRepo: true}, session: "kept-7"},
		{scenario: "crash", exit: 101, code: CodeAdapterFailed, session: thread},
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
	r := runFake(t, cfg, RunOptions{}, "p", "FAKE_SCENARIO=crash")
	if o := r.stream.Outcome(r.exit, r.stderr, false); o.ErrorMessage != "thread 'main' panicked: fake codex crashed mid-run" || o.Summary != "Starting on the task." {
		t.Fatalf("crash %+v", o)
	}
}

func TestFakeCodexUsageAndRecord(t *testing.T) {
	record := filepath.Join(t.TempDir(), "record.json")
	cfg := RunConfig{Command: "codex", ReasoningEffort: "high"}
	opt := RunOptions{ResumeSessionID: "t-9"}
	r := runFake(t, cfg, opt, "prompt text", "FAKE_USAGE=5,6,7", "FAKE_RECORD_FILE="+record, "PAPERCLIP_TASK_ID=issue-1")
	o := r.stream.Outcome(r.exit, r.stderr, true)
	if r.exit != 0 || o.ErrorCode != "" || o.SessionID != "t-9" || r.stream.Usage != (Usage{5, 6, 7, 10}) {
		t.Fatalf("run %+v outcome %+v", r, o)
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
	if strings.Join(rec.Argv, " ") != strings.Join(BuildArgs(cfg, opt), " ") || rec.Stdin != "prompt text" || rec.Env["PAPERCLIP_TASK_ID"] != "issue-1" {
		t.Fatalf("record %+v", rec)
	}
}

// The fake refuses a command line the real CLI would not read the prompt from.
func TestFakeCodexRejectsMalformedArgs(t *testing.T) {
	cmd := exec.Command(fakeCodexPath, "exec", "--json")
	if err := cmd.Run(); err == nil {
		t.Fatal("accepted a command line without the stdin marker")
	}
}
