package process

import (
	"context"
	"errors"
	"fmt"

	"paperclip/server/heartbeat"
)

// Execute runs adapterConfig.command with its args in the run's cwd and environment
// (runtime.md §18). Output is the run log; nothing is parsed. The rendered prompt goes
// to stdin only with stdinPrompt:true.
func (Adapter) Execute(ctx context.Context, inv heartbeat.Invocation) (heartbeat.Result, error) {
	command, _ := inv.Config["command"].(string)
	if command == "" {
		return heartbeat.Result{ErrorCode: "adapter_failed", ErrorMessage: "Process adapter missing command"}, nil
	}
	args, err := stringList(inv.Config["args"])
	if err != nil {
		return heartbeat.Result{}, err
	}
	var stdin []byte
	if v, _ := inv.Config["stdinPrompt"].(bool); v {
		stdin = []byte(inv.Prompt)
	}
	inv.Meta(map[string]any{"command": command, "commandArgs": args, "cwd": inv.Cwd, "commandNotes": []string{},
		"prompt": string(stdin)})
	stdout, stderr := &heartbeat.Tail{}, &heartbeat.Tail{}
	spec := inv.Proc(command, args, stdin, heartbeat.Tee(inv.Log, "stdout", stdout), heartbeat.Tee(inv.Log, "stderr", stderr))
	res, err := heartbeat.RunProcess(ctx, spec)
	if errors.Is(err, heartbeat.ErrCommandNotFound) {
		return heartbeat.Result{}, fmt.Errorf("Command not found: %s", command)
	}
	if err != nil {
		return heartbeat.Result{}, err
	}
	out := heartbeat.Result{ExitCode: res.ExitCode, TimedOut: res.TimedOut,
		ResultJSON: map[string]any{"stdout": stdout.String(), "stderr": stderr.String()}}
	if res.Signal != "" {
		sig := res.Signal
		out.Signal = &sig
	}
	switch {
	case res.TimedOut:
		out.ErrorCode = "timeout"
	case res.Signal != "":
		out.ErrorMessage = "Process terminated by " + res.Signal
	case res.ExitCode != nil && *res.ExitCode != 0:
		out.ErrorMessage = fmt.Sprintf("Process exited with code %d", *res.ExitCode)
	}
	return out, nil
}

func stringList(v any) ([]string, error) {
	switch l := v.(type) {
	case nil:
		return nil, nil
	case []string:
		return l, nil
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, errors.New("adapterConfig.args must be a list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("adapterConfig.args must be a list of strings")
}
