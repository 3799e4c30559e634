package heartbeat

import (
	"context"
	"sort"
	"strings"

	"paperclip/store"
)

// EnvResolver turns the env bindings of a run (the agent's adapterConfig.env with the
// issue's project env over it) into plain values. The secrets store implements it by
// decrypting secret_ref bindings; PlainEnv resolves only plain values.
type EnvResolver interface {
	ResolveRunEnv(ctx context.Context, agent store.Agent, issueID string) (map[string]string, error)
}

// PlainEnv resolves plain bindings and fails on every secret reference, for servers
// without a secrets store.
type PlainEnv struct{ Store *store.Store }

// ResolveRunEnv merges the agent's and the project's plain bindings; a secret_ref fails
// the run with the message runtime.md §7 prescribes.
func (p PlainEnv) ResolveRunEnv(ctx context.Context, agent store.Agent, issueID string) (map[string]string, error) {
	merged := map[string]any{}
	if env, ok := agent.AdapterConfig["env"].(map[string]any); ok {
		for k, v := range env {
			merged[k] = v
		}
	}
	if issueID != "" && p.Store != nil {
		env, err := p.Store.FindIssueProjectEnv(ctx, issueID)
		if err != nil {
			return nil, err
		}
		for k, v := range env {
			merged[k] = v
		}
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]string{}
	for _, k := range keys {
		switch b := merged[k].(type) {
		case string:
			out[k] = b
		case map[string]any:
			if v, ok := b["value"].(string); ok && b["type"] == "plain" {
				out[k] = v
			} else if b["type"] == "secret_ref" && !strings.HasPrefix(k, "PAPERCLIP_") {
				return nil, store.Errorf(store.EUNPROCESSABLE, "Secret %s could not be resolved", k)
			}
		}
	}
	return out, nil
}
