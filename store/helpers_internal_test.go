package store

import (
	"context"
	"testing"
)

// openInternal opens a store on a new database file in a temp dir for the package's
// internal tests and closes it when the test ends.
func openInternal(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir()+"/paperclip.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// boardActor is ctx acting as the local board, as the local trusted mode's requests do.
func boardActor(ctx context.Context) context.Context {
	return NewContextWithActor(ctx, Actor{Kind: ActorBoard, Source: "local_implicit", UserID: LocalBoardUserID, InstanceAdmin: true})
}
