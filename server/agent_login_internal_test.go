package server

import (
	"slices"
	"testing"
)

// TestLoginEnv: the child gets the server's environment and the instance .env values it
// does not override, never a server-only secret from either, then the agent's bindings.
func TestLoginEnv(t *testing.T) {
	t.Setenv("PAPERCLIP_AGENT_JWT_SECRET", "from-process")
	t.Setenv("LOGIN_ENV_REAL", "process")
	child := map[string]string{
		"LOGIN_ENV_REAL": "dotenv", "LOGIN_ENV_DOTENV": "dotenv",
		"PAPERCLIP_AGENT_JWT_SECRET": "from-dotenv", "PAPERCLIP_SECRETS_MASTER_KEY": "key",
	}
	env := loginEnv(child, map[string]any{"env": map[string]any{
		"BOUND": map[string]any{"type": "plain", "value": "yes"}, "SECRET_REF": map[string]any{"type": "secret_ref", "secretId": "x"}}})
	for _, want := range []string{"LOGIN_ENV_REAL=process", "LOGIN_ENV_DOTENV=dotenv", "BOUND=yes"} {
		if !slices.Contains(env, want) {
			t.Errorf("child env lacks %s", want)
		}
	}
	for _, kv := range env {
		switch kv {
		case "LOGIN_ENV_REAL=dotenv", "PAPERCLIP_AGENT_JWT_SECRET=from-process", "PAPERCLIP_AGENT_JWT_SECRET=from-dotenv",
			"PAPERCLIP_SECRETS_MASTER_KEY=key":
			t.Errorf("child env has %s", kv)
		}
		if len(kv) >= 11 && kv[:11] == "SECRET_REF=" {
			t.Errorf("child env has an unresolved secret reference %s", kv)
		}
	}
}
