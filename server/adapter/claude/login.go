// Package claude is the claude_local adapter: the Claude Code CLI run on this machine.
package claude

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"regexp"
	"syscall"
	"time"
)

// DefaultCommand is the CLI invoked when adapterConfig.command is empty.
const DefaultCommand = "claude"

// LoginConfig is what a login run needs from the agent's resolved configuration.
type LoginConfig struct {
	Command string
	Cwd     string
	Env     []string // full environment of the child, KEY=value
	Timeout time.Duration
}

// LoginResult is the answer of POST /agents/{id}/claude-login (agents.md §11).
type LoginResult struct {
	ExitCode *int    `json:"exitCode"`
	Signal   *string `json:"signal"`
	TimedOut bool    `json:"timedOut"`
	Stdout   string  `json:"stdout"`
	Stderr   string  `json:"stderr"`
	LoginURL *string `json:"loginUrl"`
}

// ErrCommandNotFound is returned when the CLI cannot be started at all.
var ErrCommandNotFound = errors.New("claude CLI not found")

// maxOutput bounds what a login run may keep of each stream.
const maxOutput = 64 << 10

var urlRe = regexp.MustCompile(`https://[^\s"'<>]+`)

// cappedBuffer keeps the first maxOutput bytes and drops the rest, so a chatty CLI
// cannot grow the server's memory.
type cappedBuffer struct{ bytes.Buffer }

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - c.Len(); room > 0 {
		if len(p) > room {
			c.Buffer.Write(p[:room])
		} else {
			c.Buffer.Write(p)
		}
	}
	return len(p), nil
}

// Login runs `<command> auth login` (a bare "login" argument is taken as a prompt by
// the CLI) with stdin closed, waits for it to finish or time out, and reports its output
// with the first https URL it printed, which is where the user signs in.
func Login(ctx context.Context, cfg LoginConfig) (LoginResult, error) {
	command := cfg.Command
	if command == "" {
		command = DefaultCommand
	}
	path, err := exec.LookPath(command)
	if err != nil {
		return LoginResult{}, ErrCommandNotFound
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "auth", "login")
	cmd.Dir = cfg.Cwd
	cmd.Env = cfg.Env
	var stdout, stderr cappedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = 2 * time.Second
	runErr := cmd.Run()
	res := LoginResult{Stdout: stdout.String(), Stderr: stderr.String(), TimedOut: errors.Is(ctx.Err(), context.DeadlineExceeded)}
	if st := cmd.ProcessState; st != nil {
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			sig := ws.Signal().String()
			res.Signal = &sig
		} else {
			code := st.ExitCode()
			res.ExitCode = &code
		}
	} else if runErr != nil {
		return LoginResult{}, runErr
	}
	if m := urlRe.FindString(res.Stdout + "\n" + res.Stderr); m != "" {
		res.LoginURL = &m
	}
	return res, nil
}
