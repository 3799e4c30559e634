package heartbeat_test

import (
	"context"
	"slices"
	"testing"

	"paperclip/server/heartbeat"
)

type fakeAdapter struct {
	typ   string
	model string
}

func (f fakeAdapter) Type() string { return f.typ }
func (f fakeAdapter) Models(context.Context) []heartbeat.Model {
	return []heartbeat.Model{{ID: f.model, Label: f.model}}
}
func (f fakeAdapter) ConfigDoc() string { return "" }
func (f fakeAdapter) TestEnvironment(context.Context, map[string]any) []heartbeat.EnvCheck {
	return nil
}
func (f fakeAdapter) Execute(context.Context, heartbeat.Invocation) (heartbeat.Result, error) {
	return heartbeat.Result{}, heartbeat.ErrNotImplemented
}
func (f fakeAdapter) InheritEnv() []string { return []string{"FAKE_HOME"} }

func TestRegistryOrderAndReplacement(t *testing.T) {
	r := heartbeat.NewRegistry(fakeAdapter{"a", "m1"}, fakeAdapter{"b", "m2"}, fakeAdapter{"a", "m3"})
	if got := r.Types(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("types %v", got)
	}
	a, ok := r.Get("a")
	if !ok || a.Models(context.Background())[0].ID != "m3" {
		t.Fatalf("a later adapter of a type replaces the earlier: %v %v", a, ok)
	}
	if _, ok := r.Get("nope"); ok {
		t.Fatal("unknown type found")
	}
	if got := heartbeat.InheritedBy(a); !slices.Equal(got, []string{"FAKE_HOME"}) {
		t.Fatalf("inherit %v", got)
	}
	types := r.Types()
	types[0] = "mutated"
	if r.Types()[0] != "a" {
		t.Fatal("Types exposes the registry's own slice")
	}
}
