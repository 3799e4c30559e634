package heartbeat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ProcSpec is one supervised child process of a local adapter (runtime.md §8.1).
type ProcSpec struct {
	Command string
	Args    []string
	Dir     string
	// Env is the complete child environment; its PATH resolves Command.
	Env []string
	// Stdin is written to the child and then closed; nil gives an empty stdin.
	Stdin []byte
	// Stdout and Stderr receive output as it arrives.
	Stdout, Stderr io.Writer
	// Timeout stops the child after this long; zero means none.
	Timeout time.Duration
	// Grace is the time between SIGTERM and SIGKILL (at least one second).
	Grace time.Duration
	// LeftoverGrace is how long members of the child's process group may outlive it
	// before they get the stop sequence too (default 5 s).
	LeftoverGrace time.Duration
	// OnSpawn is called once the child exists, before any output is read.
	OnSpawn func(pid, pgid int, startedAt time.Time)
}

// ProcResult is how a supervised child ended.
type ProcResult struct {
	ExitCode *int
	Signal   string
	TimedOut bool
	// Stopped is set when ctx ended (cancel or shutdown) and the child was stopped.
	Stopped bool
}

// ErrCommandNotFound is returned when the command does not resolve on the child's PATH.
var ErrCommandNotFound = errors.New("command not found")

// RunProcess runs a child in its own process group and waits for it. When ctx ends or
// the timeout expires the whole group gets SIGTERM, then SIGKILL after the grace;
// processes the child leaves behind in its group are stopped the same way, so nothing
// a run started survives it. The returned error is for a child that could not start.
func RunProcess(ctx context.Context, spec ProcSpec) (ProcResult, error) {
	var res ProcResult
	path, err := LookPathIn(spec.Command, spec.Env)
	if err != nil {
		return res, err
	}
	grace := max(spec.Grace, time.Second)
	leftover := spec.LeftoverGrace
	if leftover <= 0 {
		leftover = 5 * time.Second
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timedOut atomic.Bool
	if spec.Timeout > 0 {
		t := time.AfterFunc(spec.Timeout, func() {
			timedOut.Store(true)
			cancel()
		})
		defer t.Stop()
	}
	cmd, err := commandFor(runCtx, path, spec.Args)
	if err != nil {
		return res, err
	}
	cmd.Dir, cmd.Env = spec.Dir, spec.Env
	if spec.Stdin != nil {
		cmd.Stdin = strings.NewReader(string(spec.Stdin))
	}
	// Output waits for the spawn hook: the pid is persisted before anything the child
	// printed is read, so a crash during the first output still leaves it recorded.
	spawned := make(chan struct{})
	var spawnOnce sync.Once
	markSpawned := func() { spawnOnce.Do(func() { close(spawned) }) }
	defer markSpawned()
	cmd.Stdout, cmd.Stderr = afterSpawn(spawned, spec.Stdout), afterSpawn(spawned, spec.Stderr)
	setProcessGroup(cmd)
	var mu sync.Mutex
	var tree *procTree
	var killTimer *time.Timer
	cmd.Cancel = func() error {
		mu.Lock()
		defer mu.Unlock()
		if tree == nil { // stopped between Start and the tree's setup
			return cmd.Process.Kill()
		}
		tree.terminate()
		t := tree
		killTimer = time.AfterFunc(grace, t.kill)
		return nil
	}
	// Wait returns at the latest this long after the child exits or is stopped, even
	// when a grandchild still holds its output pipes; the tree is then stopped below.
	cmd.WaitDelay = grace + leftover
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("start %s: %w", spec.Command, err)
	}
	mu.Lock()
	tree = newProcTree(cmd)
	mu.Unlock()
	defer tree.release()
	if spec.OnSpawn != nil {
		spec.OnSpawn(cmd.Process.Pid, tree.id(), time.Now())
	}
	markSpawned()
	waitErr := cmd.Wait()
	stopLeftovers(tree, leftover, grace)
	mu.Lock()
	if killTimer != nil {
		killTimer.Stop()
	}
	mu.Unlock()
	res.TimedOut = timedOut.Load()
	res.Stopped = !res.TimedOut && runCtx.Err() != nil
	if st := cmd.ProcessState; st != nil {
		if sig := exitSignal(st); sig != "" {
			res.Signal = sig
		} else {
			code := st.ExitCode()
			res.ExitCode = &code
		}
	} else if waitErr != nil && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return res, waitErr
	}
	return res, nil
}

// afterSpawn is w (io.Discard when nil) with every write held until spawned closes.
func afterSpawn(spawned <-chan struct{}, w io.Writer) io.Writer {
	if w == nil {
		w = io.Discard
	}
	return gatedWriter{spawned, w}
}

type gatedWriter struct {
	open <-chan struct{}
	w    io.Writer
}

func (g gatedWriter) Write(p []byte) (int, error) {
	<-g.open
	return g.w.Write(p)
}

// stopLeftovers gives the rest of a process tree leftover to exit on its own, then
// the stop sequence.
func stopLeftovers(t *procTree, leftover, grace time.Duration) {
	if !waitGone(t.alive, leftover) {
		t.terminate()
		if !waitGone(t.alive, grace) {
			t.kill()
			waitGone(t.alive, grace)
		}
	}
}

// waitGone polls until alive reports false, up to d.
func waitGone(alive func() bool, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if !alive() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StopGroup runs the stop sequence on a process group the runtime no longer holds a
// handle for (recovery, or a cancel after the handle was lost): SIGTERM, then SIGKILL
// when it outlives the grace.
func StopGroup(pgid int, grace time.Duration) {
	if pgid <= 0 || !GroupAlive(pgid) {
		return
	}
	alive := func() bool { return GroupAlive(pgid) }
	terminateGroup(pgid, nil)
	if !waitGone(alive, max(grace, time.Second)) {
		killGroup(pgid, nil)
		waitGone(alive, grace)
	}
}

// LookPathIn resolves a command like exec.LookPath, but on the PATH of env (the
// child's, which BuildEnv extended) instead of the server's.
func LookPathIn(command string, env []string) (string, error) {
	if command == "" {
		return "", ErrCommandNotFound
	}
	if strings.ContainsRune(command, os.PathSeparator) || strings.Contains(command, "/") {
		if isExecutable(command) {
			return command, nil
		}
		return "", fmt.Errorf("%w: %s", ErrCommandNotFound, command)
	}
	pathVar := ""
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, "PATH") {
			pathVar = v
		}
	}
	for _, dir := range filepath.SplitList(pathVar) {
		if dir == "" {
			continue
		}
		for _, name := range candidates(command) {
			p := filepath.Join(dir, name)
			if isExecutable(p) {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%w: %s", ErrCommandNotFound, command)
}
