package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"paperclip/store"
)

// doctorRun holds what the checks share; the Config file check fills cfg and set.
type doctorRun struct {
	a    *app
	inst *instance
	opts doctorOptions
	cfg  *loadedConfig
	set  *settings
}

func (d *doctorRun) checks() []func(context.Context) checkResult {
	return []func(context.Context) checkResult{
		d.checkConfig, d.checkDeployment, d.checkJWTSecret, d.checkSecretsKey, d.checkStorage,
		d.checkDatabase, d.checkBackups, d.checkLogs, d.checkPort, d.checkAgentCLIs, d.checkLLM,
	}
}

func pass(name, msg string) checkResult {
	return checkResult{Name: name, Status: statusPass, Message: msg}
}

func warn(name, msg, hint string) checkResult {
	return checkResult{Name: name, Status: statusWarn, Message: msg, Hint: hint}
}

func fail(name, msg, hint string) checkResult {
	return checkResult{Name: name, Status: statusFail, Message: msg, Hint: hint}
}

func (r checkResult) withRepair(fn func(context.Context) error) checkResult {
	r.repair = fn
	return r
}

// dirWritable proves a directory is writable by creating and removing a file in it.
func dirWritable(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".paperclip-doctor-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func mkdirRepair(dirs ...string) func(context.Context) error {
	return func(context.Context) error {
		for _, d := range dirs {
			if err := mkdirPrivate(d); err != nil {
				return err
			}
		}
		return nil
	}
}

func (d *doctorRun) checkConfig(context.Context) checkResult {
	const name = "Config file"
	cfg, err := readConfig(d.inst)
	if err != nil {
		var le *configLoadError
		if errors.As(err, &le) {
			return fail(name, le.Msg, le.Hint)
		}
		return fail(name, err.Error(), "")
	}
	set, err := d.a.resolveSettings(d.inst, cfg.Config)
	if err != nil {
		return fail(name, err.Error(), "Fix the environment variable or unset it.")
	}
	d.cfg, d.set = cfg, set
	if len(cfg.Unknown) > 0 {
		return warn(name, fmt.Sprintf("Valid config at %s; unknown keys: %s", d.inst.ConfigPath, strings.Join(cfg.Unknown, ", ")),
			"Unknown keys are kept but ignored; fix or remove them.")
	}
	return pass(name, "Valid config at "+d.inst.ConfigPath)
}

func (d *doctorRun) checkDeployment(context.Context) checkResult {
	const name = "Deployment/auth mode"
	sc := d.set.Server
	if err := d.set.checkBindAllowed(); err != nil {
		return fail(name, err.Error(), "Set HOST / server.host to 127.0.0.1, or switch to authenticated mode: paperclip configure --section server")
	}
	if err := d.set.validate(); err != nil {
		return fail(name, err.Error(), "Run: paperclip configure --section server")
	}
	if sc.DeploymentMode == modeLocalTrusted {
		return pass(name, "local_trusted mode is configured for loopback-only access")
	}
	msg := fmt.Sprintf("Mode %s/%s with auth URL mode %s", sc.DeploymentMode, sc.Exposure, d.set.BaseURLMode)
	if sc.Exposure == exposurePublic && strings.HasPrefix(sc.PublicBaseURL, "http://") {
		return warn(name, msg+"; the public URL uses http://", "Serve Paperclip over https when it is exposed to the internet.")
	}
	return pass(name, msg)
}

func (d *doctorRun) checkJWTSecret(context.Context) checkResult {
	const name = "Agent JWT secret"
	if v, ok := d.a.lookupEnv(jwtSecretKey); ok && v != "" {
		return pass(name, jwtSecretKey+" is set in the environment")
	}
	vars, err := readDotenv(d.inst.EnvPath())
	if err != nil {
		return fail(name, err.Error(), "")
	}
	if vars[jwtSecretKey] != "" {
		return pass(name, jwtSecretKey+" is set in "+d.inst.EnvPath())
	}
	return fail(name, jwtSecretKey+" is missing", "Run: paperclip doctor --repair (creates it in "+d.inst.EnvPath()+")").
		withRepair(func(context.Context) error {
			secret, err := newJWTSecret()
			if err != nil {
				return err
			}
			if err := setDotenv(d.inst.EnvPath(), jwtSecretKey, secret); err != nil {
				return err
			}
			d.a.dotenv[jwtSecretKey] = secret
			return nil
		})
}

