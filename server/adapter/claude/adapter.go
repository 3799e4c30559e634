package claude

import (
	"context"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// Adapter is the claude_local adapter.
type Adapter struct{}

// New returns the claude_local adapter.
func New() Adapter { return Adapter{} }

// Type is store.AdapterClaudeLocal.
func (Adapter) Type() string { return store.AdapterClaudeLocal }

// Models are the Claude models offered in the agent form.
func (Adapter) Models(context.Context) []heartbeat.Model {
	return []heartbeat.Model{
		{ID: "claude-opus-4-6", Label: "Claude Opus 4.6"}, {ID: "claude-sonnet-4-6", Label: "Claude Sonnet 4.6"},
		{ID: "claude-sonnet-4-5", Label: "Claude Sonnet 4.5"}, {ID: "claude-haiku-4-5", Label: "Claude Haiku 4.5"},
	}
}

// ConfigDoc describes the adapterConfig keys.
func (Adapter) ConfigDoc() string {
	return "- cwd (string)\n- command (string, default claude)\n- model (string)\n- effort (string: low|medium|high)\n" +
		"- maxTurnsPerRun (number)\n- dangerouslySkipPermissions (boolean, default true)\n- promptTemplate (string)\n" +
		"- instructionsFilePath (string): absolute path of a markdown instructions file\n- env (object)\n" +
		"- timeoutSec (number)\n- graceSec (number, default 20)\n- extraArgs (string[])\n"
}

// InheritEnv lets the CLI see the operator's Anthropic credentials and config home,
// which decide how it bills and where it keeps its login.
func (Adapter) InheritEnv() []string {
	return []string{"ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "CLAUDE_CONFIG_DIR"}
}

// TestEnvironment checks the working directory, env bindings and that the CLI
// resolves.
func (Adapter) TestEnvironment(_ context.Context, cfg map[string]any) []heartbeat.EnvCheck {
	c := heartbeat.CheckCommon(cfg)
	c.CheckCommand(cfg, DefaultCommand, heartbeat.Text("Install Claude Code: npm install -g @anthropic-ai/claude-code"))
	return c
}
