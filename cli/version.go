package cli

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
)

// version and commit are set at link time:
//
//	go build -ldflags "-X paperclip/cli.version=1.2.3 -X paperclip/cli.commit=abc1234"
//
// They are the only package-level variables of cli, and only the linker writes them.
var (
	version = "dev"
	commit  = "unknown"
)

var pseudoVersionRe = regexp.MustCompile(`\d{14}-[0-9a-f]{12}`)

// buildVersion returns the version and commit, falling back to what the Go toolchain
// recorded in the binary (module version, vcs.revision) when ldflags were not used.
func buildVersion() (string, string) {
	v, c := version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		// A tagged release names itself; untagged builds get a pseudo-version
		// (v0.0.0-<time>-<rev>) that says less than "dev" plus the commit.
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" && !pseudoVersionRe.MatchString(info.Main.Version) {
			v = info.Main.Version
		}
		if c == "unknown" {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" && s.Value != "" {
					c = s.Value
					if len(c) > 12 {
						c = c[:12]
					}
				}
			}
		}
	}
	return v, c
}

// versionLine is what -V/--version prints after "paperclip ".
func versionLine() string {
	v, c := buildVersion()
	return fmt.Sprintf("%s (%s, %s/%s)", v, c, runtime.GOOS, runtime.GOARCH)
}