func (d *doctorRun) checkSecretsKey(ctx context.Context) checkResult {
	const name = "Secrets key"
	if v := d.set.Server.SecretsMasterKey; v != "" {
		if _, err := decodeMasterKey(v); err != nil {
			return fail(name, "PAPERCLIP_SECRETS_MASTER_KEY is invalid: "+err.Error(), "It must be 32 random bytes, base64-encoded.")
		}
		return pass(name, "PAPERCLIP_SECRETS_MASTER_KEY is valid")
	}
	path := d.set.Server.SecretsMasterKeyFile
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		n, cerr := store.CountSecrets(ctx, d.set.Server.DatabasePath)
		if cerr == nil && n > 0 {
			return fail(name, fmt.Sprintf("Master key file %s is missing while %d encrypted secrets exist", path, n),
				"Restore the key file from a backup; a new key cannot decrypt the stored secrets.")
		}
		return warn(name, "Master key file is missing (no secrets stored yet): "+path, "Run: paperclip doctor --repair").
			withRepair(func(context.Context) error { return createMasterKey(path) })
	}
	if err != nil {
		return fail(name, fmt.Sprintf("Cannot read master key file %s: %v", path, err), "Check the file's permissions.")
	}
	if _, err := decodeMasterKey(string(data)); err != nil {
		return fail(name, fmt.Sprintf("Master key file %s is invalid: %v", path, err), "It must hold 32 random bytes, base64-encoded.")
	}
	return pass(name, "Master key file is valid: "+path)
}

func (d *doctorRun) checkStorage(context.Context) checkResult {
	const name = "Storage"
	dir := d.set.Server.StorageDir
	if err := dirWritable(dir); err != nil {
		return fail(name, fmt.Sprintf("Local disk storage is not writable: %s (%v)", dir, shortErr(err)), "Run: paperclip doctor --repair").
			withRepair(mkdirRepair(dir))
	}
	return pass(name, "Local disk storage is writable: "+dir)
}

func (d *doctorRun) checkDatabase(ctx context.Context) checkResult {
	const name = "Database"
	path := d.set.Server.DatabasePath
	dir := filepath.Dir(path)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := dirWritable(dir); err != nil {
			return fail(name, fmt.Sprintf("Database directory is not writable: %s (%v)", dir, shortErr(err)), "Run: paperclip doctor --repair").
				withRepair(mkdirRepair(dir))
		}
		r := warn(name, "SQLite database will be created on first run: "+path, "paperclip run creates and migrates it (or: paperclip doctor --repair)")
		if !d.opts.forRun {
			r = r.withRepair(func(ctx context.Context) error {
				st, err := store.Open(ctx, path, store.Options{})
				if err != nil {
					return err
				}
				return st.Close()
			})
		}
		return r
	}
	version, pending, err := store.PendingMigrations(ctx, path)
	if err != nil {
		return fail(name, fmt.Sprintf("Cannot read %s: %v", path, err), "Restore a backup: paperclip db:restore --list")
	}
	if version > store.SchemaVersion() {
		return fail(name, fmt.Sprintf("Database schema v%d was created by a newer paperclip (this binary knows v%d)", version, store.SchemaVersion()),
			"Upgrade paperclip, or restore an older backup.")
	}
	if err := store.QuickCheck(ctx, path); err != nil {
		return fail(name, fmt.Sprintf("SQLite quick_check failed for %s: %v", path, err), "Restore a backup: paperclip db:restore --list")
	}
	if err := dirWritable(dir); err != nil {
		return fail(name, fmt.Sprintf("Database directory is not writable: %s (%v)", dir, shortErr(err)), "Check the directory's permissions.")
	}
	switch {
	case d.set.DatabaseURLSet:
		return warn(name, fmt.Sprintf("DATABASE_URL is set but ignored: this version stores data in SQLite at %s", path), "Unset DATABASE_URL.")
	case pending > 0:
		return warn(name, fmt.Sprintf("SQLite database OK: %s (schema v%d); %d migrations will be applied on start", path, version, pending), "")
	}
	return pass(name, fmt.Sprintf("SQLite database OK: %s (schema v%d)", path, version))
}

