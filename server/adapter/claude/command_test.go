package claude

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

func TestParseRunConfigDefaults(t *testing.T) {
	c, err := ParseRunConfig(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	want := RunConfig{Command: "claude", DangerouslySkipPermissions: true}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v want %+v", c, want)
	}
	// A headless run without permission skipping is allowed when asked for explicitly.
	c, err = ParseRunConfig(decodeConfig(t, `{"dangerouslySkipPermissions": false, "command": ""}`))
	if err != nil || c.DangerouslySkipPermissions || c.Command != "claude" {
		t.Fatalf("got %+v, %v", c, err)
	}
}

func TestParseRunConfigAliasesAndTypes(t *testing.T) {
	c, err := ParseRunConfig(decodeConfig(t, `{"command":"/opt/claude","model":"opus","effort":"high","maxTurnsPerRun":12,
		"chrome":true,"instructionsFilePath":"/i/AGENTS.md","args":["--foo","bar"]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := RunConfig{Command: "/opt/claude", Model: "opus", Effort: "high", MaxTurnsPerRun: 12, DangerouslySkipPermissions: true,
		Chrome: true, InstructionsFilePath: "/i/AGENTS.md", ExtraArgs: []string{"--foo", "bar"}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v want %+v", c, want)
	}
	// extraArgs wins over its alias.
	c, _ = ParseRunConfig(decodeConfig(t, `{"extraArgs":["a"],"args":["b"]}`))
	if !reflect.DeepEqual(c.ExtraArgs, []string{"a"}) {
		t.Fatalf("extraArgs %v", c.ExtraArgs)
	}
	for _, bad := range []string{`{"model":3}`, `{"maxTurnsPerRun":"5"}`, `{"maxTurnsPerRun":2.5}`, `{"chrome":"yes"}`,
		`{"extraArgs":"--x"}`, `{"extraArgs":[1]}`, `{"dangerouslySkipPermissions":1}`} {
		if _, err := ParseRunConfig(decodeConfig(t, bad)); err == nil || !strings.Contains(err.Error(), "adapterConfig.") {
			t.Errorf("%s: err %v", bad, err)
		}
	}
}

func TestBuildArgs(t *testing.T) {
	full := RunConfig{Command: "claude", Model: "claude-sonnet-4-5", Effort: "low", MaxTurnsPerRun: 5, DangerouslySkipPermissions: true,
		Chrome: true, InstructionsFilePath: "/cfg/AGENTS.md", ExtraArgs: []string{"--fallback-model", "haiku"}}
	cases := []struct {
		name string
		cfg  RunConfig
		opt  RunOptions
		want []string
	}{
		{"defaults", RunConfig{Command: "claude", DangerouslySkipPermissions: true}, RunOptions{},
			[]string{"--print", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions"}},
		{"permissions kept", RunConfig{Command: "claude"}, RunOptions{},
			[]string{"--print", "--output-format", "stream-json", "--verbose"}},
		{"fresh, everything", full, RunOptions{SkillsDir: "/tmp/run1"},
			[]string{"--print", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions", "--chrome",
				"--model", "claude-sonnet-4-5", "--effort", "low", "--max-turns", "5",
				"--append-system-prompt-file", "/cfg/AGENTS.md", "--add-dir", "/tmp/run1", "--fallback-model", "haiku"}},
		{"resumed: no instructions file", full, RunOptions{ResumeSessionID: "s-1", SkillsDir: "/tmp/run1"},
			[]string{"--print", "--output-format", "stream-json", "--verbose", "--resume", "s-1", "--dangerously-skip-permissions", "--chrome",
				"--model", "claude-sonnet-4-5", "--effort", "low", "--max-turns", "5", "--add-dir", "/tmp/run1", "--fallback-model", "haiku"}},
		{"unreadable instructions skipped", full, RunOptions{SkipInstructions: true},
			[]string{"--print", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions", "--chrome",
				"--model", "claude-sonnet-4-5", "--effort", "low", "--max-turns", "5", "--fallback-model", "haiku"}},
	}
	for _, tc := range cases {
		if got := BuildArgs(tc.cfg, tc.opt); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestInstallSkill(t *testing.T) {
	root := t.TempDir()
	if err := InstallSkills(root, localcli.RunSkills([]byte("# skill\n"))); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, ".claude", "skills", "paperclip", "SKILL.md"))
	if err != nil || string(b) != "# skill\n" {
		t.Fatalf("%q %v", b, err)
	}
	for _, bad := range []string{"", "..", "a/b", "."} {
		if err := InstallSkills(root, []localcli.Skill{{Name: bad}}); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
}
