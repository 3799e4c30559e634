package claude

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInstallSkillFiles(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"SKILL.md": "# research\n", "references/deep.md": "Deeper.\n"}
	if err := InstallSkillFiles(root, "research", files); err != nil {
		t.Fatal(err)
	}
	for rel, want := range files {
		b, err := os.ReadFile(filepath.Join(root, ".claude", "skills", "research", filepath.FromSlash(rel)))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q %v", rel, b, err)
		}
	}
	for _, bad := range []string{"", "..", "a/b", "."} {
		if err := InstallSkillFiles(root, bad, files); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if err := InstallSkillFiles(root, "evil", map[string]string{"../../outside.md": "x"}); err == nil {
		t.Error("file path escape accepted")
	}
	if _, err := os.Stat(filepath.Join(root, "outside.md")); err == nil {
		t.Error("a file was written outside the skill folder")
	}
}
