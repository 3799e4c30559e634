package claude

import (
	"fmt"
	"path/filepath"

	"paperclip/server/heartbeat"
)

// InstallSkillFiles writes a company skill (SKILL.md and its supporting files) under
// <root>/.claude/skills/<name>/, beside the paperclip skill (see InstallSkill).
func InstallSkillFiles(root, name string, files map[string]string) error {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return fmt.Errorf("invalid skill name %q", name)
	}
	return heartbeat.WriteSkillDir(filepath.Join(root, ".claude", "skills", name), files)
}
