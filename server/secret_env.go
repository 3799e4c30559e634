package server

import (
	"context"
	"sync"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// secretEnv is the runtime's env resolver backed by the secrets store: plain bindings
// as given, secret references decrypted under the instance master key at run start.
type secretEnv struct {
	store *store.Store
	key   func() (*store.SecretKey, error)
}

// SecretEnv is the heartbeat EnvResolver of a server configured by cfg. Without a
// usable master key, runs whose env has no secret reference still start; a reference
// then fails its run by key name, as an undecryptable one does.
func SecretEnv(cfg Config, st *store.Store) heartbeat.EnvResolver {
	cfg = cfg.withDefaults()
	return secretEnv{store: st, key: sync.OnceValues(func() (*store.SecretKey, error) {
		return store.LoadSecretKey(cfg.SecretsMasterKey, cfg.secretKeyFile())
	})}
}

// ResolveRunEnv merges the agent's and the issue's project env and resolves them.
func (e secretEnv) ResolveRunEnv(ctx context.Context, agent store.Agent, issueID string) (map[string]string, error) {
	key, _ := e.key() // a nil key fails only the references, inside the store call
	return e.store.ResolveRunEnv(ctx, key, agent.ID, issueID)
}
