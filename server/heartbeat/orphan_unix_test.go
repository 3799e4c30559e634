//go:build !windows

package heartbeat_test

import (
	"os/exec"
	"syscall"
)

func orphanCommand(script string) *exec.Cmd {
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}
