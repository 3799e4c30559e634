package heartbeat_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// fakeClaude and fakeCodex are the fake CLIs of the adapter packages, built once.
var fakeClaude, fakeCodex string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "heartbeat-fakes-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fakeClaude, fakeCodex = filepath.Join(dir, "claude"), filepath.Join(dir, "codex")
	for out, pkg := range map[string]string{fakeClaude: "../adapter/claude/testdata/fakeclaude", fakeCodex: "../adapter/codex/testdata/fakecodex"} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, b)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
