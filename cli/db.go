package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"paperclip/server"
	"paperclip/store"
)

// defaultBackupPrefix starts every backup file name (§2: paperclip-YYYYMMDD-HHMMSS.db.gz).
const defaultBackupPrefix = server.BackupPrefix

// backupFailedMarker is left in the backup dir by a failed automatic backup; /api/health
// and doctor report it (activity-dashboard §6).
const backupFailedMarker = server.BackupFailedMarker

var backupPrefixPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// instanceSettings resolves the instance, its .env, config and effective settings for
// commands that work on the instance's files without starting the server.
func (a *app) instanceSettings(instanceID string) (*instance, *settings, error) {
	inst, err := a.resolveInstance(instanceID)
	if err != nil {
		return nil, nil, err
	}
	if err := a.loadDotenv(inst); err != nil {
		return nil, nil, err
	}
	cfg, err := readConfig(inst)
	if err != nil {
		return nil, nil, err
	}
	set, err := a.resolveSettings(inst, cfg.Config)
	if err != nil {
		return nil, nil, err
	}
	return inst, set, nil
}

// humanSize is a byte count for people: 512 B, 12.3 KB, 4.0 MB.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTPE"[exp])
}

type dbBackupOptions struct {
	instanceID    string
	dir           string
	retentionDays int
	retentionSet  bool
	prefix        string
	json          bool
}

// dbBackupResult is the --json output of db:backup (§5.5).
type dbBackupResult struct {
	BackupFile       string `json:"backupFile"`
	SizeBytes        int64  `json:"sizeBytes"`
	PrunedCount      int    `json:"prunedCount"`
	BackupDir        string `json:"backupDir"`
	RetentionDays    int    `json:"retentionDays"`
	ConnectionSource string `json:"connectionSource"`
}

