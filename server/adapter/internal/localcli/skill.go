package localcli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SkillMarker is the first line of the body (after the frontmatter, which skill
// loaders require at the top) of every skill file this server writes; a file without it
// was written or taken over by someone else.
const SkillMarker = "<!-- paperclip-managed -->"

// Skill is one skill document to install: its directory name and SKILL.md bytes.
type Skill struct {
	Name string
	Doc  []byte
}

// InstallSkills writes each skill as <dir>/<name>/SKILL.md, the layout both CLIs
// discover. With keepUnmanaged, a SKILL.md already there without SkillMarker is the
// user's and is left as it is (a shared home such as CODEX_HOME); without it the
// directory is the run's own and is simply written. It returns the names written.
func InstallSkills(dir string, skills []Skill, keepUnmanaged bool) ([]string, error) {
	var written []string
	for _, sk := range skills {
		ok, err := installSkill(dir, sk, keepUnmanaged)
		if err != nil {
			return written, err
		}
		if ok {
			written = append(written, sk.Name)
		}
	}
	return written, nil
}

func installSkill(dir string, sk Skill, keepUnmanaged bool) (bool, error) {
	if sk.Name == "" || sk.Name != filepath.Base(sk.Name) || sk.Name == "." || sk.Name == ".." {
		return false, fmt.Errorf("invalid skill name %q", sk.Name)
	}
	skillDir := filepath.Join(dir, sk.Name)
	path := filepath.Join(skillDir, "SKILL.md")
	if keepUnmanaged {
		if old, err := os.ReadFile(path); err == nil {
			if !Managed(old) {
				return false, nil
			}
		} else if !os.IsNotExist(err) {
			return false, err
		}
	}
	if err := os.MkdirAll(skillDir, 0o700); err != nil {
		return false, err
	}
	return true, os.WriteFile(path, sk.Doc, 0o600)
}

// Managed reports whether a skill file carries SkillMarker as the first line of its
// body: the first non-blank line after a leading "---" frontmatter block, or the first
// non-blank line of a file without one.
func Managed(skillMD []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(skillMD))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	inFront, first := false, true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case first && line == "---":
			inFront, first = true, false
		case inFront:
			inFront = line != "---"
		case line == "":
			first = false
		default:
			return line == SkillMarker
		}
	}
	return false
}

// RunSkills are the skills a run installs: the embedded paperclip skill (runtime.md
// §23) when the runtime handed one over. Company skills an agent's adapterConfig asks
// for (portability.md §5.5) are appended to this list, and both adapters install the
// list the same way.
func RunSkills(paperclipMD []byte) []Skill {
	if len(paperclipMD) == 0 {
		return nil
	}
	return []Skill{{Name: "paperclip", Doc: paperclipMD}}
}
