//go:build windows

package heartbeat

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Windows has no process groups to signal; the child is started in a new process
// group and stopped by killing it (Job Objects for whole trees are later work).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

func terminateGroup(pgid int, p *os.Process) {
	if p != nil {
		p.Kill()
	}
}

func killGroup(pgid int, p *os.Process) {
	if p != nil {
		p.Kill()
	}
}

func exitSignal(*os.ProcessState) string { return "" }

// GroupAlive reports whether the process still exists.
func GroupAlive(pgid int) bool { return ProcessAlive(pgid) }

// ProcessAlive reports whether pid names a running process.
func ProcessAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}

func isExecutable(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

func candidates(command string) []string {
	if filepath.Ext(command) != "" {
		return []string{command}
	}
	out := []string{command}
	for _, ext := range strings.Split(strings.ToLower(os.Getenv("PATHEXT")), ";") {
		if ext != "" {
			out = append(out, command+ext)
		}
	}
	return out
}

// ProcessStartTime is not available on Windows yet.
func ProcessStartTime(int) (time.Time, bool) { return time.Time{}, false }
