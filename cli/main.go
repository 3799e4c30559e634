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
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	// userName is the OS account the process runs as (censorUsernameInLogs).
	userName func() string
	now      func() time.Time
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
	a.userName = func() string { return currentUserName(a.lookupEnv) }
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

// Exit codes (cli.md §1, plus 2 for usage errors so scripts can tell a typo from a
// failure).
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// exitInterrupted is 128+SIGINT, what shells report for a command stopped by Ctrl-C.
	exitInterrupted = 130
)

func (a *app) main(ctx context.Context, args []string) int {
	a.prompt = newPrompter(ctx, a.stdin, a.stdout, a.stdinTTY)
	root := newRootCommand(a)
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errSilent) {
		return exitError
	}
	if errors.Is(err, errInterrupted) {
		fmt.Fprintln(a.stderr, "Aborted; nothing was written.")
		return exitInterrupted
	}
	if cmd == nil {
		cmd = root
	}
	if isUsageError(err.Error()) {
		a.printUsageError(cmd, err)
		return exitUsage
	}
	a.printError(err)
	return exitError
}

func (a *app) printError(err error) {
	msg := err.Error()
	var ce *cliError
	var le *configLoadError
	var conn *connError
	hint := ""
	switch {
	case errors.As(err, &ce):
		hint = ce.hint
	case errors.As(err, &le):
		hint = le.Hint
	case errors.As(err, &conn):
		hint = conn.hint()
	}
	// One line: a wrapped multi-line error is flattened rather than dumped.
	fmt.Fprintln(a.stderr, a.paintErr("31", strings.ReplaceAll(strings.TrimSpace(msg), "\n", " ")))
	if hint != "" {
		fmt.Fprintln(a.stderr, "  "+hint)
	}
}

// paintErr colours stderr text under the same rules as stdout colours.
func (a *app) paintErr(code, s string) string {
	if v, ok := a.lookupEnv("NO_COLOR"); (ok && v != "") || !a.stderrTTY {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// isUsageError recognises the argument and flag errors of cobra and pflag (and the
// commands' own "accepts"/"requires" argument checks) by how they begin.
func isUsageError(msg string) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires ",
		"invalid argument", "flag needs an argument", "required flag(s)", "if any flags in the group",
		"bad flag syntax"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

var unknownCommandRe = regexp.MustCompile(`unknown command "([^"]*)"`)
var unknownFlagRe = regexp.MustCompile(`unknown flag: --([A-Za-z0-9-]+)`)

// printUsageError names the mistake, suggests the closest command or flag, and shows
// the usage of the command it happened in.
func (a *app) printUsageError(cmd *cobra.Command, err error) {
	fmt.Fprintln(a.stderr, a.paintErr("31", "Error: "+strings.TrimSpace(strings.SplitN(err.Error(), "\n", 2)[0])))
	var suggestions []string
	if m := unknownCommandRe.FindStringSubmatch(err.Error()); m != nil {
		suggestions = suggestCommands(cmd, m[1])
	} else if m := unknownFlagRe.FindStringSubmatch(err.Error()); m != nil {
		suggestions = suggestFlags(cmd, m[1])
	}
	if len(suggestions) > 0 {
		fmt.Fprintln(a.stderr, "Did you mean this?")
		for _, s := range suggestions {
			fmt.Fprintln(a.stderr, "  "+s)
		}
	}
	fmt.Fprintln(a.stderr)
	fmt.Fprint(a.stderr, cmd.UsageString())
}

// suggestCommands lists the subcommands close to name (one edit per three letters,
// at most two), or starting
// with it.
func suggestCommands(cmd *cobra.Command, name string) []string {
	var out []string
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		if editDistance(strings.ToLower(name), c.Name()) <= min(2, max(1, len(name)/3)) || strings.HasPrefix(c.Name(), strings.ToLower(name)) {
			out = append(out, c.Name())
		}
	}
	return out
}

// suggestFlags lists the command's flags within edit distance 2 of name.
func suggestFlags(cmd *cobra.Command, name string) []string {
	var out []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if editDistance(name, f.Name) <= 2 || strings.HasPrefix(f.Name, name) {
			out = append(out, "--"+f.Name)
		}
	})
	return out
}

// newGroupCommand is a noun such as "issue": it only holds verbs, shows its help when
// called alone and calls an unknown verb a usage error.
func newGroupCommand(use, short, example string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:          use,
		Short:        short,
		Example:      example,
		SilenceUsage: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(subs...)
	return cmd
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
	root.Example = "  paperclip                  # start the server and open the board\n  paperclip onboard --yes    # write a quickstart config and start\n  paperclip issue list -C <companyId>"
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
	a.addClientCommands(root)
	// The completion command captures the output stream when it is built.
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	addCompletionCommand(root)
	return root
}
