// Package embed holds the non-UI files compiled into the binary (agent skill document,
// company templates, default config). It exposes only fs.FS values.
package embed

import (
	stdembed "embed"
	"io/fs"
)

//go:embed all:files
var files stdembed.FS

// Files is the embedded resource tree.
func Files() fs.FS {
	sub, err := fs.Sub(files, "files")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}

// SkillVersionPlaceholder stands in the skill documents for the binary's version
// (frontmatter metadata.paperclipVersion); whoever serves or installs a skill replaces
// it, so the embedded bytes stay constant.
const SkillVersionPlaceholder = "{{paperclipVersion}}"

// Skills is the tree of agent skills: <name>/SKILL.md, starting with "paperclip", the
// heartbeat protocol taught to every agent.
func Skills() fs.FS {
	sub, err := fs.Sub(files, "files/skills")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}
