package store_test

import (
	"slices"
	"sync"
	"testing"

	"paperclip/store"
)

// stopProbe is a RunStopper that reads each stopped run's status through the store's
// reader pool when told: a run still "running" there would mean the stop was delivered
// before the transaction committed.
type stopProbe struct {
	mu       sync.Mutex
	s        *store.Store
	stopped  []string
	statuses []string
}

func (p *stopProbe) StopRun(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = append(p.stopped, id)
	status := "missing"
	if run, err := p.s.FindHeartbeatRunByID(boardCtx(), id); err == nil {
		status = run.Status
	}
	p.statuses = append(p.statuses, status)
}

func (p *stopProbe) take() (ids, statuses []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ids, statuses = p.stopped, p.statuses
	p.stopped, p.statuses = nil, nil
	return ids, statuses
}

// TestCascadeRunStopsAfterCommit: agent and company cascades record their cancelled
// runs on the transaction and the RunStopper hears of them once they are committed.
func TestCascadeRunStopsAfterCommit(t *testing.T) {
	probe := &stopProbe{}
	s := MustOpen(t, store.Options{RunStopper: probe})
	probe.s = s
	ctx := boardCtx()
	c := mustCompany(t, s, "Stops")

	doomed := insertAgent(t, s, c.ID, "Doomed", "engineer", "running")
	run := insertRun(t, s, c.ID, doomed, "running")
	insertRun(t, s, c.ID, doomed, "succeeded")
	if _, err := s.TerminateAgent(ctx, doomed); err != nil {
		t.Fatal(err)
	}
	if ids, st := probe.take(); !slices.Equal(ids, []string{run}) || !slices.Equal(st, []string{"cancelled"}) {
		t.Fatalf("terminate stopped %v (statuses %v), want [%s] cancelled", ids, st, run)
	}

	paused := insertAgent(t, s, c.ID, "Paused", "engineer", "running")
	queued := insertRun(t, s, c.ID, paused, "queued")
	if _, err := s.PauseAgent(ctx, paused); err != nil {
		t.Fatal(err)
	}
	if ids, _ := probe.take(); !slices.Equal(ids, []string{queued}) {
		t.Fatalf("pause stopped %v, want [%s]", ids, queued)
	}

	worker := insertAgent(t, s, c.ID, "Worker", "engineer", "running")
	live := insertRun(t, s, c.ID, worker, "running")
	if _, err := s.ArchiveCompany(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if ids, st := probe.take(); !slices.Equal(ids, []string{live}) || !slices.Equal(st, []string{"cancelled"}) {
		t.Fatalf("archive stopped %v (statuses %v), want [%s] cancelled", ids, st, live)
	}

	// Nothing left to stop: a second archive and a delete of a company without live
	// runs deliver nothing.
	if _, err := s.ArchiveCompany(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCompany(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if ids, _ := probe.take(); len(ids) != 0 {
		t.Fatalf("no live runs, yet stopped %v", ids)
	}
}

func TestSetHooksIsOneShot(t *testing.T) {
	mustPanic := func(name string, fn func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Fatalf("%s: no panic", name)
			}
		}()
		fn()
	}
	rec := &recorder{}
	s := MustOpen(t)
	s.SetHooks(store.Hooks{RunStopper: rec})
	mustPanic("second call", func() { s.SetHooks(store.Hooks{RunStopper: rec}) })

	opened := MustOpen(t, store.Options{Waker: rec})
	mustPanic("store opened with hooks", func() { opened.SetHooks(store.Hooks{RunStopper: rec}) })

	written := MustOpen(t)
	mustCompany(t, written, "Early")
	mustPanic("after a write", func() { written.SetHooks(store.Hooks{RunStopper: rec}) })

	// Hooks set before the first write receive that write's effects.
	c := mustCompany(t, s, "Hooked")
	a := insertAgent(t, s, c.ID, "Bot", "engineer", "running")
	run := insertRun(t, s, c.ID, a, "running")
	if _, err := s.TerminateAgent(boardCtx(), a); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.stopped, []string{run}) {
		t.Fatalf("stopped %v, want [%s]", rec.stopped, run)
	}
}
