package cli

import (
	"context"
	"fmt"
	"log/slog"

	"paperclip/store"
)

// backupBeforeMigrate takes the pre-migration backup of §6.1 step 5 when an existing
// database has pending migrations: <prefix>-pre-migrate-<fromVersion>-<ts>.db.gz. With
// backups disabled it only logs; a failed backup stops the start, since migrating
// without one would risk the data the backup was meant to protect.
func (a *app) backupBeforeMigrate(ctx context.Context, set *settings, logger *slog.Logger) (string, error) {
	sc := set.Server
	version, pending, err := a.pendingMigrations(ctx, sc.DatabasePath)
	if err != nil || pending == 0 || version == 0 {
		return "", nil // a new database has nothing to lose; an unreadable one fails in store.Open
	}
	if !sc.BackupEnabled {
		logger.Warn("backups are disabled; migrating without a pre-migration backup", "from_version", version, "pending", pending)
		return "", nil
	}
	prefix := fmt.Sprintf("%s-pre-migrate-%d", defaultBackupPrefix, version)
	file, size, err := store.Backup(ctx, sc.DatabasePath, sc.BackupDir, prefix, a.now())
	if err != nil {
		return "", &cliError{msg: fmt.Sprintf("Could not back up the database before migrating it: %v", err),
			hint: "Fix the backup directory (paperclip doctor), or set PAPERCLIP_DB_BACKUP_ENABLED=false to migrate without a backup."}
	}
	logger.Info("pre-migration backup written", "file", file, "size_bytes", size, "from_version", version, "pending", pending)
	a.printf("Pre-migration backup written: %s (%s)\n", file, humanSize(size))
	return file, nil
}
