// Package codex is the codex_local adapter: the OpenAI Codex CLI run on this machine.
package codex

import (
	"context"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// DefaultCommand is the CLI invoked when adapterConfig.command is empty.
const DefaultCommand = "codex"

// Adapter is the codex_local adapter.
type Adapter struct{}

// New returns the codex_local adapter.
func New() Adapter { return Adapter{} }

// Type is store.AdapterCodexLocal.
func (Adapter) Type() string { return store.AdapterCodexLocal }

// Models are the OpenAI models offered in the agent form.
func (Adapter) Models(context.Context) []heartbeat.Model {
	return []heartbeat.Model{
		{ID: "gpt-5", Label: "gpt-5"}, {ID: "gpt-5-codex", Label: "gpt-5-codex"}, {ID: "gpt-5-mini", Label: "gpt-5-mini"},
		{ID: "o3", Label: "o3"}, {ID: "o4-mini", Label: "o4-mini"},
	}
}

// ConfigDoc describes the adapterConfig keys.
func (Adapter) ConfigDoc() string {
	return "- cwd (string)\n- command (string, default codex)\n- model (string)\n- modelReasoningEffort (string)\n" +
		"- search (boolean)\n- dangerouslyBypassApprovalsAndSandbox (boolean, default false)\n- promptTemplate (string)\n" +
		"- instructionsFilePath (string)\n- env (object)\n- timeoutSec (number)\n- graceSec (number, default 20)\n- extraArgs (string[])\n"
}

// InheritEnv lets the CLI see the operator's OpenAI credentials and Codex home.
func (Adapter) InheritEnv() []string {
	return []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_HOME"}
}

// TestEnvironment checks the working directory, env bindings and that the CLI
// resolves.
func (Adapter) TestEnvironment(_ context.Context, cfg map[string]any) []heartbeat.EnvCheck {
	c := heartbeat.CheckCommon(cfg)
	c.CheckCommand(cfg, DefaultCommand, heartbeat.Text("Install Codex: npm install -g @openai/codex"))
	return c
}
