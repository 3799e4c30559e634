package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Database backups (cli.md §5.5, §5.6): gzip-compressed consistent snapshots named
// <prefix>-<YYYYMMDD>-<HHMMSS>.db.gz (UTC). The snapshot itself comes from
// dialect_sqlite.go; this file handles files only.

// BackupSuffix ends every backup file name.
const BackupSuffix = ".db.gz"

// BackupKeepNewest is how many backups pruning always keeps, however old.
const BackupKeepNewest = 3

// backupStampLayout is the UTC timestamp inside a backup file name.
const backupStampLayout = "20060102-150405"

var (
	// ErrNoDatabase means there is no database file to back up yet.
	ErrNoDatabase = errors.New("database file does not exist")
	// ErrBackupCorrupt means a backup failed to decompress or its integrity check.
	ErrBackupCorrupt = errors.New("backup is damaged")
	// ErrBackupTooNew means a backup has a schema newer than this binary knows.
	ErrBackupTooNew = errors.New("backup was made by a newer paperclip")
)

// BackupName is the file name of a backup taken at now.
func BackupName(prefix string, now time.Time) string {
	return prefix + "-" + now.UTC().Format(backupStampLayout) + BackupSuffix
}

// Backup writes a gzip-compressed consistent snapshot of the database at dbPath into
// dir as BackupName(prefix, now) and returns its path and size. It works while a
// server uses the database. The file appears complete or not at all (temp file,
// fsync, rename) with mode 0600; a backup of the same second is replaced.
func Backup(ctx context.Context, dbPath, dir, prefix string, now time.Time) (file string, size int64, err error) {
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return "", 0, ErrNoDatabase
	} else if err != nil {
		return "", 0, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("create backup directory: %w", err)
	}
	name := BackupName(prefix, now)
	file = filepath.Join(dir, name)
	snap := filepath.Join(dir, "."+name+".tmp")
	part := filepath.Join(dir, "."+name+".part")
	os.Remove(snap) // leftovers of an interrupted run; VACUUM INTO needs an empty target
	os.Remove(part)
	defer os.Remove(snap)
	// Created first so the uncompressed snapshot is never readable by others.
	f, err := os.OpenFile(snap, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", 0, fmt.Errorf("create snapshot file: %w", err)
	}
	f.Close()
	if err := vacuumInto(ctx, dbPath, snap); err != nil {
		return "", 0, err
	}
	if err := gzipFile(ctx, snap, part); err != nil {
		os.Remove(part)
		return "", 0, err
	}
	if err := os.Rename(part, file); err != nil {
		os.Remove(part)
		return "", 0, fmt.Errorf("store backup: %w", err)
	}
	syncDir(dir)
	info, err := os.Stat(file)
	if err != nil {
		return "", 0, err
	}
	return file, info.Size(), nil
}

// gzipFile compresses src into a new file dst (mode 0600) and syncs it to disk.
func gzipFile(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create backup file: %w", err)
	}
	defer out.Close()
	zw := gzip.NewWriter(out)
	zw.Name = strings.TrimSuffix(filepath.Base(dst), ".part")
	if _, err := io.Copy(zw, ctxReader{ctx, in}); err != nil {
		return fmt.Errorf("compress backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress backup: %w", err)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("sync backup: %w", err)
	}
	return out.Close()
}

// ctxReader stops a long copy when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// syncDir makes a rename in dir durable. Best effort: Windows cannot sync directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// BackupFile is one backup found in a backup directory.
type BackupFile struct {
	Name string
	Path string
	Size int64
	// Time is the timestamp in the name, or the modification time when the name has none.
	Time time.Time
}

// ListBackups returns the backups in dir whose names start with prefix + "-" (every
// *.db.gz file when prefix is empty), newest first. A missing dir has none.
func ListBackups(dir, prefix string) ([]BackupFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return []BackupFile{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []BackupFile{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, BackupSuffix) {
			continue
		}
		if prefix != "" && !strings.HasPrefix(name, prefix+"-") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		b := BackupFile{Name: name, Path: filepath.Join(dir, name), Size: info.Size(), Time: info.ModTime()}
		if t, ok := backupTime(name); ok {
			b.Time = t
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		return out[i].Name > out[j].Name
	})
	return out, nil
}

