package heartbeat

import (
	"context"
	"fmt"
	"time"

	"paperclip/store"
)

// staleAfter is how long a running row untracked in memory may go without an update
// before the tick reaper takes it for an orphan.
const staleAfter = 5 * time.Minute

// Recover fails every running run this process does not execute (runtime.md §9): at
// boot, before the listener accepts, that is every running row. A recorded process that
// still exists and is provably the same process is stopped first, since its output
// pipes are gone. Local runs are retried once.
func (s *Scheduler) Recover(ctx context.Context) { s.reapOrphans(true) }

func (s *Scheduler) reapOrphans(boot bool) {
	ctx := store.NewContextWithActor(context.Background(), store.SystemActor("heartbeat_runtime"))
	runs, err := s.store.FindRunningRuns(ctx)
	if err != nil {
		s.logger.Warn("list running runs failed", "error", err.Error())
		return
	}
	reaped := 0
	for _, l := range runs {
		s.mu.Lock()
		_, tracked := s.active[l.ID]
		s.mu.Unlock()
		if tracked {
			continue
		}
		if !boot {
			if t, err := store.ParseTime(l.UpdatedAt); err == nil && time.Since(t) < staleAfter {
				continue
			}
		}
		msg := "Process lost -- server restarted"
		if pgid, ok := sameProcess(l); ok {
			StopGroup(pgid, 10*time.Second)
			msg = fmt.Sprintf("Process lost -- orphaned process group %d was terminated", pgid)
		}
		settled, err := s.store.FailLostRun(ctx, l.ID, msg, l.AdapterType != store.AdapterHTTP)
		if err != nil {
			s.logger.Warn("fail lost run failed", "run_id", l.ID, "error", err.Error())
			continue
		}
		reaped++
		s.publishSettled(settled)
	}
	if reaped > 0 {
		s.logger.Info("reaped orphaned heartbeat runs", "count", reaped)
	}
}

// sameProcess reports whether a lost run's recorded process still runs and is the one
// the run started (its start time within 2 s of the recorded one), so a recycled pid
// is never signalled; it returns the group to stop.
func sameProcess(l store.LostRun) (int, bool) {
	if l.ProcessPID == nil || l.ProcessStartedAt == nil {
		return 0, false
	}
	pid := int(*l.ProcessPID)
	pgid := pid
	if l.ProcessGroupID != nil {
		pgid = int(*l.ProcessGroupID)
	}
	recorded, err := store.ParseTime(*l.ProcessStartedAt)
	if err != nil {
		return 0, false
	}
	if ProcessAlive(pid) {
		started, ok := ProcessStartTime(pid)
		if !ok {
			return 0, false
		}
		d := started.Sub(recorded)
		return pgid, d < 2*time.Second && d > -2*time.Second
	}
	// The leader is gone but its group may live on (a grandchild); the group id is the
	// dead leader's pid, which cannot be reused as a group id while members exist.
	return pgid, GroupAlive(pgid)
}
