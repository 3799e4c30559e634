package codex

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// RunConfig is the part of a codex_local adapterConfig that shapes the command line of
// a run. The zero value is not the default: use ParseRunConfig.
type RunConfig struct {
	Command              string
	Model                string
	ReasoningEffort      string
	Search               bool
	BypassSandbox        bool
	InstructionsFilePath string
	ExtraArgs            []string
}

// ParseRunConfig reads the command-line keys of a JSON-decoded adapterConfig with the
// codex_local defaults and aliases (reasoningEffort, dangerouslyBypassSandbox, args).
// A key of the wrong type is an error naming the key.
func ParseRunConfig(cfg map[string]any) (RunConfig, error) {
	c := RunConfig{Command: "codex"}
	var err error
	str := func(dst *string, keys ...string) {
		for _, key := range keys {
			if v, ok := cfg[key]; ok && v != nil && err == nil {
				s, ok := v.(string)
				if !ok {
					err = fmt.Errorf("adapterConfig.%s must be a string", key)
				}
				*dst = s
				return
			}
		}
	}
	boolean := func(dst *bool, keys ...string) {
		for _, key := range keys {
			if v, ok := cfg[key]; ok && v != nil && err == nil {
				b, ok := v.(bool)
				if !ok {
					err = fmt.Errorf("adapterConfig.%s must be a boolean", key)
				}
				*dst = b
				return
			}
		}
	}
	str(&c.Command, "command")
	if c.Command == "" {
		c.Command = "codex"
	}
	str(&c.Model, "model")
	str(&c.ReasoningEffort, "modelReasoningEffort", "reasoningEffort")
	str(&c.InstructionsFilePath, "instructionsFilePath")
	boolean(&c.Search, "search")
	boolean(&c.BypassSandbox, "dangerouslyBypassApprovalsAndSandbox", "dangerouslyBypassSandbox")
	if err != nil {
		return RunConfig{}, err
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
	// ResumeSessionID continues a saved thread; empty starts a fresh one.
	ResumeSessionID string
	// OutsideGitRepo adds --skip-git-repo-check (codex exec refuses to run outside a
	// git work tree without it); see InGitWorkTree.
	OutsideGitRepo bool
}

// BuildArgs returns the arguments after the command for one run. --search is a
// top-level option, so it precedes "exec"; "resume <id>" is a subcommand of exec, so
// every exec option comes before it; "-" makes codex read the prompt from stdin (Codex
// CLI 0.171.0: `exec [PROMPT]` and `exec resume [SESSION_ID] [PROMPT]` both take "-").
func BuildArgs(c RunConfig, o RunOptions) []string {
	var args []string
	if c.Search {
		args = append(args, "--search")
	}
	args = append(args, "exec", "--json")
	if o.OutsideGitRepo && !slices.Contains(c.ExtraArgs, "--skip-git-repo-check") {
		args = append(args, "--skip-git-repo-check")
	}
	if c.BypassSandbox {
		args = append(args, "--dangerously-bypass-approvals-and-sandbox")
	}
	if c.Model != "" {
		args = append(args, "--model", c.Model)
	}
	if c.ReasoningEffort != "" {
		// The value is parsed as TOML: quoted, it is always a string.
		args = append(args, "-c", fmt.Sprintf("model_reasoning_effort=%q", c.ReasoningEffort))
	}
	args = append(args, c.ExtraArgs...)
	if o.ResumeSessionID != "" {
		return append(args, "resume", o.ResumeSessionID, "-")
	}
	return append(args, "-")
}

// InGitWorkTree reports whether dir is inside a git work tree: it or a parent holds a
// .git directory or file (a worktree or submodule link).
func InGitWorkTree(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// PromptWithInstructions prepends an instructions file to the prompt, the way codex
// receives what claude gets as an appended system prompt, with a note that lets the
// agent resolve paths the file mentions.
func PromptWithInstructions(prompt, path string, content []byte) string {
	var b bytes.Buffer
	b.Write(bytes.TrimRight(content, "\n"))
	fmt.Fprintf(&b, "\n\n(Instructions above were loaded from %s; resolve relative references from %s.)\n\n", path, filepath.Dir(path))
	b.WriteString(prompt)
	return b.String()
}

// SkillMarker is the first line of the body (after the frontmatter, which skill
// loaders require at the top) of every skill file this server writes; a file without it
// was written or taken over by someone else and is left alone.
const SkillMarker = "<!-- paperclip-managed -->"

// InstallSkill writes skillMD to <codexHome>/skills/<name>/SKILL.md unless a file is
// there that is not Managed. It reports whether it wrote.
func InstallSkill(codexHome, name string, skillMD []byte) (bool, error) {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return false, fmt.Errorf("invalid skill name %q", name)
	}
	dir := filepath.Join(codexHome, "skills", name)
	path := filepath.Join(dir, "SKILL.md")
	if old, err := os.ReadFile(path); err == nil {
		if !Managed(old) {
			return false, nil
		}
	} else if !os.IsNotExist(err) {
		return false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	return true, os.WriteFile(path, skillMD, 0o600)
}

// Managed reports whether a skill file carries SkillMarker as the first line of its
// body: the first non-blank line after a leading "---" frontmatter block, or the first
// non-blank line of a file without one.
func Managed(skillMD []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(skillMD))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	inFront, first := false, true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case first && line == "---":
			inFront, first = true, false
		case inFront:
			inFront = line != "---"
		case line == "":
			first = false
		default:
			return line == SkillMarker
		}
	}
	return false
}

// Home is the CODEX_HOME a run uses: the agent's env, else the server's, else
// ~/.codex. serverEnv is the server's value (empty when unset), home the user's home.
func Home(agentEnv map[string]string, serverEnv, home string) string {
	if v := agentEnv["CODEX_HOME"]; v != "" {
		return v
	}
	if serverEnv != "" {
		return serverEnv
	}
	return filepath.Join(home, ".codex")
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
