//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package cli

import "os"

// Platforms without flock run unlocked: a second server fails on the port instead.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
