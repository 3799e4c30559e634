package server

import (
	"errors"
	"maps"
	"net/http"
	"os"
	"slices"

	"paperclip/server/adapter/claude"
	"paperclip/server/heartbeat"
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
	// The login child gets the same allowlisted environment as a run, never the
	// server's secrets; secret references need the secrets store and are left out.
	env, _ := heartbeat.BuildEnv(heartbeat.EnvSpec{Server: serverEnv(s.cfg.ChildEnv), Inherit: claude.New().InheritEnv(),
		Bindings: []map[string]string{heartbeat.PlainBindings(a.AdapterConfig)}})
	cfg := claude.LoginConfig{Env: env}
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

// serverEnv is the server's environment plus the instance .env variables it does not
// set itself (the real environment wins); the child builder's allowlist then decides
// what of it a child may see.
func serverEnv(childEnv map[string]string) []string {
	env := os.Environ()
	for _, k := range slices.Sorted(maps.Keys(childEnv)) {
		if _, set := os.LookupEnv(k); !set {
			env = append(env, k+"="+childEnv[k])
		}
	}
	return env
}
