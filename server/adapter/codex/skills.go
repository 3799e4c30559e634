package codex

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"paperclip/server/adapter/internal/localcli"
	"paperclip/server/heartbeat"
)

// InstallCompanySkill copies a company skill to <codexHome>/skills/<slug>/ under the
// same rule as the paperclip skill: a SKILL.md already there without localcli.SkillMarker was
// written by someone else and the skill is left alone. The SKILL.md written carries
// the marker, so the next run may refresh it. It reports whether it wrote.
func InstallCompanySkill(codexHome, slug string, files map[string]string) (bool, error) {
	if slug == "" || slug != filepath.Base(slug) || slug == "." || slug == ".." {
		return false, fmt.Errorf("invalid skill name %q", slug)
	}
	dir := filepath.Join(codexHome, "skills", slug)
	if old, err := os.ReadFile(filepath.Join(dir, "SKILL.md")); err == nil {
		if !localcli.Managed(old) {
			return false, nil
		}
	} else if !os.IsNotExist(err) {
		return false, err
	}
	out := make(map[string]string, len(files))
	for p, c := range files {
		out[p] = c
	}
	out["SKILL.md"] = MarkManaged(files["SKILL.md"])
	return true, heartbeat.WriteSkillDir(dir, out)
}

// MarkManaged puts localcli.SkillMarker as the first line of a skill document's body: after
// the front matter, which skill loaders require at the very top.
func MarkManaged(md string) string {
	if localcli.Managed([]byte(md)) {
		return md
	}
	if rest, ok := strings.CutPrefix(md, "---\n"); ok {
		if i := strings.Index(rest, "\n---\n"); i >= 0 {
			cut := len("---\n") + i + len("\n---\n")
			return md[:cut] + localcli.SkillMarker + "\n" + md[cut:]
		}
	}
	return localcli.SkillMarker + "\n" + md
}
