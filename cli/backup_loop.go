package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"paperclip/store"
)

// backupLoop takes the server's automatic backups (§5.5): every interval, first one
// interval after start, skipped while the database and its WAL are unchanged since the
// last backup, pruning after each. A failure leaves backupFailedMarker in the backup
// dir (read by /api/health and doctor); the next success removes it.
type backupLoop struct {
	dbPath        string
	dir           string
	prefix        string
	retentionDays int
	interval      time.Duration
	now           func() time.Time
	logger        *slog.Logger

	// last is the database state the previous successful backup saw.
	last    dbState
	hasLast bool
}

// dbState identifies the content of a database by its file and WAL sizes and times;
// writers always change at least one of them.
type dbState struct {
	dbSize, dbMod   int64
	walSize, walMod int64
}

func readDBState(path string) (dbState, error) {
	var s dbState
	info, err := os.Stat(path)
	if err != nil {
		return s, err
	}
	s.dbSize, s.dbMod = info.Size(), info.ModTime().UnixNano()
	if wal, err := os.Stat(path + "-wal"); err == nil {
		s.walSize, s.walMod = wal.Size(), wal.ModTime().UnixNano()
	}
	return s, nil
}

// start runs the loop in a goroutine; stop cancels it and waits until a backup in
// progress has ended, so the database can be closed after it.
func (l *backupLoop) start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

func (l *backupLoop) run(ctx context.Context) {
	t := time.NewTicker(l.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.tick(ctx)
		}
	}
}

// tick takes one backup unless nothing changed; it reports whether it wrote one.
func (l *backupLoop) tick(ctx context.Context) (bool, error) {
	state, serr := readDBState(l.dbPath)
	if serr == nil && l.hasLast && state == l.last {
		l.logger.Debug("database unchanged since the last backup; skipped")
		return false, nil
	}
	now := l.now()
	file, size, err := store.Backup(ctx, l.dbPath, l.dir, l.prefix, now)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err() // shutting down: not a backup failure
		}
		l.logger.Error("database backup failed", "error", err.Error(), "dir", l.dir)
		marker := fmt.Sprintf("%s %v\n", store.FormatTime(now), err)
		if werr := os.WriteFile(filepath.Join(l.dir, backupFailedMarker), []byte(marker), 0o600); werr != nil {
			l.logger.Error("could not write the backup failure marker", "error", werr.Error())
		}
		return false, err
	}
	l.last, l.hasLast = state, serr == nil
	if err := os.Remove(filepath.Join(l.dir, backupFailedMarker)); err != nil && !errors.Is(err, os.ErrNotExist) {
		l.logger.Warn("could not remove the backup failure marker", "error", err.Error())
	}
	pruned, err := store.PruneBackups(l.dir, l.prefix, l.retentionDays, now)
	if err != nil {
		l.logger.Warn("pruning old backups failed", "error", err.Error())
	}
	l.logger.Info("database backup written", "file", file, "size_bytes", size, "pruned", pruned)
	return true, nil
}

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
