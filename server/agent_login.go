package server

import (
	"errors"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"

	"paperclip/server/adapter/claude"
	"paperclip/store"
)

// handleClaudeLogin runs the Claude CLI login flow with the agent's configuration
// (agents.md §11) so the board can sign the machine's CLI in from the UI.
func (s *Server) handleClaudeLogin(w http.ResponseWriter, r *http.Request) {
	a, ok := s.managedAgent(w, r)
	if !ok {
		return
	}
	if a.AdapterType != store.AdapterClaudeLocal {
		s.writeError(w, r, errorf(store.EINVALID, "Login is only supported for claude_local agents"))
		return
	}
	cfg := claude.LoginConfig{Env: loginEnv(s.cfg.ChildEnv, a.AdapterConfig)}
	cfg.Command, _ = a.AdapterConfig["command"].(string)
	cfg.Cwd, _ = a.AdapterConfig["cwd"].(string)
	res, err := claude.Login(r.Context(), cfg)
	if errors.Is(err, claude.ErrCommandNotFound) {
		cmd := cfg.Command
		if cmd == "" {
			cmd = claude.DefaultCommand
		}
		s.writeError(w, r, errorf(store.EUNPROCESSABLE, "Claude CLI not found: %s", cmd))
		return
	}
	s.respond(w, r, http.StatusOK, res, err)
}

// serverOnlyEnv are variables of the server process a child must never inherit: with
// the JWT secret an agent could mint tokens for any other agent.
var serverOnlyEnv = map[string]bool{
	"PAPERCLIP_AGENT_JWT_SECRET": true, "PAPERCLIP_SECRETS_MASTER_KEY": true,
	"PAPERCLIP_SECRETS_MASTER_KEY_FILE": true, "DATABASE_URL": true,
}

// loginEnv is the server's environment plus the instance .env variables it does not
// set, minus server-only secrets, plus the agent's plain env bindings. Secret references
// need the secrets store to resolve and are left out of a login run.
func loginEnv(childEnv map[string]string, adapterConfig map[string]any) []string {
	var env []string
	seen := map[string]bool{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		seen[k] = true
		if !serverOnlyEnv[k] {
			env = append(env, kv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(childEnv)) {
		if !seen[k] && !serverOnlyEnv[k] {
			env = append(env, k+"="+childEnv[k])
		}
	}
	bindings, _ := adapterConfig["env"].(map[string]any)
	for k, v := range bindings {
		switch b := v.(type) {
		case string:
			env = append(env, k+"="+b)
		case map[string]any:
			if val, ok := b["value"].(string); ok && b["type"] == "plain" {
				env = append(env, k+"="+val)
			}
		}
	}
	return env
}
