package codex

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"paperclip/server/adapter/internal/localcli"
)

func decodeConfig(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseRunConfig(t *testing.T) {
	c, err := ParseRunConfig(map[string]any{})
	if err != nil || !reflect.DeepEqual(c, RunConfig{Command: "codex"}) {
		t.Fatalf("defaults %+v %v", c, err)
	}
	c, err = ParseRunConfig(decodeConfig(t, `{"command":"/bin/codex","model":"gpt-5","reasoningEffort":"high","search":true,
		"dangerouslyBypassSandbox":true,"instructionsFilePath":"/i.md","args":["--oss"]}`))
	want := RunConfig{Command: "/bin/codex", Model: "gpt-5", ReasoningEffort: "high", Search: true, BypassSandbox: true,
		InstructionsFilePath: "/i.md", ExtraArgs: []string{"--oss"}}
	if err != nil || !reflect.DeepEqual(c, want) {
		t.Fatalf("aliases %+v %v", c, err)
	}
	// The full names win over their aliases.
	c, _ = ParseRunConfig(decodeConfig(t, `{"modelReasoningEffort":"low","reasoningEffort":"high",
		"dangerouslyBypassApprovalsAndSandbox":false,"dangerouslyBypassSandbox":true}`))
	if c.ReasoningEffort != "low" || c.BypassSandbox {
		t.Fatalf("precedence %+v", c)
	}
	for _, bad := range []string{`{"model":1}`, `{"search":"yes"}`, `{"dangerouslyBypassSandbox":1}`, `{"extraArgs":"x"}`, `{"args":[true]}`} {
		if _, err := ParseRunConfig(decodeConfig(t, bad)); err == nil || !strings.Contains(err.Error(), "adapterConfig.") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestBuildArgs(t *testing.T) {
	full := RunConfig{Command: "codex", Model: "gpt-5", ReasoningEffort: "high", Search: true, BypassSandbox: true, ExtraArgs: []string{"--oss"}}
	cases := []struct {
		name string
		cfg  RunConfig
		opt  RunOptions
		want string
	}{
		{"defaults", RunConfig{Command: "codex"}, RunOptions{}, "exec --json -"},
		{"outside git", RunConfig{Command: "codex"}, RunOptions{OutsideGitRepo: true}, "exec --json --skip-git-repo-check -"},
		{"already in extra args", RunConfig{ExtraArgs: []string{"--skip-git-repo-check"}}, RunOptions{OutsideGitRepo: true},
			"exec --json --skip-git-repo-check -"},
		{"everything, fresh", full, RunOptions{OutsideGitRepo: true},
			`--search exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox --model gpt-5 -c model_reasoning_effort="high" --oss -`},
		{"everything, resumed", full, RunOptions{ResumeSessionID: "t-1"},
			`--search exec --json --dangerously-bypass-approvals-and-sandbox --model gpt-5 -c model_reasoning_effort="high" --oss resume t-1 -`},
	}
	for _, tc := range cases {
		if got := strings.Join(BuildArgs(tc.cfg, tc.opt), " "); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestInGitWorkTree(t *testing.T) {
	root := t.TempDir()
	nested := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	if InGitWorkTree(nested) {
		t.Fatal("no .git yet")
	}
	// A worktree links its .git as a file.
	if err := os.WriteFile(filepath.Join(root, "a", ".git"), []byte("gitdir: /x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !InGitWorkTree(nested) {
		t.Fatal(".git file in a parent not found")
	}
}

func TestPromptWithInstructions(t *testing.T) {
	got := PromptWithInstructions("Do it.", "/cfg/agents/AGENTS.md", []byte("Be brief.\n\n"))
	want := "Be brief.\n\n(Instructions above were loaded from /cfg/agents/AGENTS.md; resolve relative references from /cfg/agents.)\n\nDo it."
	if got != want {
		t.Fatalf("%q", got)
	}
}

func TestInstallSkillRespectsUserEdits(t *testing.T) {
	home := t.TempDir()
	skill := []byte("---\nname: paperclip\n---\n" + localcli.SkillMarker + "\n# v1\n")
	path := filepath.Join(home, "skills", "paperclip", "SKILL.md")
	if wrote, err := install(home, "paperclip", skill); err != nil || !wrote {
		t.Fatalf("first install %v %v", wrote, err)
	}
	// A managed file is refreshed.
	if wrote, err := install(home, "paperclip", []byte(localcli.SkillMarker+"\n# v2\n")); err != nil || !wrote {
		t.Fatalf("refresh %v %v", wrote, err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "# v2") {
		t.Fatalf("not refreshed: %q", b)
	}
	// A file the user took over (marker gone) is never overwritten.
	os.WriteFile(path, []byte("---\nname: paperclip\n---\n# my own version\n"), 0o600)
	if wrote, err := install(home, "paperclip", skill); err != nil || wrote {
		t.Fatalf("overwrote a user file: %v %v", wrote, err)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "# my own version\n") {
		t.Fatalf("user file changed: %q", b)
	}
	if _, err := install(home, "../x", skill); err == nil {
		t.Fatal("path escape accepted")
	}
}

func TestHome(t *testing.T) {
	if Home(map[string]string{"CODEX_HOME": "/a"}, "/b", "/h") != "/a" || Home(nil, "/b", "/h") != "/b" ||
		Home(map[string]string{"CODEX_HOME": ""}, "", "/h") != filepath.Join("/h", ".codex") {
		t.Fatal("CODEX_HOME precedence")
	}
}

// install is one skill through InstallSkills, reporting whether it was written.
func install(home, name string, doc []byte) (bool, error) {
	names, err := InstallSkills(home, []localcli.Skill{{Name: name, Doc: doc}})
	return len(names) == 1, err
}
