package store_test

import (
	"fmt"
	"testing"

	"paperclip/store"
)

// mediumCompany is a company of 12 agents in a tree, 20 goals, 6 projects and 300
// issues (every third with a parent, two comments each), plus two skills.
func mediumCompany(b *testing.B, s *store.Store) string {
	b.Helper()
	ctx := boardCtx()
	c := mustCompany(b, s, "Medium Co")
	var agents []string
	for i := 0; i < 12; i++ {
		in := store.AgentInput{Name: store.Some(fmt.Sprintf("Agent %d", i)), Role: store.Some("engineer"),
			AdapterType: store.Some(store.AdapterProcess), AdapterConfig: store.Some(map[string]any{"command": "true",
				"env": map[string]any{"LOG_LEVEL": map[string]any{"type": "plain", "value": "info"}}})}
		if i > 0 {
			in.ReportsTo = store.Some(agents[(i-1)/3])
		}
		a, err := s.CreateAgent(ctx, c.ID, in)
		if err != nil {
			b.Fatal(err)
		}
		agents = append(agents, a.ID)
	}
	for i := 0; i < 20; i++ {
		if _, err := s.CreateGoal(ctx, c.ID, store.GoalInput{Title: store.Some(fmt.Sprintf("Goal %d", i))}); err != nil {
			b.Fatal(err)
		}
	}
	var projects []string
	for i := 0; i < 6; i++ {
		p, err := s.CreateProject(ctx, c.ID, store.ProjectInput{Name: store.Some(fmt.Sprintf("Project %d", i)), LeadAgentID: store.Some(agents[i])})
		if err != nil {
			b.Fatal(err)
		}
		projects = append(projects, p.ID)
	}
	var issues []string
	for i := 0; i < 300; i++ {
		in := store.IssueInput{Title: store.Some(fmt.Sprintf("Task %d", i)), Description: store.Some("Do the thing carefully."),
			AssigneeAgentID: store.Some(agents[i%len(agents)]), ProjectID: store.Some(projects[i%len(projects)]),
			AllowDuplicate: store.Some(true)}
		if i%3 == 2 {
			in.ParentID = store.Some(issues[i-1])
		}
		out, err := s.CreateIssue(ctx, c.ID, in)
		if err != nil {
			b.Fatal(err)
		}
		issues = append(issues, out.ID)
		for j := 0; j < 2; j++ {
			if _, err := s.CreateComment(ctx, out.ID, store.CommentInput{Body: store.Some(fmt.Sprintf("Note %d on task %d", j, i))}); err != nil {
				b.Fatal(err)
			}
		}
	}
	off := false
	pkg := store.PackageFiles{"COMPANY.md": store.TextFile("---\nname: x\n---\n"),
		"skills/research/SKILL.md": store.TextFile("---\nname: Research\n---\nRead.\n"),
		"skills/review/SKILL.md":   store.TextFile("---\nname: Review\n---\nCheck.\n")}
	if _, err := s.ApplyImport(ctx, nil, store.ImportInput{Source: store.ImportSource{Type: "inline", Files: pkg},
		Include: &store.PackageIncludeInput{Company: &off}, Target: store.ImportTarget{Mode: store.TargetExistingCompany, CompanyID: c.ID}}); err != nil {
		b.Fatal(err)
	}
	return c.ID
}

var withIssues = func() *store.PackageIncludeInput { on := true; return &store.PackageIncludeInput{Issues: &on} }

// BenchmarkExportMediumCompany builds the whole package (issues included) of a medium
// company: one read transaction, the manifest, every rendered file.
func BenchmarkExportMediumCompany(b *testing.B) {
	s := MustOpen(b)
	cid := mediumCompany(b, s)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ex, err := s.ExportCompany(boardCtx(), cid, store.ExportInput{Include: withIssues()})
		if err != nil || len(ex.Manifest.Issues) != 300 {
			b.Fatalf("%d issues, %v", len(ex.Manifest.Issues), err)
		}
	}
}

// BenchmarkImportMediumCompany imports that package as a new company: parse, plan
// and the one apply transaction.
func BenchmarkImportMediumCompany(b *testing.B) {
	s := MustOpen(b)
	cid := mediumCompany(b, s)
	ex, err := s.ExportCompany(boardCtx(), cid, store.ExportInput{Include: withIssues()})
	if err != nil {
		b.Fatal(err)
	}
	in := store.ImportInput{Source: store.ImportSource{Type: "inline", Files: ex.Files}, Target: store.ImportTarget{Mode: store.TargetNewCompany}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := s.ApplyImport(boardCtx(), nil, in)
		if err != nil || len(res.Issues) != 300 || len(res.Agents) != 12 {
			b.Fatalf("%d issues %d agents, %v", len(res.Issues), len(res.Agents), err)
		}
	}
}
