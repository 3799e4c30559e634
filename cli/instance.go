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
