package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"paperclip/store"
)

// TestImportJobsBounded: the registry keeps at most importJobCap jobs, making room by
// dropping the oldest finished one, and refuses a new job when all are running.
func TestImportJobsBounded(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	j := newImportJobs(func() time.Time { return clock }, slog.New(slog.DiscardHandler))
	defer j.close()
	done := func(context.Context) (store.ImportResult, error) { return store.ImportResult{}, nil }
	var first string
	for i := 0; i < importJobCap; i++ {
		clock = clock.Add(time.Second)
		job, err := j.start(fmt.Sprint("user-", i), "sig", store.Actor{}, done)
		if err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
		if i == 0 {
			first = job.id
		}
		j.wg.Wait()
	}
	clock = clock.Add(time.Second)
	if _, err := j.start("user-new", "sig", store.Actor{}, done); err != nil {
		t.Fatalf("a full registry of finished jobs refused a new one: %v", err)
	}
	j.wg.Wait()
	if _, ok := j.get("user-0", first); ok || len(j.jobs) != importJobCap {
		t.Fatalf("oldest finished job kept (%v) or registry at %d", ok, len(j.jobs))
	}

	// Every slot running: a new job is refused with 429, not queued without bound.
	for id := range j.jobs {
		delete(j.jobs, id) // all finished: no goroutine uses them
	}
	block := func(ctx context.Context) (store.ImportResult, error) {
		<-ctx.Done()
		return store.ImportResult{}, ctx.Err()
	}
	for i := 0; i < importJobCap; i++ {
		if _, err := j.start(fmt.Sprint("runner-", i), "sig", store.Actor{}, block); err != nil {
			t.Fatalf("running job %d: %v", i, err)
		}
	}
	_, err := j.start("one-more", "sig", store.Actor{}, block)
	var e *store.Error
	if !errors.As(err, &e) || e.Code != store.ETOOMANY {
		t.Fatalf("over the cap: %v", err)
	}
	j.close()
	for _, job := range j.jobs {
		if job.status != importJobFailed || job.failure == nil {
			t.Fatalf("job after close: %+v", job)
		}
	}
	if _, err := j.start("late", "sig", store.Actor{}, done); !errors.Is(err, errImportsClosed) {
		t.Fatalf("start after close: %v", err)
	}
}
