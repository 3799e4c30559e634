package heartbeat_test

import "os/exec"

// orphanCommand runs the tree script with a POSIX sh (Git for Windows provides one);
// Windows has no process groups to detach it into.
func orphanCommand(script string) *exec.Cmd { return exec.Command("sh", "-c", script) }
