//go:build !windows && !linux && !darwin

package heartbeat

import (
	"syscall"
	"time"
)

// GroupAlive reports whether any process is in the group.
func GroupAlive(pgid int) bool { return syscall.Kill(-pgid, 0) == nil }

// ProcessAlive reports whether pid names a process.
func ProcessAlive(pid int) bool { return pid > 0 && syscall.Kill(pid, 0) == nil }

// ProcessStartTime is unknown here, so recovery never signals a recorded pid it cannot
// prove is the run's own.
func ProcessStartTime(int) (time.Time, bool) { return time.Time{}, false }
