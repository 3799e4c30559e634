//go:build !windows

package claude

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the CLI in its own process group so a timeout stops the
// whole tree it spawned, not just the direct child.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
