package heartbeat

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the copy goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

// The spawn hook runs before any output is taken: the child has already printed (it
// marks that with a file) and still nothing reached the writer.
func TestSpawnHookRunsBeforeOutputIsRead(t *testing.T) {
	if _, err := LookPathIn("sh", os.Environ()); err != nil {
		t.Skip("needs sh")
	}
	wrote := filepath.Join(t.TempDir(), "wrote")
	out := &lockedBuffer{}
	seen := -1
	res, err := RunProcess(context.Background(), ProcSpec{Command: "sh", Args: []string{"-c", "echo early; touch " + wrote},
		Env: os.Environ(), Stdout: out, OnSpawn: func(pid, pgid int, _ time.Time) {
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, err := os.Stat(wrote); err == nil || time.Now().After(deadline) {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			seen = out.Len()
		}})
	if err != nil || res.ExitCode == nil || *res.ExitCode != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if seen != 0 || out.Len() == 0 {
		t.Fatalf("output before the spawn hook returned: %d bytes; after: %d", seen, out.Len())
	}
}
