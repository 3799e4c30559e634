package heartbeat

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// sZomb is the p_stat of a zombie in the kernel's process table (sys/proc.h SZOMB).
const sZomb = 5

// GroupAlive reports whether any process is in the group.
func GroupAlive(pgid int) bool { return syscall.Kill(-pgid, 0) == nil }

// ProcessAlive reports whether pid names a live (not zombie) process, from the
// kernel's process table.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || kp.Proc.P_pid != int32(pid) {
		return false
	}
	return kp.Proc.P_stat != sZomb
}

// ProcessStartTime is when pid started, from the kernel's process table (what
// `ps -o lstart=` prints, to the microsecond); recovery compares it with the recorded
// start so a recycled pid is never signalled.
func ProcessStartTime(pid int) (time.Time, bool) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || kp.Proc.P_pid != int32(pid) {
		return time.Time{}, false
	}
	tv := kp.Proc.P_starttime
	return time.Unix(int64(tv.Sec), int64(tv.Usec)*1000), true
}