func (d *doctorRun) checkBackups(context.Context) checkResult {
	const name = "Backups"
	sc := d.set.Server
	if !sc.BackupEnabled {
		hint := "Set database.backup.enabled to true in " + d.inst.ConfigPath + ", or back up by hand: paperclip db:backup"
		if v, ok := parseBool(d.a.getenv("PAPERCLIP_DB_BACKUP_ENABLED")); ok && !v {
			hint = "Unset PAPERCLIP_DB_BACKUP_ENABLED (it overrides the config), or back up by hand: paperclip db:backup"
		}
		return warn(name, "Automatic backups are disabled", hint)
	}
	if err := dirWritable(sc.BackupDir); err != nil {
		return fail(name, fmt.Sprintf("Backup directory is not writable: %s (%v)", sc.BackupDir, shortErr(err)), "Run: paperclip doctor --repair").
			withRepair(mkdirRepair(sc.BackupDir))
	}
	var newest time.Time
	entries, _ := os.ReadDir(sc.BackupDir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !e.IsDir() && strings.HasSuffix(e.Name(), ".db.gz") && info.ModTime().After(newest) {
			newest = info.ModTime()
		}
	}
	interval := time.Duration(sc.BackupIntervalMinutes) * time.Minute
	if data, err := os.ReadFile(filepath.Join(sc.BackupDir, backupFailedMarker)); err == nil {
		reason, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
		return warn(name, "The last automatic backup failed: "+reason, "Run: paperclip db:backup (to retry and see the error)")
	}
	if newest.IsZero() {
		return warn(name, "No backups yet in "+sc.BackupDir, fmt.Sprintf("The first one is taken %dm after start, or run: paperclip db:backup", sc.BackupIntervalMinutes))
	}
	age := d.a.now().Sub(newest).Round(time.Minute)
	if age > 2*interval {
		return warn(name, fmt.Sprintf("Last backup is %s old (interval %dm): %s", age, sc.BackupIntervalMinutes, sc.BackupDir), "Run: paperclip db:backup")
	}
	return pass(name, fmt.Sprintf("Last backup %s ago in %s", age, sc.BackupDir))
}

func (d *doctorRun) checkLogs(context.Context) checkResult {
	const name = "Log directory"
	dirs := []string{d.set.Server.LogDir, d.set.Server.RunLogDir}
	for _, dir := range dirs {
		if err := dirWritable(dir); err != nil {
			return fail(name, fmt.Sprintf("Log directory is not writable: %s (%v)", dir, shortErr(err)), "Run: paperclip doctor --repair").
				withRepair(mkdirRepair(dirs...))
		}
	}
	return pass(name, "Log directory is writable: "+d.set.Server.LogDir)
}

func (d *doctorRun) checkPort(context.Context) checkResult {
	const name = "Server port"
	held, info, err := probeLock(d.inst.LockPath())
	if err == nil && held {
		return pass(name, fmt.Sprintf("Paperclip is running on this instance at %s (pid %d)", info.URL, info.PID))
	}
	sc := d.set.Server
	if sc.Port == 0 {
		return pass(name, "Port 0: a free port is chosen at start")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(sc.Host, strconv.Itoa(sc.Port)))
	if err != nil {
		if isAddrInUse(err) {
			return warn(name, fmt.Sprintf("Port %d is used by another program", sc.Port), fmt.Sprintf("Check what is using port %d", sc.Port))
		}
		return warn(name, fmt.Sprintf("Cannot listen on %s:%d: %v", sc.Host, sc.Port, shortErr(err)), "Check server.host and PORT.")
	}
	ln.Close()
	return pass(name, fmt.Sprintf("Port %d is available", sc.Port))
}

