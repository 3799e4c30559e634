package claude

import (
	"path/filepath"
	"strconv"

	"paperclip/server/adapter/internal/localcli"
)

// RunConfig is the part of a claude_local adapterConfig that shapes the command line of
// a run. The zero value is not the default: use ParseRunConfig.
type RunConfig struct {
	Command                    string
	Model                      string
	Effort                     string
	MaxTurnsPerRun             int
	DangerouslySkipPermissions bool
	Chrome                     bool
	InstructionsFilePath       string
	ExtraArgs                  []string
}

// ParseRunConfig reads the command-line keys of a JSON-decoded adapterConfig, applying
// the defaults of claude_local (command "claude", permissions skipped because a headless
// run cannot answer a permission prompt) and the "args" alias of "extraArgs". A key of
// the wrong type is an error naming the key, so a broken config fails the run clearly
// instead of running with a silently different command line.
func ParseRunConfig(cfg map[string]any) (RunConfig, error) {
	c := RunConfig{Command: DefaultCommand, DangerouslySkipPermissions: true}
	r := localcli.NewConfig(cfg)
	r.String(&c.Command, "command")
	r.String(&c.Model, "model")
	r.String(&c.Effort, "effort")
	r.String(&c.InstructionsFilePath, "instructionsFilePath")
	r.Bool(&c.DangerouslySkipPermissions, "dangerouslySkipPermissions")
	r.Bool(&c.Chrome, "chrome")
	r.Int(&c.MaxTurnsPerRun, "maxTurnsPerRun")
	r.Strings(&c.ExtraArgs, "extraArgs", "args")
	if r.Err != nil {
		return RunConfig{}, r.Err
	}
	if c.Command == "" {
		c.Command = DefaultCommand
	}
	return c, nil
}

// RunOptions is what changes from one run of the same agent to the next.
type RunOptions struct {
	// ResumeSessionID continues a saved session; empty starts a fresh one.
	ResumeSessionID string
	// SkillsDir is the per-run directory holding .claude/skills/ (see InstallSkill);
	// empty adds no --add-dir.
	SkillsDir string
	// SkipInstructions drops --append-system-prompt-file, for an instructions file the
	// runner found unreadable (it then records a warning and runs without it).
	SkipInstructions bool
}

// BuildArgs returns the arguments after the command for one run. The prompt goes to
// stdin, which `--print` reads when no prompt argument is given: Claude Code 2.1.197
// takes a "-" argument literally and prepends it to the piped prompt, so none is passed.
// The instructions file is appended to the system prompt only on a fresh session; a
// resumed session already carries it.
func BuildArgs(c RunConfig, o RunOptions) []string {
	args := []string{"--print", "--output-format", "stream-json", "--verbose"}
	if o.ResumeSessionID != "" {
		args = append(args, "--resume", o.ResumeSessionID)
	}
	if c.DangerouslySkipPermissions {
		args = append(args, "--dangerously-skip-permissions")
	}
	if c.Chrome {
		args = append(args, "--chrome")
	}
	if c.Model != "" {
		args = append(args, "--model", c.Model)
	}
	if c.Effort != "" {
		args = append(args, "--effort", c.Effort)
	}
	if c.MaxTurnsPerRun > 0 {
		args = append(args, "--max-turns", strconv.Itoa(c.MaxTurnsPerRun))
	}
	if c.InstructionsFilePath != "" && o.ResumeSessionID == "" && !o.SkipInstructions {
		args = append(args, "--append-system-prompt-file", c.InstructionsFilePath)
	}
	if o.SkillsDir != "" {
		args = append(args, "--add-dir", o.SkillsDir)
	}
	return append(args, c.ExtraArgs...)
}

// SkillsRoot is where InstallSkills puts skills inside a per-run directory given to
// --add-dir: Claude Code discovers <dir>/.claude/skills/<name>/SKILL.md.
func SkillsRoot(runDir string) string { return filepath.Join(runDir, ".claude", "skills") }

// InstallSkills writes skills into a per-run directory the runner creates and removes
// after the run, so nothing there is anyone else's and every file is written.
func InstallSkills(runDir string, skills []localcli.Skill) error {
	_, err := localcli.InstallSkills(SkillsRoot(runDir), skills, false)
	return err
}
