package claude

import (
	"context"
	"errors"
	"fmt"
	"os"

	"paperclip/server/adapter/internal/localcli"
	"paperclip/server/heartbeat"
)

// Execute runs one claude_local heartbeat (runtime.md §20): the prompt on stdin,
// stream-json parsed as it arrives, the paperclip skill in a per-run --add-dir, and one
// fresh retry when the saved session no longer exists.
func (Adapter) Execute(ctx context.Context, inv heartbeat.Invocation) (heartbeat.Result, error) {
	cfg, err := ParseRunConfig(inv.Config)
	if err != nil {
		return heartbeat.Result{}, err
	}
	skip := false
	if cfg.InstructionsFilePath != "" {
		if _, err := os.Stat(cfg.InstructionsFilePath); err != nil {
			inv.Warning("Instructions file is unreadable; running without it: " + cfg.InstructionsFilePath)
			skip = true
		}
	}
	skills, err := os.MkdirTemp("", "paperclip-claude-skills-")
	if err != nil {
		return heartbeat.Result{}, err
	}
	defer os.RemoveAll(skills)
	if err := InstallSkills(skills, localcli.RunSkills(inv.SkillMD)); err != nil {
		return heartbeat.Result{}, err
	}
	for slug, files := range inv.Skills {
		if err := InstallSkillFiles(skills, slug, files); err != nil {
			inv.Warning("Could not install skill " + slug + ": " + err.Error())
		}
	}
	attempt := func(resume string) (*Stream, heartbeat.ProcResult, string, error) {
		args := BuildArgs(cfg, RunOptions{ResumeSessionID: resume, SkillsDir: skills, SkipInstructions: skip})
		inv.Meta(map[string]any{"command": cfg.Command, "commandArgs": args, "cwd": inv.Cwd,
			"commandNotes": []string{"prompt on stdin"}, "prompt": inv.Prompt})
		s, stderr := &Stream{}, &heartbeat.Tail{}
		res, err := heartbeat.RunProcess(ctx, inv.Proc(cfg.Command, args, []byte(inv.Prompt),
			heartbeat.Tee(inv.Log, "stdout", s), heartbeat.Tee(inv.Log, "stderr", stderr)))
		s.Close()
		return s, res, stderr.String(), err
	}
	s, res, stderr, err := attempt(inv.SessionID)
	if errors.Is(err, heartbeat.ErrCommandNotFound) {
		return heartbeat.Result{}, fmt.Errorf("Command not found: %s", cfg.Command)
	}
	if err != nil {
		return heartbeat.Result{}, err
	}
	o := s.Outcome(heartbeat.ExitCodeOf(res), stderr, inv.SessionID != "")
	if o.ResumeFailed && !res.TimedOut && ctx.Err() == nil {
		inv.Log.WriteLog("system", []byte(fmt.Sprintf("[paperclip] session %s was not found; retrying with a fresh session\n", inv.SessionID)))
		if s, res, stderr, err = attempt(""); err != nil {
			return heartbeat.Result{}, err
		}
		o = s.Outcome(heartbeat.ExitCodeOf(res), stderr, false)
		o.ClearSession = o.ClearSession || o.SessionID == ""
	}
	out := heartbeat.Result{ExitCode: res.ExitCode, TimedOut: res.TimedOut, ErrorCode: o.ErrorCode, ErrorMessage: o.ErrorMessage,
		Summary: o.Summary, ResultJSON: o.ResultJSON, SessionID: o.SessionID, ClearSession: o.ClearSession,
		Usage: heartbeat.Usage{InputTokens: s.Usage.InputTokens, CachedInputTokens: s.Usage.CachedInputTokens,
			OutputTokens: s.Usage.OutputTokens},
		CostUSD: s.CostUSD, Provider: "anthropic", Biller: "anthropic", Model: s.Model, BillingType: BillingType(inv.Env)}
	if res.Signal != "" {
		sig := res.Signal
		out.Signal = &sig
	}
	if res.TimedOut {
		out.ErrorCode = "timeout"
	}
	if out.ResultJSON == nil {
		out.ResultJSON = map[string]any{"stderr": stderr}
	}
	return out, nil
}
