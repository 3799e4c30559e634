package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// rotatingFile is server.log rotated by size: server.log → server.log.1 → … →
// server.log.<maxFiles>, the oldest dropped (§6.7).
type rotatingFile struct {
	mu       sync.Mutex
	path     string
	maxBytes int64
	maxFiles int
	f        *os.File
	size     int64
}

func openRotating(path string, maxBytes int64, maxFiles int) (*rotatingFile, error) {
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return nil, err
	}
	r := &rotatingFile{path: path, maxBytes: maxBytes, maxFiles: maxFiles}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	r.f, r.size = f, info.Size()
	return nil
}

func (r *rotatingFile) rotate() error {
	if err := r.f.Close(); err != nil {
		return err
	}
	os.Remove(fmt.Sprintf("%s.%d", r.path, r.maxFiles))
	for i := r.maxFiles - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
	}
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		return err
	}
	return r.open()
}

// Write appends one log record, rotating first when it would overflow the file.
func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.maxBytes {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// Close flushes and closes the current file.
func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	r.f.Sync()
	err := r.f.Close()
	r.f = nil
	return err
}

// newServerLogger writes JSON lines to logs/server.log and, when stderr is a terminal,
// readable text there too.
func (a *app) newServerLogger(set *settings) (*slog.Logger, io.Closer, error) {
	file, err := openRotating(set.serverLogPath(), int64(set.LogMaxSizeMB)<<20, set.LogMaxFiles)
	if err != nil {
		return nil, nil, err
	}
	opts := &slog.HandlerOptions{Level: set.LogLevel}
	var h slog.Handler = slog.NewJSONHandler(file, opts)
	if a.stderrTTY {
		h = slog.NewMultiHandler(h, slog.NewTextHandler(a.stderr, opts))
	}
	return slog.New(h), file, nil
}
