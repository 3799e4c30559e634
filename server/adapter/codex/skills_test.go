package codex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paperclip/server/adapter/internal/localcli"
)

func TestInstallCompanySkillMarksAndRespectsUserEdits(t *testing.T) {
	home := t.TempDir()
	files := map[string]string{"SKILL.md": "---\nname: Research\n---\n\nRead first.\n", "references/deep.md": "Deeper.\n"}
	if wrote, err := InstallCompanySkill(home, "research", files); err != nil || !wrote {
		t.Fatalf("install: %v %v", wrote, err)
	}
	path := filepath.Join(home, "skills", "research", "SKILL.md")
	b, _ := os.ReadFile(path)
	if string(b) != "---\nname: Research\n---\n"+localcli.SkillMarker+"\n\nRead first.\n" || !localcli.Managed(b) {
		t.Fatalf("SKILL.md = %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(home, "skills", "research", "references", "deep.md")); string(b) != "Deeper.\n" {
		t.Fatalf("supporting file = %q", b)
	}
	// A managed copy is refreshed; a user's own copy is left alone.
	files["SKILL.md"] = "---\nname: Research\n---\nv2\n"
	if wrote, _ := InstallCompanySkill(home, "research", files); !wrote {
		t.Fatal("managed copy not refreshed")
	}
	os.WriteFile(path, []byte("---\nname: Research\n---\nmine\n"), 0o600)
	if wrote, err := InstallCompanySkill(home, "research", files); err != nil || wrote {
		t.Fatalf("overwrote a user copy: %v %v", wrote, err)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "mine\n") {
		t.Fatalf("user copy changed: %q", b)
	}
	for _, bad := range []string{"", "..", "a/b"} {
		if _, err := InstallCompanySkill(home, bad, files); err == nil {
			t.Errorf("slug %q accepted", bad)
		}
	}
	if _, err := InstallCompanySkill(home, "evil", map[string]string{"../../x": "y"}); err == nil {
		t.Error("file path escape accepted")
	}
}

func TestMarkManaged(t *testing.T) {
	for in, want := range map[string]string{
		"# no front matter\n":                localcli.SkillMarker + "\n# no front matter\n",
		"---\na: b\n---\nbody\n":             "---\na: b\n---\n" + localcli.SkillMarker + "\nbody\n",
		localcli.SkillMarker + "\nalready\n": localcli.SkillMarker + "\nalready\n",
		"---\nunclosed front matter\n":       localcli.SkillMarker + "\n---\nunclosed front matter\n",
	} {
		if got := MarkManaged(in); got != want {
			t.Errorf("MarkManaged(%q) = %q, want %q", in, got, want)
		}
	}
}
