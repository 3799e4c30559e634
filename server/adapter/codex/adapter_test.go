package codex_test

import (
	"context"
	"testing"

	"paperclip/server/adapter/codex"
	"paperclip/store"
)

func TestCodexDescribesItself(t *testing.T) {
	a := codex.New()
	ctx := context.Background()
	if a.Type() != store.AdapterCodexLocal || len(a.Models(ctx)) == 0 {
		t.Fatalf("type %q models %v", a.Type(), a.Models(ctx))
	}
	// Without adapterConfig.command the default CLI is looked up, with an install hint.
	t.Setenv("PATH", t.TempDir())
	checks := a.TestEnvironment(ctx, map[string]any{})
	last := checks[len(checks)-1]
	if last.Code != "command_not_found" || *last.Detail != codex.DefaultCommand || last.Hint == nil {
		t.Fatalf("checks %+v", checks)
	}
}
