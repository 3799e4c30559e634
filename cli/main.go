// Package cli is the paperclip command: the server launcher (run, the no-arguments
// launch), the setup tools (onboard, doctor) and, later, the API client commands. It is
// the only package that knows every other one; main.go just calls Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"paperclip/store"
)

// Main runs the paperclip command line and returns the process exit code. Every
// dependency on the outside world is a parameter or an app field, so tests drive the
// whole CLI with buffers.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(stdin, stdout, stderr).main(ctx, args)
}

// app carries what every command shares: the streams, the environment view and the
// location flags. Commands receive it in their constructor.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	lookupEnv func(string) (string, bool)
	userHome  func() (string, error)
	now       func() time.Time
	// exit ends the process on a second interrupt during shutdown (§6.4).
	exit func(int)
	// openURL starts the desktop browser (§6.6).
	openURL func(url string) error
	// httpClient is used by the doctor's LLM key check.
	httpClient *http.Client
	// pendingMigrations inspects a database file before run migrates it.
	pendingMigrations func(ctx context.Context, path string) (version, pending int, err error)
	// backupInterval, when set, replaces database.backup.intervalMinutes (tests).
	backupInterval time.Duration

	// stdinTTY and stdoutTTY report terminals; tests set them to drive interactive flows.
	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	// dotenv holds the variables of the instance .env; real environment wins (§1).
	dotenv map[string]string

	// Persistent flags.
	dataDir    string
	configFlag string

	prompt *prompter
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	a := &app{
		stdin: stdin, stdout: stdout, stderr: stderr,
		lookupEnv:  os.LookupEnv,
		userHome:   os.UserHomeDir,
		now:        time.Now,
		exit:       os.Exit,
		openURL:    startBrowser,
		httpClient: &http.Client{Timeout: 5 * time.Second},
		stdinTTY:   isTerminal(stdin),
		stdoutTTY:  isTerminal(stdout),
		stderrTTY:  isTerminal(stderr),
		dotenv:     map[string]string{},
	}
	a.pendingMigrations = store.PendingMigrations
	return a
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// getenv returns the process environment value, else the .env value.
func (a *app) getenv(key string) string {
	if v, ok := a.lookupEnv(key); ok && v != "" {
		return v
	}
	return a.dotenv[key]
}

// colors reports whether ANSI colours may be written to stdout (§1).
func (a *app) colors() bool {
	if v, ok := a.lookupEnv("NO_COLOR"); ok && v != "" {
		return false
	}
	return a.stdoutTTY
}

func (a *app) paint(code, s string) string {
	if !a.colors() {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (a *app) printf(format string, args ...any) { fmt.Fprintf(a.stdout, format, args...) }

// cliError is a failure with an optional hint line.
type cliError struct {
	msg  string
	hint string
}

func (e *cliError) Error() string { return e.msg }

// errSilent ends a command with exit code 1 after it already printed why.
var errSilent = errors.New("silent failure")

func (a *app) main(ctx context.Context, args []string) int {
	a.prompt = newPrompter(a.stdin, a.stdout, a.stdinTTY)
	root := newRootCommand(a)
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	if !errors.Is(err, errSilent) {
		a.printError(err)
	}
	return 1
}

func (a *app) printError(err error) {
	msg := err.Error()
	var ce *cliError
	var le *configLoadError
	hint := ""
	switch {
	case errors.As(err, &ce):
		hint = ce.hint
	case errors.As(err, &le):
		hint = le.Hint
	case isUsageError(msg):
		hint = "Run 'paperclip --help' for usage."
	}
	// One line: a wrapped multi-line error is flattened rather than dumped.
	fmt.Fprintln(a.stderr, strings.ReplaceAll(strings.TrimSpace(msg), "\n", " "))
	if hint != "" {
		fmt.Fprintln(a.stderr, "  "+hint)
	}
}

func isUsageError(msg string) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires ", "invalid argument", "flag needs an argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// newRootCommand is paperclip itself; without arguments it launches the server the way
// a double-click does (§6.2).
func newRootCommand(a *app) *cobra.Command {
	var opts runOptions
	root := &cobra.Command{
		Use:           "paperclip",
		Short:         "Paperclip: the control plane for AI-agent companies",
		Long:          "Paperclip runs a company of AI agents: one binary that is the server, the setup tool and an API client.\nWithout arguments it starts the server and opens the board in your browser.",
		Version:       versionLine(),
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.launch = true
			if !cmd.Flags().Changed("open") {
				opts.open = true
			}
			return a.runServer(cmd.Context(), opts)
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetVersionTemplate("paperclip {{.Version}}\n")
	root.Flags().BoolP("version", "V", false, "print the version")
	pf := root.PersistentFlags()
	pf.StringVarP(&a.dataDir, "data-dir", "d", "", "Paperclip home directory (same as PAPERCLIP_HOME)")
	pf.StringVarP(&a.configFlag, "config", "c", "", "config file; its directory is the instance root")
	addRunFlags(root, &opts)

	root.AddCommand(
		newRunCommand(a),
		newOnboardCommand(a),
		newDoctorCommand(a),
		newDBBackupCommand(a),
		newDBRestoreCommand(a),
	)
	return root
}
