package fakecli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Build compiles the fake program in pkgDir into a new temporary directory as name
// (".exe" added on Windows) and returns its path with a cleanup that removes it; an
// adapter package's TestMain builds its fake once this way.
func Build(pkgDir, name string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "fake"+name+"-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	path := filepath.Join(dir, name)
	if runtime.GOOS == "windows" {
		path += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", path, pkgDir).CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("build %s: %v\n%s", pkgDir, err, out)
	}
	return path, cleanup, nil
}

// Run runs a built fake the way an adapter runs its CLI: args, the prompt on stdin,
// stdout streamed into a parser, in dir with the test environment plus env. It
// returns stderr and the exit code; err is for a fake that could not run at all.
func Run(path string, args []string, dir, prompt string, stdout io.Writer, env ...string) (string, int, error) {
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(prompt)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return stderr.String(), ee.ExitCode(), nil
	}
	return stderr.String(), 0, err
}
