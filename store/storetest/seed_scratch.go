package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// SQLite has one writer per file, so a seed on one connection uses one core. A part
// of the seed that depends on nothing the seed's transaction writes, and costs more
// to build than to copy, is built at the same time in a scratch file on its own
// connection and copied into the transaction at the end: the search index
// (seed_search.go). The activity log was tried too and not kept: its copy cost the
// seed's transaction 6 s of the 11 s it saved, for 17 s of CPU beside it.

// scratchBuild is one such build running in the background.
type scratchBuild struct {
	what   string
	schema string // the alias of the scratch file attached to the seed's connection
	done   chan struct{}
	err    error // set before done is closed
}

// startScratch attaches a new scratch file in dir to conn as schema (scratch files
// must be attached before the seed's transaction begins) and runs build on its own
// connection to that file in the background.
func startScratch(ctx context.Context, conn *sql.Conn, dir, schema, what string, build func(ctx context.Context, db *sql.DB) error) (*scratchBuild, error) {
	path := filepath.Join(dir, schema+".db")
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS `+schema, path); err != nil {
		return nil, err
	}
	b := &scratchBuild{what: what, schema: schema, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		// Nothing in a scratch file survives a crash, so it has no journal and no syncs.
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)"+
			"&_pragma=cache_size(-1000000)&_pragma=temp_store(memory)")
		if err != nil {
			b.err = err
			return
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		b.err = build(ctx, db)
	}()
	return b, nil
}

// wait returns the build's error once it has ended.
func (b *scratchBuild) wait() error {
	<-b.done
	if b.err != nil {
		return fmt.Errorf("seed: building %s: %w", b.what, b.err)
	}
	return nil
}

// finishScratch waits for every build still running (after an error the context is
// cancelled first), detaches the scratch files from conn and deletes them.
func finishScratch(conn *sql.Conn, dir string, builds []*scratchBuild) {
	for _, b := range builds {
		<-b.done
	}
	for _, b := range builds {
		conn.ExecContext(context.Background(), `DETACH DATABASE `+b.schema)
	}
	os.RemoveAll(dir)
}
