package heartbeat

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"paperclip/store"
)

// DefaultRunLogMaxTotalBytes bounds the whole run-log directory when the config sets
// no bound.
const DefaultRunLogMaxTotalBytes = 5 << 30

// Housekeep is the daily cleanup (runtime.md §12.4): run logs older than the retention
// go, then the oldest logs until the directory fits its size bound; skipped and
// coalesced wakeups older than 30 days and old run events are deleted.
func (s *Scheduler) Housekeep(ctx context.Context) {
	now := s.cfg.Now()
	cutoff := store.FormatTime(now.AddDate(0, 0, -s.cfg.RunLogRetentionDays))
	removed := 0
	if files, err := s.store.FindRunLogsFinishedBefore(ctx, cutoff); err == nil {
		for _, f := range files {
			if strings.Contains(f.LogRef, "..") {
				continue
			}
			if os.Remove(filepath.Join(s.cfg.RunLogDir, filepath.FromSlash(f.LogRef))) == nil {
				removed++
			}
		}
	} else {
		s.logger.Warn("list expired run logs failed", "error", err.Error())
	}
	removed += s.boundRunLogDir()
	pruned, err := s.store.PruneRuntimeRows(ctx, store.FormatTime(now.AddDate(0, 0, -30)), cutoff)
	if err != nil {
		s.logger.Warn("prune runtime rows failed", "error", err.Error())
	}
	s.logger.Info("heartbeat housekeeping", "run_logs_removed", removed, "rows_pruned", pruned)
}

// boundRunLogDir deletes the oldest run logs, never those of executing runs, until the
// directory holds at most RunLogMaxTotalBytes.
func (s *Scheduler) boundRunLogDir() int {
	limit := s.cfg.RunLogMaxTotalBytes
	if limit <= 0 {
		limit = DefaultRunLogMaxTotalBytes
	}
	type file struct {
		path string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	filepath.WalkDir(s.cfg.RunLogDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".ndjson") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		files = append(files, file{path, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if total <= limit {
		return 0
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	s.mu.Lock()
	live := map[string]bool{}
	for id := range s.active {
		live[id+".ndjson"] = true
	}
	s.mu.Unlock()
	removed := 0
	for _, f := range files {
		if total <= limit {
			break
		}
		if live[filepath.Base(f.path)] {
			continue
		}
		if os.Remove(f.path) == nil {
			total -= f.size
			removed++
		}
	}
	return removed
}
