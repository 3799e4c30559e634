//go:build !windows

package cli

import (
	"errors"
	"syscall"
)

func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }

// ownsConsole is a Windows double-click concern; terminals elsewhere stay open.
func ownsConsole() bool { return false }
