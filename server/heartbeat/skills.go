package heartbeat

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"paperclip/store"
)

// CompanySkills are the company skills an agent wants installed next to the built-in
// paperclip skill: slug -> (path inside the skill folder -> content).
type CompanySkills map[string]map[string]string

// companySkills reads the desired skills of a claude_local or codex_local agent; other
// adapters install no skills. A failed read is a warning, never a failed run.
func (s *Scheduler) companySkills(ctx context.Context, agent store.Agent, warn func(string)) CompanySkills {
	if agent.AdapterType != store.AdapterClaudeLocal && agent.AdapterType != store.AdapterCodexLocal {
		return nil
	}
	want := store.DesiredSkills(agent.AdapterConfig)
	if len(want) == 0 {
		return nil
	}
	files, err := s.store.FindSkillFiles(ctx, agent.CompanyID, want)
	if err != nil {
		warn("Could not read company skills: " + err.Error())
		return nil
	}
	for _, slug := range want {
		if _, ok := files[slug]; !ok {
			warn("Desired skill " + slug + " is not a company skill; skipped")
		}
	}
	return CompanySkills(files)
}

// WriteSkillDir writes one skill's files under dir. Paths come from a package and are
// checked again here, so nothing is written outside dir.
func WriteSkillDir(dir string, files map[string]string) error {
	for rel, content := range files {
		if !fs.ValidPath(rel) || strings.Contains(rel, "\\") {
			return fmt.Errorf("invalid skill file path %q", rel)
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}
