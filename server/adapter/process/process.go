// Package process is the process adapter: any executable run on this machine with
// the run's environment, its output kept as the run log.
package process

import (
	"context"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// Adapter is the process adapter.
type Adapter struct{}

// New returns the process adapter.
func New() Adapter { return Adapter{} }

// Type is store.AdapterProcess.
func (Adapter) Type() string { return store.AdapterProcess }

// Models is empty: a process names no model.
func (Adapter) Models(context.Context) []heartbeat.Model { return []heartbeat.Model{} }

// ConfigDoc describes the adapterConfig keys.
func (Adapter) ConfigDoc() string {
	return "- command (string, required at run time): executable to run\n- args (string[]): arguments\n" +
		"- cwd (string): absolute working directory\n- env (object): environment bindings (plain or secret_ref)\n" +
		"- timeoutSec (number, 0 = instance default)\n- graceSec (number, default 15): SIGTERM grace\n" +
		"- stdinPrompt (boolean): write the rendered prompt to stdin\n- promptTemplate (string)\n"
}

// TestEnvironment checks the working directory, env bindings and that the command
// resolves; a process adapter has no default command.
func (Adapter) TestEnvironment(_ context.Context, cfg map[string]any) []heartbeat.EnvCheck {
	c := heartbeat.CheckCommon(cfg)
	c.CheckCommand(cfg, "", nil)
	return c
}
