// Package heartbeat is the agent heartbeat runtime: it declares what an adapter is
// (the interface the runner consumes), holds the registry of installed adapters, and
// builds the environment of every agent child process. Adapters live one package each
// under server/adapter/<type> and import only this package's types, store and the
// standard library, so the runtime and the HTTP layer can both use them.
package heartbeat

import (
	"context"
	"errors"
	"io"
	"time"

	"paperclip/store"
)

// Adapter is one way of running an agent: a local CLI, a process, a webhook.
type Adapter interface {
	// Type is the adapterType the adapter serves (store.AdapterProcess, ...).
	Type() string
	// Models are the model ids offered in the agent form; agents may name others.
	// Adapters without a model list return none.
	Models(ctx context.Context) []Model
	// ConfigDoc describes the adapterConfig keys, one "- key (type): meaning" line
	// each, for the llms configuration text.
	ConfigDoc() string
	// TestEnvironment inspects a configuration on this machine without running the
	// agent: the command resolves, the working directory exists, the URL parses.
	TestEnvironment(ctx context.Context, cfg map[string]any) []EnvCheck
	// Execute runs one heartbeat of an agent and reports how it went. A run that
	// started and failed is a Result with an error code; the error return is for
	// runs that could not be attempted at all.
	Execute(ctx context.Context, inv Invocation) (Result, error)
}

// EnvInheritor is implemented by adapters whose CLI needs server variables beyond
// the base allowlist of BuildEnv (an API key the operator exported, a config home).
type EnvInheritor interface {
	InheritEnv() []string
}

// InheritedBy returns the extra variables adapter a lets its children inherit.
func InheritedBy(a Adapter) []string {
	if i, ok := a.(EnvInheritor); ok {
		return i.InheritEnv()
	}
	return nil
}

// ErrNotImplemented is returned by Execute of adapters whose runner has not landed.
var ErrNotImplemented = errors.New("adapter execution is not implemented yet")

// Model is one entry of GET .../adapters/{type}/models.
type Model struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Levels of an environment check.
const (
	LevelInfo  = "info"
	LevelWarn  = "warn"
	LevelError = "error"
)

// EnvCheck is one finding of TestEnvironment.
type EnvCheck struct {
	Code    string  `json:"code"`
	Level   string  `json:"level"`
	Message string  `json:"message"`
	Detail  *string `json:"detail,omitempty"`
	Hint    *string `json:"hint,omitempty"`
}

// Invocation is everything one run hands its adapter; the runner resolves it all
// (secrets, working directory, session, prompt) before calling Execute.
type Invocation struct {
	RunID string
	Agent store.Agent
	// Config is the agent's adapterConfig with env bindings resolved.
	Config map[string]any
	// Prompt is the rendered prompt (stdin of the CLI adapters).
	Prompt string
	// Context is the run's context snapshot (the http adapter's payload).
	Context map[string]any
	// Env is the complete child environment, KEY=value, built by BuildEnv.
	Env []string
	// Cwd is the resolved working directory (ignored by http).
	Cwd string
	// SessionID is the session to resume; empty for a fresh session.
	SessionID string
	// Timeout bounds the run; zero means none.
	Timeout time.Duration
	// Grace is how long a stopped child has between SIGTERM and SIGKILL.
	Grace time.Duration
	// Log receives the child's output as it arrives, one call per chunk.
	Log LogWriter
	// OnSpawn is called once the child process exists, before its output is read, so
	// the runner can persist the pid for orphan recovery.
	OnSpawn func(pid, pgid int, startedAt time.Time)
	// OnMeta is called once before the spawn or request with what is about to run
	// (command, commandArgs, cwd, commandNotes, prompt; http: method, url, headers,
	// body); the runner records it as the adapter.invoke event. It may be nil.
	OnMeta func(meta map[string]any)
	// Warn records an adapter warning as an error event (instructions file unreadable,
	// ...); it may be nil.
	Warn func(msg string)
	// SkillMD is the embedded agent skill the CLI adapters install (runtime.md §23).
	SkillMD []byte
	// Skills are the company skills the agent desires, installed beside SkillMD.
	Skills CompanySkills
	// LeftoverGrace is terminalCleanupGraceSec: how long processes left in the child's
	// group may outlive it.
	LeftoverGrace time.Duration
}

// Meta reports adapter metadata when the runner asked for it.
func (inv Invocation) Meta(m map[string]any) {
	if inv.OnMeta != nil {
		inv.OnMeta(m)
	}
}

// Warning reports an adapter warning when the runner asked for them.
func (inv Invocation) Warning(msg string) {
	if inv.Warn != nil {
		inv.Warn(msg)
	}
}

// Proc is the supervised-process spec of a local adapter run: the invocation's
// environment, cwd, timeout, grace and spawn hook around a command line.
func (inv Invocation) Proc(command string, args []string, stdin []byte, stdout, stderr io.Writer) ProcSpec {
	return ProcSpec{Command: command, Args: args, Dir: inv.Cwd, Env: inv.Env, Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Timeout: inv.Timeout, Grace: inv.Grace, LeftoverGrace: inv.LeftoverGrace, OnSpawn: inv.OnSpawn}
}

// LogWriter receives run output by stream ("stdout", "stderr", "system").
type LogWriter interface {
	WriteLog(stream string, chunk []byte) error
}

// StreamWriter adapts one stream of a LogWriter to an io.Writer (cmd.Stdout).
func StreamWriter(l LogWriter, stream string) io.Writer { return streamWriter{l, stream} }

type streamWriter struct {
	l      LogWriter
	stream string
}

func (w streamWriter) Write(p []byte) (int, error) {
	if w.l == nil {
		return len(p), nil
	}
	if err := w.l.WriteLog(w.stream, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Usage is the token usage an adapter reports for one run.
type Usage struct {
	InputTokens       int64 `json:"inputTokens"`
	CachedInputTokens int64 `json:"cachedInputTokens"`
	OutputTokens      int64 `json:"outputTokens"`
}

// Result is the outcome of one Execute, mapped by the runner onto the run row, the
// task session and the cost event.
type Result struct {
	ExitCode *int
	Signal   *string
	TimedOut bool
	// ErrorCode and ErrorMessage are empty for a successful run.
	ErrorCode    string
	ErrorMessage string
	Summary      string
	ResultJSON   map[string]any
	// SessionID is the session to save; ClearSession drops the saved one.
	SessionID    string
	ClearSession bool
	Usage        Usage
	// UsageCumulative says Usage is the running total of the session (codex reports
	// a resumed thread's totals), so the runner charges only the growth since the
	// previous run of that session.
	UsageCumulative bool
	// CostUSD is nil when the adapter cannot price the run.
	CostUSD     *float64
	Provider    string
	Biller      string
	Model       string
	BillingType string // api, subscription, unknown
}
