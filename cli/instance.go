package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// defaultInstanceID is the instance used when neither -i nor PAPERCLIP_INSTANCE_ID is given.
const defaultInstanceID = "default"

var instanceIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// instance is where one Paperclip instance lives on disk (cli.md §2).
type instance struct {
	Home       string // $PAPERCLIP_HOME or --data-dir or ~/.paperclip
	ID         string
	ConfigPath string // the resolved config.json
	Root       string // directory holding ConfigPath
	UserHome   string // for "~" in paths; may be empty when unknown
}

// resolveInstance applies cli.md §2: home from --data-dir, PAPERCLIP_HOME, ~/.paperclip;
// config from --config, PAPERCLIP_CONFIG, <home>/instances/<id>/config.json.
func (a *app) resolveInstance(instanceFlag string) (*instance, error) {
	userHome, _ := a.userHome()
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("determine working directory: %w", err)
	}
	inst := &instance{UserHome: userHome}

	id := instanceFlag
	if id == "" {
		id = a.getenv("PAPERCLIP_INSTANCE_ID")
	}
	if id == "" {
		id = defaultInstanceID
	}
	if !instanceIDPattern.MatchString(id) {
		return nil, fmt.Errorf("Invalid instance id %q", id)
	}
	inst.ID = id

	if inst.Home, err = a.resolveHome(); err != nil {
		return nil, err
	}

	cfg := a.configFlag
	if cfg == "" {
		cfg = a.getenv("PAPERCLIP_CONFIG")
	}
	if cfg != "" {
		inst.ConfigPath = expandPath(cfg, userHome, cwd)
	} else {
		inst.ConfigPath = filepath.Join(inst.Home, "instances", id, "config.json")
	}
	inst.Root = filepath.Dir(inst.ConfigPath)
	return inst, nil
}

// resolveHome is $PAPERCLIP_HOME: --data-dir, then PAPERCLIP_HOME, then ~/.paperclip.
func (a *app) resolveHome() (string, error) {
	userHome, _ := a.userHome()
	cwd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("determine working directory: %w", err)
	}
	home := a.dataDir
	if home == "" {
		home = a.getenv("PAPERCLIP_HOME")
	}
	if home == "" {
		if userHome == "" {
			return "", errors.New("cannot determine the user home directory; set PAPERCLIP_HOME or pass --data-dir")
		}
		home = filepath.Join(userHome, ".paperclip")
	}
	return expandPath(home, userHome, cwd), nil
}

// expandPath makes p absolute: "~" is the user home, a relative path is relative to base.
func expandPath(p, userHome, base string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	if userHome != "" {
		if p == "~" {
			return filepath.Clean(userHome)
		}
		if strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
			return filepath.Join(userHome, p[2:])
		}
	}
	if !filepath.IsAbs(p) {
		return filepath.Join(base, p)
	}
	return filepath.Clean(p)
}

// EnvPath is the .env file beside the config.
func (i *instance) EnvPath() string { return filepath.Join(i.Root, ".env") }

// LockPath is the single-instance lock file (§6.3).
func (i *instance) LockPath() string { return filepath.Join(i.Root, "server.lock") }

// path resolves a path read from config.json (§2: "~" and relative paths accepted).
func (i *instance) path(p string) string { return expandPath(p, i.UserHome, i.Root) }

// mkdirPrivate creates dir and its parents with mode 0700.
func mkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	return nil
}

// ensureInstanceDir creates the instance root (0700) and proves it writable. The usual
// first-run failure is a read-only or foreign home, so the error says how to pick
// another one instead of only naming the failed mkdir.
func (a *app) ensureInstanceDir(inst *instance) error {
	err := mkdirPrivate(inst.Root)
	if err == nil {
		err = dirWritable(inst.Root)
	}
	if err != nil {
		return a.homeError(inst.Root, err)
	}
	return nil
}

// checkCreatable reports whether dir exists writable or could be created, without
// creating anything: interactive onboarding checks this before its first question so a
// read-only home fails at once and an aborted prompt leaves no directory behind.
func (a *app) checkCreatable(dir string) error {
	for p := dir; ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		if err == nil {
			if !info.IsDir() {
				return a.homeError(dir, fmt.Errorf("%s is not a directory", p))
			}
			if err := dirWritable(p); err != nil {
				return a.homeError(dir, err)
			}
			return nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return a.homeError(dir, err)
		}
		if filepath.Dir(p) == p {
			return a.homeError(dir, err)
		}
	}
}

// homeError is a failure to write the instance directory, naming the settings that
// move it.
func (a *app) homeError(dir string, err error) error {
	hint := "Choose a writable Paperclip home: set PAPERCLIP_HOME=<dir> or pass -d <dir>."
	if a.configFlag != "" || a.getenv("PAPERCLIP_CONFIG") != "" {
		hint = "Choose a writable config location (-c / PAPERCLIP_CONFIG), or a writable home: PAPERCLIP_HOME=<dir> or -d <dir>."
	}
	return &cliError{msg: fmt.Sprintf("Cannot write the Paperclip instance directory %s (%s). Set PAPERCLIP_HOME or pass -d to use another home.", dir, shortErr(err)),
		hint: hint}
}
