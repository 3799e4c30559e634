package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"paperclip/server"
	"paperclip/server/live"
	"paperclip/store"
	"paperclip/web"
)

type runOptions struct {
	instanceID string
	repair     bool
	noRepair   bool
	bind       string
	open       bool
	noOpen     bool
	// launch is the no-arguments start (§6.2).
	launch bool
	// onboarded is a start from onboard --run, which opens the browser (§6.1 step 9).
	onboarded bool
}

func addRunFlags(cmd *cobra.Command, o *runOptions) {
	f := cmd.Flags()
	f.StringVarP(&o.instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	f.BoolVar(&o.repair, "repair", true, "repair failed doctor checks before starting")
	f.BoolVar(&o.noRepair, "no-repair", false, "do not repair doctor checks before starting")
	f.StringVar(&o.bind, "bind", "", "first run only: quickstart reachability, loopback or lan")
	f.BoolVar(&o.open, "open", false, "open the board in the browser once listening")
	f.BoolVar(&o.noOpen, "no-open", false, "never open the browser")
}

func newRunCommand(a *app) *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:          "run",
		Short:        "Start the Paperclip server (creating a quickstart config on first run)",
		Example:      "  paperclip run\n  paperclip run -i staging --no-open\n  PORT=3200 paperclip run",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runServer(cmd.Context(), opts)
		},
	}
	addRunFlags(cmd, &opts)
	return cmd
}

