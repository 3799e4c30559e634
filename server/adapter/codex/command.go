package codex

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"paperclip/server/adapter/internal/localcli"
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
	r := localcli.NewConfig(cfg)
	r.String(&c.Command, "command")
	r.String(&c.Model, "model")
	r.String(&c.ReasoningEffort, "modelReasoningEffort", "reasoningEffort")
	r.String(&c.InstructionsFilePath, "instructionsFilePath")
	r.Bool(&c.Search, "search")
	r.Bool(&c.BypassSandbox, "dangerouslyBypassApprovalsAndSandbox", "dangerouslyBypassSandbox")
	r.Strings(&c.ExtraArgs, "extraArgs", "args")
	if r.Err != nil {
		return RunConfig{}, r.Err
	}
	if c.Command == "" {
		c.Command = "codex"
	}
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

// InstallSkills writes skills to <codexHome>/skills/<name>/SKILL.md, leaving alone
// any file there without the managed marker (the user's own, or one they edited),
// and returns the names it wrote.
func InstallSkills(codexHome string, skills []localcli.Skill) ([]string, error) {
	return localcli.InstallSkills(filepath.Join(codexHome, "skills"), skills, true)
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
