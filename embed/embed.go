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
