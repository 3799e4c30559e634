package claude

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
	var err error
	str := func(key string, dst *string) {
		if v, ok := cfg[key]; ok && v != nil && err == nil {
			s, ok := v.(string)
			if !ok {
				err = fmt.Errorf("adapterConfig.%s must be a string", key)
				return
			}
			*dst = s
		}
	}
	boolean := func(key string, dst *bool) {
		if v, ok := cfg[key]; ok && v != nil && err == nil {
			b, ok := v.(bool)
			if !ok {
				err = fmt.Errorf("adapterConfig.%s must be a boolean", key)
				return
			}
			*dst = b
		}
	}
	str("command", &c.Command)
	if c.Command == "" {
		c.Command = DefaultCommand
	}
	str("model", &c.Model)
	str("effort", &c.Effort)
	str("instructionsFilePath", &c.InstructionsFilePath)
	boolean("dangerouslySkipPermissions", &c.DangerouslySkipPermissions)
	boolean("chrome", &c.Chrome)
	if err != nil {
		return RunConfig{}, err
	}
	if v, ok := cfg["maxTurnsPerRun"]; ok && v != nil {
		n, ok := wholeNumber(v)
		if !ok {
			return RunConfig{}, fmt.Errorf("adapterConfig.maxTurnsPerRun must be a whole number")
		}
		c.MaxTurnsPerRun = n
	}
	extra, err := stringList(cfg, "extraArgs", "args")
	if err != nil {
		return RunConfig{}, err
	}
	c.ExtraArgs = extra
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

// InstallSkill writes a skill document as <root>/.claude/skills/<name>/SKILL.md, the
// layout Claude Code discovers in a directory given with --add-dir. root is the per-run
// directory the runner creates and removes after the run.
func InstallSkill(root, name string, skillMD []byte) error {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return fmt.Errorf("invalid skill name %q", name)
	}
	dir := filepath.Join(root, ".claude", "skills", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "SKILL.md"), skillMD, 0o600)
}

// wholeNumber accepts the float64 that encoding/json produces for numbers, and ints
// from configs built in Go, when they hold a whole value.
func wholeNumber(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		if n != float64(int(n)) {
			return 0, false
		}
		return int(n), true
	case int:
		return n, true
	case int64:
		return int(n), true
	}
	return 0, false
}

// stringList reads the first present key of names as a list of strings.
func stringList(cfg map[string]any, names ...string) ([]string, error) {
	for _, key := range names {
		v, ok := cfg[key]
		if !ok || v == nil {
			continue
		}
		switch l := v.(type) {
		case []string:
			return append([]string(nil), l...), nil
		case []any:
			out := make([]string, 0, len(l))
			for _, e := range l {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("adapterConfig.%s must be a list of strings", key)
				}
				out = append(out, s)
			}
			return out, nil
		default:
			return nil, fmt.Errorf("adapterConfig.%s must be a list of strings", key)
		}
	}
	return nil, nil
}
