package heartbeat_test

import (
	"context"
	"sync"
	"testing"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// skillRecorder is a claude_local stand-in that keeps the skills each run was given.
type skillRecorder struct {
	mu   sync.Mutex
	seen []heartbeat.CompanySkills
}

func (*skillRecorder) Type() string                             { return store.AdapterClaudeLocal }
func (*skillRecorder) Models(context.Context) []heartbeat.Model { return nil }
func (*skillRecorder) ConfigDoc() string                        { return "" }
func (*skillRecorder) TestEnvironment(context.Context, map[string]any) []heartbeat.EnvCheck {
	return nil
}
func (s *skillRecorder) Execute(_ context.Context, inv heartbeat.Invocation) (heartbeat.Result, error) {
	s.mu.Lock()
	s.seen = append(s.seen, inv.Skills)
	s.mu.Unlock()
	zero := 0
	return heartbeat.Result{ExitCode: &zero}, nil
}

// TestRunsGetTheirDesiredCompanySkills: a run of a CLI agent is handed the files of
// the company skills in its desiredSkills, and only those; an unknown slug is skipped.
func TestRunsGetTheirDesiredCompanySkills(t *testing.T) {
	rec := &skillRecorder{}
	r := newRuntime(t, nil, rec)
	pkg := store.PackageFiles{
		"COMPANY.md":                      store.TextFile("---\nname: Carrier\n---\n"),
		"skills/research/SKILL.md":        store.TextFile("---\nname: Research\n---\nRead.\n"),
		"skills/research/references/a.md": store.TextFile("A\n"),
		"skills/unwanted/SKILL.md":        store.TextFile("---\nname: Unwanted\n---\n"),
	}
	off := false
	if _, err := r.st.ApplyImport(boardCtx(), nil, store.ImportInput{Source: store.ImportSource{Type: "inline", Files: pkg},
		Include: &store.PackageIncludeInput{Company: &off}, Target: store.ImportTarget{Mode: store.TargetExistingCompany, CompanyID: r.company.ID}}); err != nil {
		t.Fatal(err)
	}
	a := r.agent("Ada", store.AdapterClaudeLocal, map[string]any{"paperclipSkillSync": map[string]any{"desiredSkills": []any{"research", "ghost"}}}, nil)
	out := r.invoke(a.ID, nil)
	if out.Run == nil {
		t.Fatalf("no run: %+v", out)
	}
	r.waitDone(out.Run.ID)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) != 1 {
		t.Fatalf("%d runs recorded", len(rec.seen))
	}
	got := rec.seen[0]
	if len(got) != 1 || got["research"]["SKILL.md"] != "---\nname: Research\n---\nRead.\n" || got["research"]["references/a.md"] != "A\n" {
		t.Fatalf("skills given to the run: %v", got)
	}
}
