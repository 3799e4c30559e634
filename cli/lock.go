package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// errLockHeld means another process holds the instance lock.
var errLockHeld = errors.New("instance lock is held by another process")

// lockInfo is the content of server.lock (§6.3).
type lockInfo struct {
	PID       int    `json:"pid"`
	URL       string `json:"url"`
	StartedAt string `json:"startedAt"`
	Version   string `json:"version"`
}

// instanceLock is the single-instance lock: an exclusive OS lock on server.lock held for
// the server's lifetime. The OS drops it when the process dies, so a leftover file
// without a lock is stale and simply locked again.
type instanceLock struct {
	f *os.File
}

// acquireLock takes the lock without waiting; errLockHeld when another process has it.
func acquireLock(path string) (*instanceLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return &instanceLock{f: f}, nil
}

// write replaces the lock file content in place; a rename would swap the inode and
// leave the OS lock on the old one.
func (l *instanceLock) write(info lockInfo) error {
	data, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	if _, err := l.f.WriteAt(append(data, '\n'), 0); err != nil {
		return err
	}
	return l.f.Sync()
}

// release empties the file and drops the lock. The file itself stays: removing it could
// race with a process that just opened it.
func (l *instanceLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// readLockInfo reads the content a running server wrote.
func readLockInfo(path string) (lockInfo, error) {
	var info lockInfo
	data, err := os.ReadFile(path)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return info, fmt.Errorf("parse %s: %w", path, err)
	}
	return info, nil
}

// probeLock reports whether a server of this instance is running, and where.
func probeLock(path string) (bool, lockInfo, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, lockInfo{}, nil
	}
	l, err := acquireLock(path)
	if errors.Is(err, errLockHeld) {
		info, _ := readLockInfo(path)
		return true, info, nil
	}
	if err != nil {
		return false, lockInfo{}, err
	}
	return false, lockInfo{}, l.release()
}
