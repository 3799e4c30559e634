package heartbeat

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Text returns a pointer to s, for the optional Detail and Hint of a check.
func Text(s string) *string { return &s }

// Checks collects the findings of one TestEnvironment in order.
type Checks []EnvCheck

// Add appends one finding.
func (c *Checks) Add(code, level, msg string, detail, hint *string) {
	*c = append(*c, EnvCheck{Code: code, Level: level, Message: msg, Detail: detail, Hint: hint})
}

// CheckCommon are the checks every adapter shares: the working directory, when set,
// is absolute and a directory; env bindings do not try to set reserved variables.
func CheckCommon(cfg map[string]any) Checks {
	c := Checks{}
	if cwd, ok := cfg["cwd"].(string); ok && cwd != "" {
		info, err := os.Stat(cwd)
		switch {
		case !filepath.IsAbs(cwd):
			c.Add("cwd_not_absolute", LevelWarn, "Working directory is not an absolute path", Text(cwd), nil)
		case err != nil:
			c.Add("cwd_missing", LevelWarn, "Working directory does not exist yet", Text(cwd), Text("It is created at run start when possible."))
		case !info.IsDir():
			c.Add("cwd_not_directory", LevelError, "Working directory is not a directory", Text(cwd), nil)
		default:
			c.Add("cwd_ok", LevelInfo, "Working directory exists", Text(cwd), nil)
		}
	}
	if env, ok := cfg["env"].(map[string]any); ok {
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.HasPrefix(k, "PAPERCLIP_") {
				c.Add("env_reserved", LevelWarn, "Reserved environment variable is ignored at run time", Text(k), nil)
			}
		}
	}
	return c
}

// CheckCommand reports whether adapterConfig.command (or def when empty) resolves on
// this machine; hint tells how to install it.
func (c *Checks) CheckCommand(cfg map[string]any, def string, hint *string) {
	command, _ := cfg["command"].(string)
	if command == "" {
		command = def
	}
	if command == "" {
		c.Add("command_missing", LevelError, "adapterConfig.command is required", nil, nil)
		return
	}
	if path, err := exec.LookPath(command); err != nil {
		c.Add("command_not_found", LevelError, "Command not found on this machine", Text(command), hint)
	} else {
		c.Add("command_ok", LevelInfo, "Command resolves", Text(path), nil)
	}
}
