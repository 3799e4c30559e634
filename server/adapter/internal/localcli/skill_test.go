package localcli

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	pcembed "paperclip/embed"
)

func TestManaged(t *testing.T) {
	for doc, want := range map[string]bool{
		SkillMarker + "\n# x": true,
		"---\nname: p\ndescription: d\n---\n" + SkillMarker + "\n": true,
		"---\nname: p\n---\n\n" + SkillMarker:                      true,
		"---\nname: p\n---\n# edited\n" + SkillMarker:              false,
		"# plain\n": false,
		"---\n" + SkillMarker + "\n---\n# in frontmatter only": false,
		"": false,
	} {
		if Managed([]byte(doc)) != want {
			t.Errorf("Managed(%q) = %v", doc, !want)
		}
	}
}

// The embedded paperclip skill is recognised as ours, so upgrades refresh it.
func TestEmbeddedSkillIsManaged(t *testing.T) {
	b, err := fs.ReadFile(pcembed.Skills(), "paperclip/SKILL.md")
	if err != nil {
		t.Fatal(err)
	}
	if !Managed(b) {
		t.Fatal("embedded skill lacks the managed marker after its frontmatter")
	}
}

// A run's own directory is written whatever is there; a shared home keeps a file
// the user took over.
func TestInstallSkillsKeepsUnmanagedOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "paperclip", "SKILL.md")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("# mine\n"), 0o600)
	mine := []Skill{{Name: "paperclip", Doc: []byte(SkillMarker + "\n# ours\n")}, {Name: "extra", Doc: []byte(SkillMarker + "\n")}}
	if names, err := InstallSkills(dir, mine, true); err != nil || len(names) != 1 || names[0] != "extra" {
		t.Fatalf("shared home: %v %v", names, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "# mine\n" {
		t.Fatalf("user file replaced: %q", b)
	}
	if names, err := InstallSkills(dir, mine, false); err != nil || len(names) != 2 {
		t.Fatalf("run dir: %v %v", names, err)
	}
	if RunSkills(nil) != nil || len(RunSkills([]byte("x"))) != 1 {
		t.Fatal("RunSkills")
	}
}
