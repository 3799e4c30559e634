package server

import (
	"slices"
	"strings"
	"testing"

	"paperclip/server/adapter/claude"
	"paperclip/server/heartbeat"
)

// TestLoginEnv: the login child gets the instance .env values the process does not set
// when the adapter inherits them, never a server-only secret from either source, and the
// agent's plain bindings but no unresolved secret reference.
func TestLoginEnv(t *testing.T) {
	t.Setenv("PAPERCLIP_AGENT_JWT_SECRET", "from-process")
	t.Setenv("ANTHROPIC_BASE_URL", "http://process.invalid")
	child := map[string]string{
		"ANTHROPIC_BASE_URL": "http://dotenv.invalid", "ANTHROPIC_API_KEY": "dotenv-key",
		"PAPERCLIP_AGENT_JWT_SECRET": "from-dotenv", "PAPERCLIP_SECRETS_MASTER_KEY": "key",
	}
	cfg := map[string]any{"env": map[string]any{
		"BOUND": map[string]any{"type": "plain", "value": "yes"}, "SECRET_REF": map[string]any{"type": "secret_ref", "secretId": "x"}}}
	env, _ := heartbeat.BuildEnv(heartbeat.EnvSpec{Server: serverEnv(child), Inherit: claude.New().InheritEnv(),
		Bindings: []map[string]string{heartbeat.PlainBindings(cfg)}})
	for _, want := range []string{"ANTHROPIC_BASE_URL=http://process.invalid", "ANTHROPIC_API_KEY=dotenv-key", "BOUND=yes"} {
		if !slices.Contains(env, want) {
			t.Errorf("child env lacks %s", want)
		}
	}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case kv == "ANTHROPIC_BASE_URL=http://dotenv.invalid":
			t.Errorf("the .env value overrode the process environment: %s", kv)
		case k == "PAPERCLIP_AGENT_JWT_SECRET", k == "PAPERCLIP_SECRETS_MASTER_KEY", k == "SECRET_REF":
			t.Errorf("child env has %s", kv)
		}
	}
}