// runServer is `paperclip run` (§6.1), and the no-arguments launch when opts.launch.
func (a *app) runServer(ctx context.Context, opts runOptions) (err error) {
	if opts.bind != "" && !oneOf(opts.bind, bindLoopback, bindLAN) {
		return fmt.Errorf("Invalid --bind %q: expected loopback or lan", opts.bind)
	}
	if opts.launch && ownsConsole() {
		// A double-clicked console closes with the process; keep the error readable.
		defer func() {
			if err != nil {
				if !errors.Is(err, errSilent) {
					a.printError(err)
				}
				fmt.Fprintln(a.stderr, "Press Enter to close.")
				a.prompt.readLine()
				err = errSilent
			}
		}()
	}
	inst, err := a.resolveInstance(opts.instanceID)
	if err != nil {
		return err
	}
	if opts.launch {
		if held, info, perr := probeLock(inst.LockPath()); perr == nil && held {
			a.printf("Paperclip is already running at %s (pid %d); opening it.\n", info.URL, info.PID)
			a.openBrowser(nil, info.URL, opts)
			return nil
		}
	}

	// 1-2. Layout, .env, config (quickstart on first run).
	if err := a.ensureInstanceDir(inst); err != nil {
		return err
	}
	if err := a.loadDotenv(inst); err != nil {
		return err
	}
	cfg, err := readConfig(inst)
	var le *configLoadError
	if errors.As(err, &le) && le.Kind == configUpstream {
		return err // before the lock: an upstream instance's directory gets no new file
	}

	// The lock comes before the doctor report, so a second start says "already
	// running" first instead of a page of passing checks and then the refusal.
	lock, lerr := acquireLock(inst.LockPath())
	if errors.Is(lerr, errLockHeld) {
		info, _ := readLockInfo(inst.LockPath())
		return fmt.Errorf("Paperclip is already running for instance %q at %s (pid %d).", inst.ID, info.URL, info.PID)
	}
	if lerr != nil {
		return lerr
	}
	defer lock.release()

	if errors.As(err, &le) && le.Kind == configMissing {
		qc, notes, qerr := a.quickstartConfig(inst, opts.bind, true)
		if qerr != nil {
			return qerr
		}
		if verr := qc.Validate(); verr != nil {
			return &cliError{msg: "Invalid quickstart configuration: " + verr.Error()}
		}
		a.printLines(notes)
		if _, perr := a.prepareInstance(inst, qc); perr != nil {
			return perr
		}
		if werr := writeConfig(inst, qc, "onboard", a.now()); werr != nil {
			return werr
		}
		a.printf("No config found; created quickstart config at %s\n", inst.ConfigPath)
		cfg, err = readConfig(inst)
	}
	if err != nil {
		return err
	}
	set, err := a.resolveSettings(inst, cfg.Config)
	if err != nil {
		return err
	}
	// Refused before doctor so the reason is this one sentence (§6.1 step 7).
	if err := set.checkBindAllowed(); err != nil {
		return err
	}

	// 3. Doctor, repairing without prompts (the lock is already ours).
	rep := a.doctor(ctx, inst, doctorOptions{repair: opts.repair && !opts.noRepair, yes: true, forRun: true})
	if rep.Failed > 0 {
		return &cliError{msg: "Fix the failed checks above, then run paperclip run again."}
	}
	a.printf("\n")
	if err := a.loadDotenv(inst); err != nil { // doctor may have created the JWT secret
		return err
	}
	if set, err = a.resolveSettings(inst, cfg.Config); err != nil {
		return err
	}

	ver, _ := buildVersion()
	started := store.FormatTime(a.now())
	lock.write(lockInfo{PID: os.Getpid(), URL: listenURL(set.Server.Host, set.Server.Port), StartedAt: started, Version: ver})

	logger, logFile, err := a.newServerLogger(set)
	if err != nil {
		return err
	}
	defer logFile.Close()
	if set.DatabaseURLSet {
		logger.Warn("DATABASE_URL is set but ignored: this version stores data in SQLite at " + set.Server.DatabasePath)
	}

	// 5. Database: a backup first when an existing one is about to be migrated.
	if _, err := a.backupBeforeMigrate(ctx, set, logger.With("component", "backup")); err != nil {
		return err
	}
	// The hub exists before the store's first write so every activity row reaches it
	// (the hooks are set below, with the scheduler that needs the store); it runs as
	// the first component, so it outlives the scheduler that publishes to it.
	hub := live.New(live.Options{Logger: logger.With("component", "live")})
	st, err := store.Open(ctx, set.Server.DatabasePath, store.Options{StorageDir: set.Server.StorageDir,
		RunLogDir: set.Server.RunLogDir, Synchronous: set.DatabaseSynchronous})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	// Closed after server.Run has stopped everything that uses it.
	defer st.Close()
	tempSecret := false
	if set.Server.AgentJWTSecret == "" {
		// Only reachable with --no-repair: agents still authenticate until the restart.
		if set.Server.AgentJWTSecret, err = newJWTSecret(); err != nil {
			return err
		}
		tempSecret = true
	}

	// 6. Listener: the configured port or nothing; never another port.
	ln, err := net.Listen("tcp", net.JoinHostPort(set.Server.Host, strconv.Itoa(set.Server.Port)))
	if err != nil {
		if isAddrInUse(err) {
			return fmt.Errorf("Port %d is already in use by another program. Stop it, or set PORT / run paperclip configure --section server.", set.Server.Port)
		}
		return fmt.Errorf("listen on %s:%d: %w", set.Server.Host, set.Server.Port, err)
	}
	set.Server.Port = ln.Addr().(*net.TCPAddr).Port
	url := listenURL(set.Server.Host, set.Server.Port)
	if err := lock.write(lockInfo{PID: os.Getpid(), URL: url, StartedAt: started, Version: ver}); err != nil {
		logger.Warn("write lock file failed", "error", err.Error())
	}

	// 7. Serve (HTTP, automatic backups, background components) until asked to stop;
	// banner and browser once requests are accepted.
	var bootstrapLine string
	bootstrap := func(inviteURL, expiresAt string) {
		bootstrapLine = "invite still active; run paperclip auth bootstrap-ceo for a new URL"
		if inviteURL != "" {
			bootstrapLine = fmt.Sprintf("%s (expires %s)", inviteURL, expiresAt)
		}
	}
	ready := func() {
		schema, _ := st.CurrentSchemaVersion(ctx)
		a.printBanner(inst, set, url, schema, st.Applied, tempSecret, bootstrapLine)
		logger.Info("server started", "url", url, "instance", inst.ID, "version", ver, "pid", os.Getpid(),
			"deployment_mode", set.Server.DeploymentMode, "exposure", set.Server.Exposure,
			"schema_version", schema, "migrations_applied", st.Applied)
		if opts.launch {
			a.printf("Paperclip is running at %s. Keep this window open; press Ctrl+C to stop.\n", url)
		}
		a.openBrowser(logger, url+"/", opts)
	}
	// The heartbeat runtime: hooked into the store before its first write, its lost runs
	// recovered before the listener is served.
	sched := a.newScheduler(set, inst, url, st, hub, logger)
	st.SetHooks(store.Hooks{Publisher: hub, Waker: sched, RunStopper: sched})
	sched.Recover(ctx)
	stopForce := a.exitOnSecondSignal(ctx)
	defer stopForce()
	return server.Runner{Config: set.Server, Store: st, Logger: logger, UI: web.FS(), Ready: ready, Bootstrap: bootstrap,
		Live: hub, Heartbeat: sched, Components: []server.Component{hub.Run, sched.Run},
		BackupInterval: a.backupInterval, Now: a.now}.Run(ctx, ln)
}

// exitOnSecondSignal makes a second SIGINT/SIGTERM during shutdown exit at once (§6.4):
// once ctx ends (the first signal) it listens for another until stop is called.
func (a *app) exitOnSecondSignal(ctx context.Context) (stop func()) {
	ch := make(chan os.Signal, 1)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-ctx.Done():
		case <-done:
			return
		}
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(ch)
		select {
		case <-ch:
			fmt.Fprintln(a.stderr, "Forced exit.")
			a.exit(1)
		case <-done:
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// openBrowser opens url when §6.6 allows; failures are only reported.
func (a *app) openBrowser(logger *slog.Logger, url string, opts runOptions) {
	if !a.shouldOpenBrowser(opts) {
		return
	}
	if err := a.openURL(url); err != nil {
		a.printf("Could not open a browser; visit %s\n", url)
		if logger != nil {
			logger.Warn("open browser failed", "error", err.Error())
		}
	}
}

// listenURL is the address people can use: a wildcard bind is reached via localhost.
func listenURL(host string, port int) string {
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}
