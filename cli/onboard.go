package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

type onboardOptions struct {
	instanceID string
	yes        bool
	run        bool
	noRun      bool
	bind       string
	noOpen     bool
}

func newOnboardCommand(a *app) *cobra.Command {
	var opts onboardOptions
	cmd := &cobra.Command{
		Use:          "onboard",
		Example:      "  paperclip onboard\n  paperclip onboard --yes            # quickstart, then start the server\n  paperclip onboard --yes --no-run   # only write the config\n  paperclip onboard --yes --bind lan",
		Short:        "Create this instance's configuration (quickstart or advanced)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.bind != "" && !oneOf(opts.bind, bindLoopback, bindLAN) {
				return fmt.Errorf("Invalid --bind %q: expected loopback or lan", opts.bind)
			}
			return a.onboard(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	f.BoolVarP(&opts.yes, "yes", "y", false, "accept the quickstart defaults without prompting, then start")
	f.BoolVar(&opts.run, "run", false, "start Paperclip after saving")
	f.BoolVar(&opts.noRun, "no-run", false, "only write the configuration; do not start the server")
	f.StringVar(&opts.bind, "bind", "", "quickstart reachability: loopback or lan")
	f.BoolVar(&opts.noOpen, "no-open", false, "do not open the browser when starting")
	cmd.MarkFlagsMutuallyExclusive("run", "no-run")
	return cmd
}

func (a *app) loadDotenv(inst *instance) error {
	vars, err := readDotenv(inst.EnvPath())
	if err != nil {
		return err
	}
	a.dotenv = vars
	return nil
}

func (a *app) onboard(ctx context.Context, opts onboardOptions) error {
	inst, err := a.resolveInstance(opts.instanceID)
	if err != nil {
		return err
	}
	a.printf("Paperclip onboard — home: %s | instance: %s | config: %s\n", inst.Home, inst.ID, inst.ConfigPath)
	// Checked before anything is read or asked, without creating anything yet.
	if err := a.checkCreatable(inst.Root); err != nil {
		return err
	}
	if err := a.loadDotenv(inst); err != nil {
		return err
	}

	existing, err := readConfig(inst)
	var le *configLoadError
	switch {
	case err == nil:
		// A valid config is never rewritten by onboard; only missing secrets are added.
		lines, err := a.prepareInstance(inst, existing.Config)
		if err != nil {
			return err
		}
		a.printLines(lines)
		a.printf("Existing configuration kept at %s\n", inst.ConfigPath)
		a.printSummary("Configuration", existing.Config)
		return a.maybeStart(ctx, inst, opts)
	case errors.As(err, &le) && le.Kind == configMissing:
	case errors.As(err, &le) && (le.Kind == configInvalid || le.Kind == configUnparsable):
		saveCopy := func() error {
			saved := fmt.Sprintf("%s.invalid-%s", inst.ConfigPath, a.now().UTC().Format("20060102-150405"))
			if data, rerr := os.ReadFile(inst.ConfigPath); rerr == nil {
				if werr := writeFileAtomic(saved, data, 0o600); werr != nil {
					return werr
				}
				a.printf("Saved a copy of the invalid config to %s\n", saved)
			}
			return nil
		}
		if !a.stdinTTY {
			if serr := saveCopy(); serr != nil {
				return serr
			}
			return err
		}
		if !opts.yes {
			// Asked before the copy is written, so Ctrl-C here leaves the instance as it was.
			ok, perr := a.prompt.confirm(fmt.Sprintf("Existing config is invalid (%s). Replace it with defaults?", le.Msg), true)
			if perr != nil {
				return perr
			}
			if !ok {
				return &cliError{msg: "Onboarding cancelled; the existing config was left untouched."}
			}
		}
		if serr := saveCopy(); serr != nil {
			return serr
		}
	default:
		return err // upstream instance or unreadable file: never touched
	}

	if !a.stdinTTY && !opts.yes {
		return errors.New("onboard needs an interactive terminal; use --yes for quickstart defaults")
	}
	var cfg *Config
	if opts.yes {
		var notes []string
		if cfg, notes, err = a.quickstartConfig(inst, opts.bind, true); err != nil {
			return err
		}
		a.printLines(notes)
	} else {
		path, err := a.prompt.choose("Choose setup path", []choice{
			{"quickstart", "Quickstart (recommended: local defaults, ready to run)"},
			{"advanced", "Advanced setup (choose each section)"},
		}, "quickstart")
		if err != nil {
			return err
		}
		if cfg, _, err = a.quickstartConfig(inst, opts.bind, false); err != nil {
			return err
		}
		if path == "advanced" {
			if err := a.askAllSections(inst, cfg); err != nil {
				return err
			}
		}
	}
	if err := cfg.Validate(); err != nil {
		return &cliError{msg: "Invalid configuration: " + err.Error()}
	}
	lines, err := a.prepareInstance(inst, cfg)
	if err != nil {
		return err
	}
	if err := writeConfig(inst, cfg, "onboard", a.now()); err != nil {
		return err
	}
	a.printLines(lines)
	a.printSummary("Configuration saved", cfg)
	return a.maybeStart(ctx, inst, opts)
}

// maybeStart is §5.1 step 9: --yes and --run start the server, as upstream's onboard
// does; --no-run only writes the config (scripts, containers); otherwise a terminal is
// asked.
func (a *app) maybeStart(ctx context.Context, inst *instance, opts onboardOptions) error {
	if opts.noRun {
		return nil
	}
	start := opts.run || opts.yes
	if !start && a.stdinTTY {
		var err error
		if start, err = a.prompt.confirm("Start Paperclip now?", true); err != nil {
			return err
		}
	}
	if !start {
		return nil
	}
	return a.runServer(ctx, runOptions{instanceID: inst.ID, repair: true, noOpen: opts.noOpen, onboarded: true})
}

// quickstartConfig is §5.1 step 5: defaults adjusted by the environment. With force,
// mode and exposure variables are ignored (and said so) unless --bind chose a preset.
func (a *app) quickstartConfig(inst *instance, bind string, force bool) (*Config, []string, error) {
	cfg := defaultConfig(inst.Root)
	var notes []string
	if p, err := strconv.Atoi(a.getenv("PORT")); err == nil && p >= 1 && p <= 65535 {
		cfg.Server.Port = p // PORT=0 (any free port) is a runtime choice, not a config value
	}
	mode, exposure := a.getenv("PAPERCLIP_DEPLOYMENT_MODE"), a.getenv("PAPERCLIP_DEPLOYMENT_EXPOSURE")
	switch {
	case bind == bindLAN:
		cfg.Server.DeploymentMode, cfg.Server.Exposure = modeAuthenticated, exposurePrivate
		cfg.Server.Bind, cfg.Server.Host = bindLAN, "0.0.0.0"
		if exposure != "" {
			cfg.Server.Exposure = exposure
		}
	case bind == bindLoopback || force:
		for _, v := range []struct{ key, val, want string }{
			{"PAPERCLIP_DEPLOYMENT_MODE", mode, modeLocalTrusted},
			{"PAPERCLIP_DEPLOYMENT_EXPOSURE", exposure, exposurePrivate},
		} {
			if v.val != "" && v.val != v.want {
				notes = append(notes, fmt.Sprintf("Ignored %s: quickstart uses trusted local loopback", v.key))
			}
		}
	default:
		if mode != "" {
			cfg.Server.DeploymentMode = mode
		}
		if exposure != "" {
			cfg.Server.Exposure = exposure
		}
	}
	if u := a.getenv("PAPERCLIP_PUBLIC_URL"); u != "" {
		u = strings.TrimRight(u, "/")
		cfg.Auth.BaseURLMode, cfg.Auth.PublicBaseURL = "explicit", &u
	}
	for _, h := range splitCSV(strings.ToLower(a.getenv("PAPERCLIP_ALLOWED_HOSTNAMES"))) {
		if !oneOf(h, cfg.Server.AllowedHostnames...) {
			cfg.Server.AllowedHostnames = append(cfg.Server.AllowedHostnames, h)
		}
	}
	var err error
	b := &cfg.Database.Backup
	if b.Enabled, err = a.envBool("PAPERCLIP_DB_BACKUP_ENABLED", b.Enabled); err != nil {
		return nil, nil, err
	}
	if b.IntervalMinutes, err = a.envInt("PAPERCLIP_DB_BACKUP_INTERVAL_MINUTES", b.IntervalMinutes, 1, 10080); err != nil {
		return nil, nil, err
	}
	if b.RetentionDays, err = a.envInt("PAPERCLIP_DB_BACKUP_RETENTION_DAYS", b.RetentionDays, 1, 3650); err != nil {
		return nil, nil, err
	}
	if d := a.getenv("PAPERCLIP_DB_BACKUP_DIR"); d != "" {
		b.Dir = inst.path(d)
	}
	if d := a.getenv("PAPERCLIP_STORAGE_LOCAL_DIR"); d != "" {
		cfg.Storage.LocalDisk.BaseDir = inst.path(d)
	}
	if f := a.getenv("PAPERCLIP_SECRETS_MASTER_KEY_FILE"); f != "" {
		cfg.Secrets.LocalEncrypted.KeyFilePath = inst.path(f)
	}
	if cfg.Secrets.StrictMode, err = a.envBool("PAPERCLIP_SECRETS_STRICT_MODE", false); err != nil {
		return nil, nil, err
	}
	return cfg, notes, nil
}

// prepareInstance is §5.1 step 7 minus the config write: directories, the agent JWT
// secret in .env and the master key file. It returns what it did, one line each.
func (a *app) prepareInstance(inst *instance, cfg *Config) ([]string, error) {
	for _, dir := range []string{
		inst.Root, filepath.Dir(cfg.Database.Path), cfg.Database.Backup.Dir, cfg.Storage.LocalDisk.BaseDir,
		cfg.Logging.LogDir, cfg.Logging.RunLogDir, filepath.Dir(cfg.Secrets.LocalEncrypted.KeyFilePath),
	} {
		if err := mkdirPrivate(dir); err != nil {
			return nil, err
		}
	}
	var lines []string
	line, err := a.ensureJWTSecret(inst)
	if err != nil {
		return nil, err
	}
	lines = append(lines, line)
	keyPath := cfg.Secrets.LocalEncrypted.KeyFilePath
	if f := a.getenv("PAPERCLIP_SECRETS_MASTER_KEY_FILE"); f != "" {
		keyPath = inst.path(f)
	}
	if a.getenv("PAPERCLIP_SECRETS_MASTER_KEY") == "" {
		if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) {
			if err := createMasterKey(keyPath); err != nil {
				return nil, err
			}
			lines = append(lines, "Created secrets master key at "+keyPath)
		}
	}
	return lines, nil
}

