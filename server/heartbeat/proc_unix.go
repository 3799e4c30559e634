//go:build !windows

package heartbeat

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// commandFor builds the child's command; Unix runs every executable directly.
func commandFor(ctx context.Context, path string, args []string) (*exec.Cmd, error) {
	return exec.CommandContext(ctx, path, args...), nil
}

// setProcessGroup makes the child lead a new process group, so a stop reaches
// everything it starts.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// procTree is a started child and everything in its process group.
type procTree struct {
	pgid int
	p    *os.Process
}

// newProcTree is called right after Start: the child's pid is its group id.
func newProcTree(cmd *exec.Cmd) *procTree { return &procTree{pgid: cmd.Process.Pid, p: cmd.Process} }

func (t *procTree) id() int              { return t.pgid }
func (t *procTree) terminate()           { terminateGroup(t.pgid, t.p) }
func (t *procTree) kill()                { killGroup(t.pgid, t.p) }
func (t *procTree) alive() bool          { return GroupAlive(t.pgid) }
func (t *procTree) release()             {}
func (t *procTree) process() *os.Process { return t.p }

// terminateGroup sends SIGTERM to the group, falling back to the process itself.
func terminateGroup(pgid int, p *os.Process) {
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && p != nil {
		p.Signal(syscall.SIGTERM)
	}
}

func killGroup(pgid int, p *os.Process) {
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && p != nil {
		p.Kill()
	}
}

func exitSignal(st *os.ProcessState) string {
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return sigName(ws.Signal())
	}
	return ""
}

func sigName(s syscall.Signal) string {
	switch s {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGSEGV:
		return "SIGSEGV"
	case syscall.SIGABRT:
		return "SIGABRT"
	}
	return "SIG" + strconv.Itoa(int(s))
}

func isExecutable(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}

func candidates(command string) []string { return []string{command} }
