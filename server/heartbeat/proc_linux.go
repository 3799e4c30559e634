package heartbeat

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// GroupAlive reports whether any live (not zombie) process is in the group. It reads
// /proc, because a zombie nobody reaps (PID 1 of a container may not) still answers
// kill(-pgid, 0).
func GroupAlive(pgid int) bool {
	if syscall.Kill(-pgid, 0) != nil {
		return false // no member at all, not even a zombie
	}
	if entries, err := os.ReadDir("/proc"); err == nil {
		found := false
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			st, ok := procStat(pid)
			if !ok {
				continue
			}
			found = true
			if st.pgrp == pgid && st.state != "Z" && st.state != "X" {
				return true
			}
		}
		if found {
			return false
		}
	}
	return syscall.Kill(-pgid, 0) == nil
}

// ProcessAlive reports whether pid names a live (not zombie) process.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if st, ok := procStat(pid); ok {
		return st.state != "Z" && st.state != "X"
	}
	if _, err := os.Stat("/proc/self/stat"); err == nil {
		return false // /proc works and has no such process
	}
	return syscall.Kill(pid, 0) == nil
}

type statLine struct {
	state     string
	pgrp      int
	startTick uint64
}

// procStat parses /proc/<pid>/stat: the state, process group and start time fields
// after the parenthesised command name (which may itself contain spaces).
func procStat(pid int) (statLine, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return statLine{}, false
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return statLine{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return statLine{}, false
	}
	pgrp, _ := strconv.Atoi(f[2])
	start, _ := strconv.ParseUint(f[19], 10, 64)
	return statLine{state: f[0], pgrp: pgrp, startTick: start}, true
}

// ProcessStartTime is when pid started, from /proc; recovery compares it with the
// recorded start so a recycled pid is never signalled.
func ProcessStartTime(pid int) (time.Time, bool) {
	st, ok := procStat(pid)
	if !ok {
		return time.Time{}, false
	}
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, false
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, found := strings.CutPrefix(line, "btime "); found {
			boot, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			// USER_HZ is 100 on every Linux architecture Go supports.
			return time.Unix(boot, 0).Add(time.Duration(st.startTick) * 10 * time.Millisecond), true
		}
	}
	return time.Time{}, false
}
