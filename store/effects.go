package store

import (
	"slices"
	"sync"
)

// Publisher is the seam for live events: store calls it after commit, never inside a
// transaction, so a slow subscriber cannot hold the write lock.
type Publisher interface {
	PublishActivity(a Activity)
}

// Waker is the seam the heartbeat runtime subscribes through. Wake is called after
// commit, outside any transaction, at most once per agent per store call.
type Waker interface {
	Wake(w Wake)
}

// RunStopper is told about runs that store marked cancelled (issue cancelled, board
// interrupt, agent paused or terminated, company archived or deleted) so the runtime
// can stop their processes. Called after commit.
type RunStopper interface {
	StopRun(runID string)
}

// Hooks are the receivers of a transaction's effects. Any of them may be nil: the
// effect is then dropped, which is what a store without a runtime wants.
type Hooks struct {
	Publisher  Publisher
	Waker      Waker
	RunStopper RunStopper
}

func (h Hooks) empty() bool { return h.Publisher == nil && h.Waker == nil && h.RunStopper == nil }

// hookState guards the hooks against being swapped under a running write.
type hookState struct {
	mu    sync.Mutex
	hooks Hooks
	set   bool // hooks came from Options or SetHooks; a second set is a bug
	wrote bool // a write has begun, so hooks are fixed from now on
}

// SetHooks installs the hooks of a store opened without them. It exists for the one
// case Options cannot serve: a receiver built from the store itself (the heartbeat
// scheduler reads agents and runs through it, the live hub may too), so it cannot exist
// when Open runs. The composition root calls it once, before any write and before the
// listener opens; a second call, a call on a store opened with hooks, or a call after
// the first write panics, because effects committed before it would have been dropped
// silently and a hook swapped at run time would split one transaction's effects.
func (s *Store) SetHooks(h Hooks) {
	s.hookState.mu.Lock()
	defer s.hookState.mu.Unlock()
	switch {
	case s.hookState.set:
		panic("store: SetHooks called on a store whose hooks are already set")
	case s.hookState.wrote:
		panic("store: SetHooks called after the first write")
	}
	s.hookState.hooks, s.hookState.set = h, true
}

// beginWrite fixes the hooks for this and every later write and returns them.
func (s *Store) beginWrite() Hooks {
	s.hookState.mu.Lock()
	defer s.hookState.mu.Unlock()
	s.hookState.wrote = true
	return s.hookState.hooks
}

// The effects of a transaction are recorded on its Tx while it runs and delivered by
// deliver only once it has committed; a rolled-back Tx is dropped with them. Activities
// are recorded by insertActivity, wakes by wake (which merges them per agent), run stops
// by stopRun, and anything else (file removal) by afterCommit.

// afterCommit registers work (file removal, notifications) that must only happen
// once the transaction is durable.
func (tx *Tx) afterCommit(fn func()) { tx.afterFns = append(tx.afterFns, fn) }

// stopRun records that the transaction cancelled a run whose process must be stopped.
// Every cascade that cancels runs (issue, agent, company) goes through it.
func (tx *Tx) stopRun(runID string) {
	if !slices.Contains(tx.stopped, runID) {
		tx.stopped = append(tx.stopped, runID)
	}
}

// deliver hands the effects of a committed transaction to the hooks, in a fixed order:
// local work first, then activity (live events), run stops, wakes — so a runtime that
// is told to stop a run and to wake its agent sees the stop first.
func (tx *Tx) deliver(h Hooks) {
	for _, fn := range tx.afterFns {
		fn()
	}
	if h.Publisher != nil {
		for _, a := range tx.activities {
			h.Publisher.PublishActivity(a)
		}
	}
	if h.RunStopper != nil {
		for _, id := range tx.stopped {
			h.RunStopper.StopRun(id)
		}
	}
	if h.Waker != nil {
		for _, w := range tx.wakes {
			h.Waker.Wake(w)
		}
	}
}