func (a *app) printLines(lines []string) {
	for _, l := range lines {
		a.printf("%s\n", l)
	}
}

// printSummary is the **Configuration saved** block of §5.1 step 7.
func (a *app) printSummary(title string, cfg *Config) {
	s := cfg.Server
	hosts := "(loopback only)"
	if len(s.AllowedHostnames) > 0 {
		hosts = strings.Join(s.AllowedHostnames, ", ")
	}
	urlMode := cfg.Auth.BaseURLMode
	if u := cfg.publicURL(); u != "" {
		urlMode += " (" + u + ")"
	}
	strict := "off"
	if cfg.Secrets.StrictMode {
		strict = "on"
	}
	backups := "disabled"
	if cfg.Database.Backup.Enabled {
		backups = fmt.Sprintf("every %dm, keep %dd", cfg.Database.Backup.IntervalMinutes, cfg.Database.Backup.RetentionDays)
	}
	a.printf("\n%s\n", a.paint("1", title))
	for _, kv := range [][2]string{
		{"Database", "sqlite " + cfg.Database.Path},
		{"Server", fmt.Sprintf("%s/%s @ %s:%d", s.DeploymentMode, s.Exposure, s.effectiveHost(), s.Port)},
		{"Allowed hosts", hosts},
		{"Auth URL mode", urlMode},
		{"Storage", "local_disk " + cfg.Storage.LocalDisk.BaseDir},
		{"Secrets", "local_encrypted (strict mode " + strict + ")"},
		{"Backups", backups},
		{"Agent auth", jwtSecretKey + " configured"},
	} {
		a.printf("  %s: %s\n", kv[0], kv[1])
	}
	if cfg.LLM != nil {
		a.printf("  LLM provider: %s\n", cfg.LLM.Provider)
	}
	a.printf("\n%s\n  paperclip run\n  paperclip configure\n  paperclip doctor\n", a.paint("1", "Next commands"))
	if s.DeploymentMode == modeAuthenticated {
		a.printf("\nA one-time bootstrap invite for the first admin is printed when the server starts (or run: paperclip auth bootstrap-ceo).\n")
	}
}
