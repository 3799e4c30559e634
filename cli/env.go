package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// env (cli.md §5.4): the environment a deployment of this instance needs, where each
// value comes from, and an export block to paste.

// envRow is one variable of the report.
type envRow struct {
	Key    string
	Status string // set, default, missing
	Source string // environment, config, .env, default; "-" when missing
	Note   string
	Value  string
	Secret bool
}

func newEnvCommand(a *app) *cobra.Command {
	var instanceID string
	var showSecrets bool
	cmd := &cobra.Command{
		Use:          "env",
		Short:        "Print the environment variables for deploying this instance",
		Example:      "  paperclip env\n  paperclip env -i staging --show-secrets",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			inst, err := a.resolveInstance(instanceID)
			if err != nil {
				return err
			}
			dotenv, err := readDotenv(inst.EnvPath())
			if err != nil {
				return err
			}
			cfg := defaultConfig(inst.Root)
			fromConfig := false
			loaded, err := readConfig(inst)
			var le *configLoadError
			switch {
			case err == nil:
				cfg, fromConfig = loaded.Config, true
			case errors.As(err, &le) && le.Kind == configMissing:
				a.printf("No config found at %s; showing defaults (create one with: paperclip onboard).\n\n", inst.ConfigPath)
			default:
				return err
			}
			required, optional := a.envRows(inst, cfg, fromConfig, dotenv)
			a.printEnvTable("Required", required, showSecrets)
			a.printf("\n")
			a.printEnvTable("Optional", optional, showSecrets)
			a.printf("\n%s\n", a.paint("1", "Export block"))
			for _, r := range append(required, optional...) {
				// Optional variables without a value are left out: pasting a placeholder
				// for them would break the server.
				if r.Key == "DATABASE_URL" || (r.Status == "missing" && r.Key != jwtSecretKey) {
					continue
				}
				v := r.Value
				if r.Status == "missing" {
					v = "<set-this-value>"
				}
				a.printf("export %s=%s\n", r.Key, shellQuote(displayValue(r, v, showSecrets)))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	cmd.Flags().BoolVar(&showSecrets, "show-secrets", false, "print secret values instead of a placeholder")
	return cmd
}

// displayValue hides secrets unless asked.
func displayValue(r envRow, v string, show bool) string {
	if !r.Secret || show || r.Status == "missing" {
		return v
	}
	if r.Source == ".env" {
		return "<hidden: stored in .env>"
	}
	return "<hidden: set in the environment>"
}

func (a *app) printEnvTable(title string, rows []envRow, showSecrets bool) {
	a.printf("%s\n", a.paint("1", title))
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tSTATUS\tSOURCE\tNOTE")
	for _, r := range rows {
		note := r.Note
		if r.Status != "missing" && r.Key != "DATABASE_URL" {
			note = strings.TrimSpace(note + " (" + displayValue(r, r.Value, showSecrets) + ")")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Key, r.Status, r.Source, note)
	}
	tw.Flush()
}

// envRows resolves every variable with the server's precedence: environment, then
// .env, then the config file, then the built-in default.
func (a *app) envRows(inst *instance, cfg *Config, fromConfig bool, dotenv map[string]string) (required, optional []envRow) {
	def := defaultConfig(inst.Root)
	row := func(key, note, cfgVal, defVal string) envRow {
		r := envRow{Key: key, Note: note}
		if v, ok := a.lookupEnv(key); ok && v != "" {
			r.Status, r.Source, r.Value = "set", "environment", v
		} else if v := dotenv[key]; v != "" {
			r.Status, r.Source, r.Value = "set", ".env", v
		} else if fromConfig && cfgVal != "" && cfgVal != defVal {
			r.Status, r.Source, r.Value = "set", "config", cfgVal
		} else if defVal != "" {
			r.Status, r.Source, r.Value = "default", "default", defVal
			if fromConfig && cfgVal == defVal {
				r.Source = "config"
			}
		} else {
			r.Status, r.Source = "missing", "-"
		}
		return r
	}
	jwt := row(jwtSecretKey, "signs agent run tokens; created by onboard", "", "")
	jwt.Secret = true
	if jwt.Status == "missing" {
		jwt.Note = "missing: run paperclip onboard or paperclip doctor --repair"
	}
	required = []envRow{jwt}

	b, d := cfg.Database.Backup, def.Database.Backup
	pub := ""
	if cfg.Auth.PublicBaseURL != nil {
		pub = *cfg.Auth.PublicBaseURL
	}
	itoa := strconv.Itoa
	optional = []envRow{
		row("PORT", "HTTP listen port", itoa(cfg.Server.Port), itoa(def.Server.Port)),
		row("HOST", "listen address", cfg.Server.effectiveHost(), def.Server.Host),
		row("PAPERCLIP_DEPLOYMENT_MODE", "local_trusted or authenticated", cfg.Server.DeploymentMode, def.Server.DeploymentMode),
		row("PAPERCLIP_DEPLOYMENT_EXPOSURE", "private or public", cfg.Server.Exposure, def.Server.Exposure),
		row("PAPERCLIP_PUBLIC_URL", "public base URL (required for public exposure)", pub, ""),
		row("PAPERCLIP_ALLOWED_HOSTNAMES", "extra host names (CSV) for authenticated/private", strings.Join(cfg.Server.AllowedHostnames, ","), ""),
		row("PAPERCLIP_AGENT_JWT_TTL_SECONDS", "run token lifetime", "", "172800"),
		row("PAPERCLIP_AGENT_JWT_ISSUER", "run token issuer", "", "paperclip"),
		row("PAPERCLIP_AGENT_JWT_AUDIENCE", "run token audience", "", "paperclip-api"),
		row("HEARTBEAT_SCHEDULER_ENABLED", "timer heartbeats on/off", strconv.FormatBool(cfg.Heartbeat.SchedulerEnabled), strconv.FormatBool(def.Heartbeat.SchedulerEnabled)),
		row("HEARTBEAT_SCHEDULER_INTERVAL_MS", "scheduler tick (min 10000)", itoa(cfg.Heartbeat.SchedulerIntervalMs), itoa(def.Heartbeat.SchedulerIntervalMs)),
		row("PAPERCLIP_RUN_DEFAULT_TIMEOUT_SEC", "default run timeout (0 = none)", itoa(cfg.Heartbeat.DefaultTimeoutSec), itoa(def.Heartbeat.DefaultTimeoutSec)),
		row("PAPERCLIP_SECRETS_MASTER_KEY_FILE", "secrets master key file", cfg.Secrets.LocalEncrypted.KeyFilePath, def.Secrets.LocalEncrypted.KeyFilePath),
		row("PAPERCLIP_SECRETS_STRICT_MODE", "reject plain values for sensitive env keys", strconv.FormatBool(cfg.Secrets.StrictMode), strconv.FormatBool(def.Secrets.StrictMode)),
		row("PAPERCLIP_STORAGE_LOCAL_DIR", "uploaded files", cfg.Storage.LocalDisk.BaseDir, def.Storage.LocalDisk.BaseDir),
		row("PAPERCLIP_DB_BACKUP_ENABLED", "automatic backups", strconv.FormatBool(b.Enabled), strconv.FormatBool(d.Enabled)),
		row("PAPERCLIP_DB_BACKUP_INTERVAL_MINUTES", "minutes between backups", itoa(b.IntervalMinutes), itoa(d.IntervalMinutes)),
		row("PAPERCLIP_DB_BACKUP_RETENTION_DAYS", "days backups are kept", itoa(b.RetentionDays), itoa(d.RetentionDays)),
		row("PAPERCLIP_DB_BACKUP_DIR", "backup directory", b.Dir, d.Dir),
		row("PAPERCLIP_DB_SYNCHRONOUS", "normal or full (full: commits survive power loss)", strings.ToLower(cfg.Database.Synchronous), "normal"),
	}
	// Location variables are listed only when they move the instance somewhere else.
	for _, loc := range []struct{ key, note string }{
		{"PAPERCLIP_HOME", "home directory"}, {"PAPERCLIP_INSTANCE_ID", "instance id"}, {"PAPERCLIP_CONFIG", "config file"},
	} {
		if v, ok := a.lookupEnv(loc.key); ok && v != "" && !isDefaultLocation(inst, loc.key, v) {
			optional = append(optional, envRow{Key: loc.key, Status: "set", Source: "environment", Note: loc.note, Value: v})
		}
	}
	optional = append(optional, envRow{Key: "DATABASE_URL", Status: "missing", Source: "-",
		Note: "reserved (future PostgreSQL backend); ignored"})
	if v, ok := a.lookupEnv("DATABASE_URL"); ok && v != "" {
		optional[len(optional)-1].Status, optional[len(optional)-1].Source = "set", "environment"
	}
	return required, optional
}

func isDefaultLocation(inst *instance, key, v string) bool {
	switch key {
	case "PAPERCLIP_INSTANCE_ID":
		return v == defaultInstanceID
	case "PAPERCLIP_HOME":
		return inst.UserHome != "" && filepath.Clean(v) == filepath.Join(inst.UserHome, ".paperclip")
	}
	return false
}
