package store_test

import (
	"context"
	"testing"

	"paperclip/store"
)

// TestCensorSettingFollowsUpdates: the cached censorUsernameInLogs reads the default
// before any write and the new value right after each update.
func TestCensorSettingFollowsUpdates(t *testing.T) {
	st := MustOpen(t)
	ctx := context.Background()
	read := func() bool {
		t.Helper()
		on, err := st.CensorUsernameInLogs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return on
	}
	if read() {
		t.Fatal("censor on by default")
	}
	for _, want := range []bool{true, true, false, true} {
		if _, err := st.UpdateInstanceSettings(ctx, "instance.settings.general_updated",
			store.SettingsPatch{General: map[string]any{"censorUsernameInLogs": want}}); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != want {
			t.Fatalf("after setting %v the store reads %v", want, got)
		}
		// A second read comes from the cache and agrees.
		if got := read(); got != want {
			t.Fatalf("cached read %v, want %v", got, want)
		}
	}
	if _, err := st.UpdateInstanceSettings(ctx, "instance.settings.general_updated",
		store.SettingsPatch{General: map[string]any{"keyboardShortcuts": true}}); err != nil || !read() {
		t.Fatalf("an unrelated update changed the censor: %v", err)
	}
}

// TestCensorSettingCacheUnderConcurrentReads: readers racing updates never leave a
// stale value cached once the updates are over.
func TestCensorSettingCacheUnderConcurrentReads(t *testing.T) {
	st := MustOpen(t)
	ctx := context.Background()
	stop := make(chan struct{})
	done := make(chan struct{})
	for i := 0; i < 4; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for {
				select {
				case <-stop:
					return
				default:
					st.CensorUsernameInLogs(ctx)
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		if _, err := st.UpdateInstanceSettings(ctx, "instance.settings.general_updated",
			store.SettingsPatch{General: map[string]any{"censorUsernameInLogs": i%2 == 0}}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	for i := 0; i < 4; i++ {
		<-done
	}
	// The last update set false (i = 19).
	if on, err := st.CensorUsernameInLogs(ctx); err != nil || on {
		t.Fatalf("after the updates: %v %v", on, err)
	}
}
