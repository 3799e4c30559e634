package claude

import (
	"context"
	"testing"

	"paperclip/store"
)

func TestClaudeDescribesItself(t *testing.T) {
	a := New()
	ctx := context.Background()
	if a.Type() != store.AdapterClaudeLocal || a.Models(ctx)[1].ID != "claude-sonnet-4-6" {
		t.Fatalf("type %q models %v", a.Type(), a.Models(ctx))
	}
	checks := a.TestEnvironment(ctx, map[string]any{"command": fakeCLI(t)})
	if last := checks[len(checks)-1]; last.Code != "command_ok" {
		t.Fatalf("checks %+v", checks)
	}
}
