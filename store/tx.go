package store

import (
	"context"
	"database/sql"
	"time"
)

// Tx is one write transaction: a fixed clock reading, the acting actor, and the
// activity rows written so far (published after commit).
type Tx struct {
	*sql.Tx
	ctx        context.Context
	now        time.Time
	actor      Actor
	activities []Activity
	afterFns   []func()
	wakes      []Wake
	stopped    []string
}

// Now is the transaction's timestamp text.
func (tx *Tx) Now() string { return FormatTime(tx.now) }

// afterCommit registers work (file removal, notifications) that must only happen
// once the transaction is durable.
func (tx *Tx) afterCommit(fn func()) { tx.afterFns = append(tx.afterFns, fn) }

// write runs fn in one BEGIN IMMEDIATE transaction on the single writer connection.
func (s *Store) write(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{Tx: sqlTx, ctx: ctx, now: s.Now(), actor: ActorFromContext(ctx)}
	defer sqlTx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	for _, fn := range tx.afterFns {
		fn()
	}
	if s.Publisher != nil {
		for _, a := range tx.activities {
			s.Publisher.PublishActivity(a)
		}
	}
	if s.RunStopper != nil {
		for _, id := range tx.stopped {
			s.RunStopper.StopRun(id)
		}
	}
	if s.Waker != nil {
		for _, w := range tx.wakes {
			s.Waker.Wake(w)
		}
	}
	return nil
}
