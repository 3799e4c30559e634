package server

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

// BackupFailedMarker is left in the backup dir by a failed automatic backup; /api/health
// and doctor report it, and the next successful backup removes it.
const BackupFailedMarker = ".last-backup-failed"

// BackupPrefix starts every backup file name (paperclip-YYYYMMDD-HHMMSS.db.gz).
const BackupPrefix = "paperclip"

// backupLoop takes the server's automatic backups (§5.5): every interval, first one
// interval after start, skipped while the database and its WAL are unchanged since the
// last backup, pruning after each. A failure leaves BackupFailedMarker in the backup
// dir; the next success removes it.
type backupLoop struct {
	dbPath        string
	dir           string
	prefix        string
	retentionDays int
	interval      time.Duration
	now           func() time.Time
	logger        *slog.Logger
	// commits reads the server's own commit counter (Store.CommitCount); nil in
	// tests of a loop over a file nobody writes through a Store.
	commits func() uint64

	// last is the database state the previous successful backup saw.
	last    dbState
	hasLast bool
}

// dbState identifies the content of a database: the server's own commit count, which
// is exact, and the file and WAL sizes and times, which also catch writers outside this
// process but can be read while a commit's frames are in the WAL and not yet visible.
type dbState struct {
	commits         uint64
	dbSize, dbMod   int64
	walSize, walMod int64
}

func (l *backupLoop) readDBState() (dbState, error) {
	var s dbState
	if l.commits != nil {
		s.commits = l.commits()
	}
	path := l.dbPath
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

// run is the loop as a Component: it returns once ctx is cancelled and a backup in
// progress has ended, so the database can be closed after it.
func (l *backupLoop) run(ctx context.Context) error {
	t := time.NewTicker(l.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			l.tick(ctx)
		}
	}
}

// tick takes one backup unless nothing changed; it reports whether it wrote one.
func (l *backupLoop) tick(ctx context.Context) (bool, error) {
	state, serr := l.readDBState()
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
		if werr := os.WriteFile(filepath.Join(l.dir, BackupFailedMarker), []byte(marker), 0o600); werr != nil {
			l.logger.Error("could not write the backup failure marker", "error", werr.Error())
		}
		return false, err
	}
	l.last, l.hasLast = state, serr == nil
	if err := os.Remove(filepath.Join(l.dir, BackupFailedMarker)); err != nil && !errors.Is(err, os.ErrNotExist) {
		l.logger.Warn("could not remove the backup failure marker", "error", err.Error())
	}
	pruned, err := store.PruneBackups(l.dir, l.prefix, l.retentionDays, now)
	if err != nil {
		l.logger.Warn("pruning old backups failed", "error", err.Error())
	}
	l.logger.Info("database backup written", "file", file, "size_bytes", size, "pruned", pruned)
	return true, nil
}
