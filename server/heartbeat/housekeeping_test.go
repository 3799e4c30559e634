package heartbeat_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

func TestHousekeepingBoundsTheRunLogDir(t *testing.T) {
	var offset time.Duration
	r := newRuntime(t, func(c *heartbeat.Config) {
		c.Now = func() time.Time { return time.Now().Add(offset) }
		c.RunLogRetentionDays, c.RunLogMaxTotalBytes = 30, 4096
	})
	a := r.shAgent("Chatty", "echo hello", nil)
	run := r.waitDone(r.invoke(a.ID, nil).Run.ID)
	path := filepath.Join(r.dir, "run-logs", filepath.FromSlash(deref(run.LogRef)))
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	// Within retention but over the size bound: the oldest log goes, the newer stays.
	stray := filepath.Join(r.dir, "run-logs", "x", "y", "old.ndjson")
	os.MkdirAll(filepath.Dir(stray), 0o700)
	os.WriteFile(stray, make([]byte, 5000), 0o600)
	os.Chtimes(stray, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
	r.sch.Housekeep(context.Background())
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("the oldest log survived the size bound: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("a log within both bounds was removed: %v", err)
	}
	// Past retention, the run's own log goes and the route would answer 404.
	offset = 31 * 24 * time.Hour
	r.sch.Housekeep(context.Background())
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("expired run log survived: %v", err)
	}
	if _, _, err := heartbeat.ReadRunLog(filepath.Join(r.dir, "run-logs"), deref(run.LogRef), 0, 100, nil); err != heartbeat.ErrLogNotFound {
		t.Errorf("read after expiry: %v", err)
	}
	if got, _ := r.st.FindHeartbeatRunByID(context.Background(), run.ID); got.Status != store.RunSucceeded || got.LogRef == nil {
		t.Errorf("the run row keeps its logRef: %v", got.LogRef)
	}
}
