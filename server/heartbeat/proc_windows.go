//go:build windows

package heartbeat

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// stillActive is the exit code GetExitCodeProcess reports for a running process.
const stillActive = 259

// commandFor builds the child's command. A .cmd or .bat file (how npm installs the
// claude and codex CLIs) is run through cmd.exe with a command line quoted for it, since
// CreateProcess cannot start a batch file and cmd.exe does not parse arguments the way
// programs do (runtime.md §16.1).
func commandFor(ctx context.Context, path string, args []string) (*exec.Cmd, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".cmd", ".bat":
		line, err := batchCommandLine(path, args)
		if err != nil {
			return nil, err
		}
		shell := os.Getenv("ComSpec")
		if shell == "" {
			shell = `C:\Windows\System32\cmd.exe`
		}
		cmd := exec.CommandContext(ctx, shell)
		cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: line}
		return cmd, nil
	}
	return exec.CommandContext(ctx, path, args...), nil
}

// setProcessGroup starts the child in a new process group, which CTRL_BREAK reaches.
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP
}

// procTree is a started child and every process it starts: they all belong to one Job
// Object created for the run with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, so terminating
// the job ends the tree, and when the server dies (its handle closes) Windows ends it
// too. Without a job (creation failed) only the child itself can be stopped.
type procTree struct {
	pid int
	p   *os.Process
	job windows.Handle
}

// newProcTree puts the just-started child into a new job. Processes it starts from
// then on are in the job as well; one started in the instant before the assignment is
// not, which a CLI cannot do before its runtime has even loaded.
func newProcTree(cmd *exec.Cmd) *procTree {
	t := &procTree{pid: cmd.Process.Pid, p: cmd.Process}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return t
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err == nil {
		if h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(t.pid)); err == nil {
			err = windows.AssignProcessToJobObject(job, h)
			windows.CloseHandle(h)
			if err == nil {
				t.job = job
				return t
			}
		}
	}
	windows.CloseHandle(job)
	return t
}

func (t *procTree) id() int              { return t.pid }
func (t *procTree) process() *os.Process { return t.p }

// terminate asks politely: CTRL_BREAK to the child's process group.
func (t *procTree) terminate() { terminateGroup(t.pid, t.p) }

// kill ends the whole job, or the child alone without one.
func (t *procTree) kill() {
	if t.job != 0 {
		windows.TerminateJobObject(t.job, 1)
		return
	}
	killGroup(t.pid, t.p)
}

// alive reports whether any process of the job is still running.
func (t *procTree) alive() bool {
	if t.job == 0 {
		return ProcessAlive(t.pid)
	}
	var acct jobAccounting
	if err := windows.QueryInformationJobObject(t.job, windows.JobObjectBasicAccountingInformation,
		uintptr(unsafe.Pointer(&acct)), uint32(unsafe.Sizeof(acct)), nil); err != nil {
		return ProcessAlive(t.pid)
	}
	return acct.ActiveProcesses > 0
}

// release closes the job handle, which ends whatever is still in it.
func (t *procTree) release() {
	if t.job != 0 {
		windows.CloseHandle(t.job)
		t.job = 0
	}
}

// jobAccounting is JOBOBJECT_BASIC_ACCOUNTING_INFORMATION.
type jobAccounting struct {
	TotalUserTime, TotalKernelTime, ThisPeriodTotalUserTime, ThisPeriodTotalKernelTime int64
	TotalPageFaultCount, TotalProcesses, ActiveProcesses, TotalTerminatedProcesses     uint32
}

// terminateGroup sends CTRL_BREAK to the process group the child leads.
func terminateGroup(pgid int, p *os.Process) {
	windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(pgid))
}

// killGroup terminates the process (a group has no handle to end it by on Windows;
// the job does that for runs this server started).
func killGroup(pgid int, p *os.Process) {
	if p != nil {
		p.Kill()
		return
	}
	if h, err := windows.OpenProcess(windows.PROCESS_TERMINATE, false, uint32(pgid)); err == nil {
		windows.TerminateProcess(h, 1)
		windows.CloseHandle(h)
	}
}

func exitSignal(*os.ProcessState) string { return "" }

// GroupAlive reports whether the group's leader still runs.
func GroupAlive(pgid int) bool { return ProcessAlive(pgid) }

// ProcessAlive reports whether pid names a running process.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	var code uint32
	return windows.GetExitCodeProcess(h, &code) == nil && code == stillActive
}

// ProcessStartTime is the process's creation time; recovery compares it with the
// recorded start so a recycled pid is never signalled.
func ProcessStartTime(pid int) (time.Time, bool) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return time.Time{}, false
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, created.Nanoseconds()), true
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
