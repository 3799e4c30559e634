// Package web holds the board UI: hand-written ES modules under app/ (Preact and htm
// vendored in app/vendor), embedded into the binary as they are, with no build step.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:app
var app embed.FS

// FS is the UI's static files, rooted at app/.
func FS() fs.FS {
	sub, err := fs.Sub(app, "app")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}