// defaultAgentCLI is the command each local CLI adapter runs when adapterConfig.command
// is not set (agents.md §3).
func defaultAgentCLI(adapterType string) string {
	switch adapterType {
	case "claude_local":
		return "claude"
	case "codex_local":
		return "codex"
	case "gemini_local":
		return "gemini"
	case "opencode_local":
		return "opencode"
	}
	return ""
}

func (d *doctorRun) checkAgentCLIs(ctx context.Context) checkResult {
	const name = "Agent CLIs"
	path := d.set.Server.DatabasePath
	if _, err := os.Stat(path); err != nil {
		return pass(name, "No agents yet")
	}
	cmds, err := store.InspectAgentCommands(ctx, path)
	if err != nil {
		return warn(name, "Could not read agents: "+err.Error(), "")
	}
	var found, missing []string
	seen := map[string]bool{}
	for _, c := range cmds {
		command := c.Command
		if command == "" {
			command = defaultAgentCLI(c.AdapterType)
		}
		if command == "" || seen[command] {
			continue // process and http agents have no CLI to find
		}
		seen[command] = true
		bin, err := exec.LookPath(command)
		if err != nil {
			missing = append(missing, fmt.Sprintf("%s (used by %s agents)", command, c.AdapterType))
			continue
		}
		found = append(found, strings.TrimSpace(command+" "+cliVersion(ctx, bin))+" at "+bin)
	}
	if len(missing) > 0 {
		return warn(name, "Not found on PATH: "+strings.Join(missing, ", "), "Install it or set adapterConfig.command")
	}
	if len(found) == 0 {
		return pass(name, "No agents use a local CLI")
	}
	return pass(name, strings.Join(found, ", "))
}

// cliVersion asks a CLI for its version, briefly; an unhelpful answer is left out.
func cliVersion(ctx context.Context, bin string) string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	for _, f := range strings.Fields(line) {
		if f != "" && f[0] >= '0' && f[0] <= '9' {
			return f
		}
	}
	return ""
}

func (d *doctorRun) checkLLM(ctx context.Context) checkResult {
	const name = "LLM provider"
	llm := d.cfg.LLM
	if llm == nil {
		return pass(name, "Not configured (optional)")
	}
	if llm.APIKey == "" {
		return warn(name, llm.Provider+" is configured without an API key", "Run: paperclip configure --section llm")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var req *http.Request
	var err error
	switch llm.Provider {
	case "openai":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, "https://api.openai.com/v1/models", nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+llm.APIKey)
		}
	default:
		body := `{"model":"claude-3-5-haiku-latest","max_tokens":1,"messages":[{"role":"user","content":"ping"}]}`
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, "https://api.anthropic.com/v1/messages", bytes.NewBufferString(body))
		if err == nil {
			req.Header.Set("x-api-key", llm.APIKey)
			req.Header.Set("anthropic-version", "2023-06-01")
			req.Header.Set("content-type", "application/json")
		}
	}
	if err != nil {
		return warn(name, err.Error(), "")
	}
	res, err := d.a.httpClient.Do(req)
	if err != nil {
		return warn(name, llm.Provider+": could not reach the API", "Check the network; the key was not verified.")
	}
	res.Body.Close()
	switch {
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return fail(name, llm.Provider+" API key was rejected", "Run: paperclip configure --section llm")
	case res.StatusCode < 300:
		return pass(name, llm.Provider+" API key is valid")
	}
	return warn(name, fmt.Sprintf("%s API answered %d; the key could not be verified", llm.Provider, res.StatusCode), "")
}

// shortErr drops the path that os errors repeat, since the message already names it.
func shortErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
