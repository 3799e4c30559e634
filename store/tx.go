package store

import (
	"context"
	"database/sql"
	"time"
)

// Tx is one write transaction: a fixed clock reading, the acting actor, and the
// effects recorded so far (activity rows, wakes, run stops, after-commit work), which
// deliver hands to the store's hooks once the transaction has committed.
type Tx struct {
	*sql.Tx
	ctx        context.Context
	now        time.Time
	actor      Actor
	activities []Activity
	afterFns   []func()
	wakes      []Wake
	stopped    []string
	// stmts is the writer's statement cache; missed are the cacheable texts this
	// transaction ran unprepared, prepared by write once the connection is free.
	stmts  *stmtCache
	missed []string
}

// Now is the transaction's timestamp text.
func (tx *Tx) Now() string { return FormatTime(tx.now) }

// write runs fn in one BEGIN IMMEDIATE transaction on the single writer connection.
func (s *Store) write(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return s.runWrite(ctx, sqlTx, nil, fn)
}

// runWrite runs fn in the begun transaction sqlTx and commits it. release, when set,
// hands the writer connection back to the pool as soon as the transaction has ended:
// the hooks delivered after commit may write, and the statements the transaction
// missed are prepared on the pool, and either needs the pool's one connection.
func (s *Store) runWrite(ctx context.Context, sqlTx *sql.Tx, release func(), fn func(tx *Tx) error) error {
	hooks := s.beginWrite()
	tx := &Tx{Tx: sqlTx, ctx: ctx, now: s.Now(), actor: ActorFromContext(ctx), stmts: s.wstmts}
	ended := func() {
		if release != nil {
			release()
			release = nil
		}
	}
	defer func() {
		sqlTx.Rollback()
		ended()
		if len(tx.missed) > 0 {
			s.wstmts.prepareMissed(tx.missed)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	ended()
	s.commits.Add(1)
	tx.deliver(hooks)
	return nil
}
