package codex

import (
	"context"
	"errors"
	"fmt"
	"os"

	"paperclip/server/adapter/internal/localcli"
	"paperclip/server/heartbeat"
)

// Execute runs one codex_local heartbeat (runtime.md §21): the instructions file and
// prompt on stdin, JSONL parsed as it arrives, the paperclip skill installed under
// CODEX_HOME, and one fresh retry when the saved thread no longer exists.
func (Adapter) Execute(ctx context.Context, inv heartbeat.Invocation) (heartbeat.Result, error) {
	cfg, err := ParseRunConfig(inv.Config)
	if err != nil {
		return heartbeat.Result{}, err
	}
	prompt := inv.Prompt
	if cfg.InstructionsFilePath != "" {
		if content, err := os.ReadFile(cfg.InstructionsFilePath); err != nil {
			inv.Warning("Instructions file is unreadable; running without it: " + cfg.InstructionsFilePath)
		} else {
			prompt = PromptWithInstructions(prompt, cfg.InstructionsFilePath, content)
		}
	}
	home := Home(nil, heartbeat.EnvValue(inv.Env, "CODEX_HOME"), heartbeat.EnvValue(inv.Env, "HOME"))
	if _, err := InstallSkills(home, localcli.RunSkills(inv.SkillMD)); err != nil {
		inv.Warning("Could not install the paperclip skill: " + err.Error())
	}
	for slug, files := range inv.Skills {
		if _, err := InstallCompanySkill(home, slug, files); err != nil {
			inv.Warning("Could not install skill " + slug + ": " + err.Error())
		}
	}
	outside := !InGitWorkTree(inv.Cwd)
	attempt := func(resume string) (*Stream, heartbeat.ProcResult, string, string, error) {
		args := BuildArgs(cfg, RunOptions{ResumeSessionID: resume, OutsideGitRepo: outside})
		inv.Meta(map[string]any{"command": cfg.Command, "commandArgs": args, "cwd": inv.Cwd,
			"commandNotes": []string{"prompt on stdin"}, "prompt": prompt})
		s, stdout, stderr := &Stream{}, &heartbeat.Tail{}, &heartbeat.Tail{}
		res, err := heartbeat.RunProcess(ctx, inv.Proc(cfg.Command, args, []byte(prompt),
			heartbeat.Tee(inv.Log, "stdout", s, stdout), heartbeat.Tee(inv.Log, "stderr", stderr)))
		s.Close()
		return s, res, stdout.String(), stderr.String(), err
	}
	s, res, stdout, stderr, err := attempt(inv.SessionID)
	if errors.Is(err, heartbeat.ErrCommandNotFound) {
		return heartbeat.Result{}, fmt.Errorf("Command not found: %s", cfg.Command)
	}
	if err != nil {
		return heartbeat.Result{}, err
	}
	o := s.Outcome(heartbeat.ExitCodeOf(res), stderr, inv.SessionID != "")
	clear := false
	if o.ResumeFailed && !res.TimedOut && ctx.Err() == nil {
		inv.Log.WriteLog("system", []byte(fmt.Sprintf("[paperclip] thread %s was not found; retrying with a fresh session\n", inv.SessionID)))
		if s, res, stdout, stderr, err = attempt(""); err != nil {
			return heartbeat.Result{}, err
		}
		o = s.Outcome(heartbeat.ExitCodeOf(res), stderr, false)
		clear = o.SessionID == ""
	}
	out := heartbeat.Result{ExitCode: res.ExitCode, TimedOut: res.TimedOut, ErrorCode: o.ErrorCode, ErrorMessage: o.ErrorMessage,
		Summary: o.Summary, ResultJSON: map[string]any{"stdout": stdout, "stderr": o.Stderr}, SessionID: o.SessionID,
		ClearSession: clear, Usage: heartbeat.Usage{InputTokens: s.Usage.InputTokens,
			CachedInputTokens: s.Usage.CachedInputTokens, OutputTokens: s.Usage.OutputTokens},
		// turn.completed of a resumed thread counts the whole thread (§10.1).
		UsageCumulative: true, Provider: "openai", Biller: "openai", BillingType: BillingType(inv.Env)}
	if res.Signal != "" {
		sig := res.Signal
		out.Signal = &sig
	}
	if res.TimedOut {
		out.ErrorCode = "timeout"
	}
	return out, nil
}