// backupTime reads the UTC timestamp at the end of a backup file name.
func backupTime(name string) (time.Time, bool) {
	base := strings.TrimSuffix(name, BackupSuffix)
	if len(base) < len(backupStampLayout) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(backupStampLayout, base[len(base)-len(backupStampLayout):], time.UTC)
	return t, err == nil
}

// PruneBackups deletes the backups of prefix in dir that are older than retentionDays
// at now, always keeping the newest BackupKeepNewest. It returns how many it deleted.
func PruneBackups(dir, prefix string, retentionDays int, now time.Time) (int, error) {
	files, err := ListBackups(dir, prefix)
	if err != nil {
		return 0, err
	}
	cutoff := now.Add(-time.Duration(retentionDays) * 24 * time.Hour)
	pruned := 0
	var errs []error
	for i, f := range files {
		if i < BackupKeepNewest || !f.Time.Before(cutoff) {
			continue
		}
		if err := os.Remove(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		pruned++
	}
	return pruned, errors.Join(errs...)
}

// PrepareRestore decompresses backupFile into a new temp file in dir (the database
// directory, so the final rename stays on one file system), checks its integrity and
// that its schema is not newer than this binary's. The caller owns the returned file:
// ReplaceDatabase moves it into place, or the caller removes it.
func PrepareRestore(ctx context.Context, backupFile, dir string) (tmp string, version int, err error) {
	in, err := os.Open(backupFile)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("create database directory: %w", err)
	}
	out, err := os.CreateTemp(dir, ".restore-*.db") // mode 0600
	if err != nil {
		return "", 0, err
	}
	name := out.Name()
	defer func() {
		if err != nil {
			os.Remove(name)
			for _, s := range walFiles {
				os.Remove(name + s)
			}
		}
	}()
	// A plain .db copy is accepted as well as the gzip files this package writes.
	br := bufio.NewReader(in)
	var src io.Reader = br
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			out.Close()
			return "", 0, fmt.Errorf("%w: %v", ErrBackupCorrupt, err)
		}
		src = zr
	}
	if _, err := io.Copy(out, ctxReader{ctx, src}); err != nil {
		out.Close()
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		return "", 0, fmt.Errorf("%w: %v", ErrBackupCorrupt, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return "", 0, err
	}
	if err := out.Close(); err != nil {
		return "", 0, err
	}
	version, err = checkDatabaseFile(ctx, name)
	if err != nil {
		return "", 0, err
	}
	if version > SchemaVersion() {
		return "", version, fmt.Errorf("%w (schema v%d; this binary knows v%d)", ErrBackupTooNew, version, SchemaVersion())
	}
	return name, version, nil
}

// ReplaceDatabase puts the prepared file tmp in place of the database at dbPath. The
// current database (if any) is checkpointed and moved, with any -wal and -shm files,
// to <dbPath>.before-restore-<YYYYMMDD-HHMMSS>; that path is returned ("" when there
// was no database). No process may have the database open.
func ReplaceDatabase(ctx context.Context, dbPath, tmp string, now time.Time) (previous string, err error) {
	_, statErr := os.Stat(dbPath)
	exists := statErr == nil
	if statErr != nil && !errors.Is(statErr, os.ErrNotExist) {
		return "", statErr
	}
	if exists {
		// Best effort: a damaged database is moved aside together with its WAL instead.
		checkpointFile(ctx, dbPath)
		previous = dbPath + ".before-restore-" + now.UTC().Format(backupStampLayout)
		if err := os.Rename(dbPath, previous); err != nil {
			return "", fmt.Errorf("move the current database aside: %w", err)
		}
	}
	for _, s := range walFiles {
		if _, err := os.Stat(dbPath + s); err != nil {
			continue
		}
		if previous == "" {
			os.Remove(dbPath + s) // companions of a missing database belong to nothing
			continue
		}
		if err := os.Rename(dbPath+s, previous+s); err != nil {
			return previous, fmt.Errorf("move %s aside: %w", dbPath+s, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		if previous != "" {
			os.Rename(previous, dbPath) // put the old one back rather than leave none
		}
		return "", fmt.Errorf("move the restored database into place: %w", err)
	}
	syncDir(filepath.Dir(dbPath))
	return previous, nil
}