func newDBBackupCommand(a *app) *cobra.Command {
	var opts dbBackupOptions
	cmd := &cobra.Command{
		Use:          "db:backup",
		Short:        "Back up the database now (works while the server runs)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.retentionSet = cmd.Flags().Changed("retention-days")
			return a.dbBackup(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	f.StringVar(&opts.dir, "dir", "", "backup directory (default: database.backup.dir)")
	f.IntVar(&opts.retentionDays, "retention-days", 0, "delete backups older than this many days (default: database.backup.retentionDays)")
	f.StringVar(&opts.prefix, "filename-prefix", defaultBackupPrefix, "backup file name prefix")
	f.BoolVar(&opts.json, "json", false, "print the result as JSON")
	return cmd
}

func (a *app) dbBackup(ctx context.Context, opts dbBackupOptions) error {
	if !backupPrefixPattern.MatchString(opts.prefix) {
		return fmt.Errorf("Invalid --filename-prefix %q: use letters, digits, '.', '_' and '-'", opts.prefix)
	}
	if opts.retentionSet && (opts.retentionDays < 1 || opts.retentionDays > 3650) {
		return fmt.Errorf("Invalid --retention-days %d: expected a whole number between 1 and 3650", opts.retentionDays)
	}
	inst, set, err := a.instanceSettings(opts.instanceID)
	if err != nil {
		return err
	}
	sc := set.Server
	dir, retention := sc.BackupDir, sc.BackupRetentionDays
	if opts.dir != "" {
		cwd, err := os.Getwd()
		if err != nil {
			return err
		}
		dir = expandPath(opts.dir, inst.UserHome, cwd)
	}
	if opts.retentionSet {
		retention = opts.retentionDays
	}
	now := a.now()
	file, size, err := store.Backup(ctx, sc.DatabasePath, dir, opts.prefix, now)
	if errors.Is(err, store.ErrNoDatabase) {
		return fmt.Errorf("No database at %s yet. Start Paperclip once first.", sc.DatabasePath)
	}
	if err != nil {
		return fmt.Errorf("Backup failed: %w", err)
	}
	if dir == sc.BackupDir {
		os.Remove(filepath.Join(dir, backupFailedMarker)) // the newest backup is a good one again
	}
	pruned, perr := store.PruneBackups(dir, opts.prefix, retention, now)
	if perr != nil {
		fmt.Fprintf(a.stderr, "Warning: could not prune old backups: %v\n", perr)
	}
	if opts.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(dbBackupResult{BackupFile: file, SizeBytes: size, PrunedCount: pruned,
			BackupDir: dir, RetentionDays: retention, ConnectionSource: "sqlite"})
	}
	a.printf("Backup written: %s (%s)\n", file, humanSize(size))
	a.printf("Pruned %d old backup(s) (retention %d days)\n", pruned, retention)
	return nil
}

type dbRestoreOptions struct {
	instanceID string
	yes        bool
	list       bool
}

func newDBRestoreCommand(a *app) *cobra.Command {
	var opts dbRestoreOptions
	cmd := &cobra.Command{
		Use:          "db:restore <backupFile>",
		Short:        "Replace the database with a backup (the server must be stopped)",
		Args:         cobra.MaximumNArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.list {
				if len(args) > 0 {
					return errors.New("accepts no backup file with --list")
				}
				return a.dbListBackups(opts)
			}
			if len(args) == 0 {
				return errors.New("requires a backup file: paperclip db:restore <backupFile> (see: paperclip db:restore --list)")
			}
			return a.dbRestore(cmd.Context(), args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	f.BoolVarP(&opts.yes, "yes", "y", false, "replace the database without asking")
	f.BoolVar(&opts.list, "list", false, "list the available backups, newest first, and restore nothing")
	return cmd
}

// dbListBackups prints the backups of the instance's backup dir, newest first.
func (a *app) dbListBackups(opts dbRestoreOptions) error {
	_, set, err := a.instanceSettings(opts.instanceID)
	if err != nil {
		return err
	}
	dir := set.Server.BackupDir
	files, err := store.ListBackups(dir, "")
	if err != nil {
		return fmt.Errorf("Cannot read the backup directory %s: %v", dir, shortErr(err))
	}
	if len(files) == 0 {
		a.printf("No backups in %s\n", dir)
		return nil
	}
	width := 0
	for _, f := range files {
		width = max(width, len(f.Name))
	}
	for _, f := range files {
		a.printf("%-*s  %9s  %s\n", width, f.Name, humanSize(f.Size), f.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	return nil
}

// resolveBackupFile accepts a path, or a bare name from --list inside the backup dir.
func resolveBackupFile(arg, backupDir string) (string, error) {
	if _, err := os.Stat(arg); err == nil {
		return filepath.Abs(arg)
	}
	if !strings.ContainsAny(arg, `/\`) {
		p := filepath.Join(backupDir, arg)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", &cliError{msg: "Backup file not found: " + arg, hint: "List the backups with: paperclip db:restore --list"}
}

// dbRestore is §5.6: check the backup, confirm, move the current database aside and
// put the backup in its place, all while holding the instance lock so no server starts.
func (a *app) dbRestore(ctx context.Context, arg string, opts dbRestoreOptions) error {
	inst, set, err := a.instanceSettings(opts.instanceID)
	if err != nil {
		return err
	}
	sc := set.Server
	lock, err := acquireLock(inst.LockPath())
	if errors.Is(err, errLockHeld) {
		info, _ := readLockInfo(inst.LockPath())
		return fmt.Errorf("Paperclip is running for this instance (pid %d). Stop it before restoring.", info.PID)
	}
	if err != nil {
		return err
	}
	defer lock.release()

	file, err := resolveBackupFile(arg, sc.BackupDir)
	if err != nil {
		return err
	}
	tmp, version, err := store.PrepareRestore(ctx, file, filepath.Dir(sc.DatabasePath))
	switch {
	case errors.Is(err, store.ErrBackupTooNew):
		return &cliError{msg: "Backup was made by a newer paperclip",
			hint: fmt.Sprintf("It has schema v%d; this binary knows v%d. Upgrade paperclip to restore it.", version, store.SchemaVersion())}
	case errors.Is(err, store.ErrBackupCorrupt):
		return &cliError{msg: fmt.Sprintf("Backup %s failed its check: %v", file, err), hint: "Choose another one: paperclip db:restore --list"}
	case err != nil:
		return fmt.Errorf("Cannot read backup %s: %w", file, err)
	}
	keep := false
	defer func() {
		if !keep {
			os.Remove(tmp)
		}
	}()

	if !opts.yes {
		if !a.stdinTTY {
			return &cliError{msg: "db:restore needs confirmation; pass --yes to restore without a terminal"}
		}
		ok, err := a.prompt.confirm(fmt.Sprintf("Replace the current database with %s?", file), false)
		if err != nil {
			return err
		}
		if !ok {
			return &cliError{msg: "Restore cancelled; the current database was left untouched."}
		}
	}

	previous, err := store.ReplaceDatabase(ctx, sc.DatabasePath, tmp, a.now())
	if err != nil {
		return err
	}
	keep = true
	if previous != "" {
		a.printf("Restored %s → %s. Previous database kept at %s.\n", file, sc.DatabasePath, previous)
	} else {
		a.printf("Restored %s → %s.\n", file, sc.DatabasePath)
	}
	if version < store.SchemaVersion() {
		a.printf("Migrations run on next start (schema v%d → v%d).\n", version, store.SchemaVersion())
	}
	a.printf("Note: uploaded files and run logs are not part of the backup; they were left as they are.\n")
	return nil
}
