package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// contextFile is context.json (cli.md §9): named client profiles and the current one.
// It never holds a key, only the name of the environment variable that does.
type contextFile struct {
	Version        int                        `json:"version"`
	CurrentProfile string                     `json:"currentProfile"`
	Profiles       map[string]*contextProfile `json:"profiles"`
}

// contextProfile is one set of client defaults.
type contextProfile struct {
	APIBase          string `json:"apiBase,omitempty"`
	CompanyID        string `json:"companyId,omitempty"`
	APIKeyEnvVarName string `json:"apiKeyEnvVarName,omitempty"`
	Persona          string `json:"persona,omitempty"`
	AgentID          string `json:"agentId,omitempty"`
	AgentName        string `json:"agentName,omitempty"`
}

const defaultProfileName = "default"

var envVarNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// contextPath is --context, else $PAPERCLIP_HOME/context.json.
func (a *app) contextPath(flag string) (string, error) {
	if strings.TrimSpace(flag) != "" {
		userHome, _ := a.userHome()
		cwd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		return expandPath(flag, userHome, cwd), nil
	}
	home, err := a.resolveHome()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "context.json"), nil
}

func newContextFile() *contextFile {
	return &contextFile{Version: 1, CurrentProfile: defaultProfileName,
		Profiles: map[string]*contextProfile{defaultProfileName: {}}}
}

// readContextFile reads path; a missing file is the empty default context.
func readContextFile(path string) (*contextFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return newContextFile(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("Could not read context file %s: %v", path, err)
	}
	cf := newContextFile()
	cf.Profiles = nil
	if err := json.Unmarshal(data, cf); err != nil {
		return nil, &cliError{msg: fmt.Sprintf("Could not parse context file %s: %v", path, err),
			hint: "Fix the JSON or remove the file; paperclip context set recreates it."}
	}
	if cf.Profiles == nil {
		cf.Profiles = map[string]*contextProfile{}
	}
	for name, p := range cf.Profiles {
		if p == nil {
			cf.Profiles[name] = &contextProfile{}
		}
	}
	if cf.CurrentProfile == "" {
		cf.CurrentProfile = defaultProfileName
	}
	if cf.Profiles[cf.CurrentProfile] == nil {
		cf.Profiles[cf.CurrentProfile] = &contextProfile{}
	}
	cf.Version = 1
	return cf, nil
}

// write saves the file atomically with mode 0600: it names which variables hold keys,
// and which servers and companies this user works with.
func (cf *contextFile) write(path string) error {
	data, err := json.MarshalIndent(cf, "", "  ")
	if err != nil {
		return err
	}
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'), 0o600)
}

// profile returns the named profile, or the current one for "".
func (cf *contextFile) profile(name string) (string, *contextProfile, bool) {
	if name == "" {
		name = cf.CurrentProfile
	}
	p, ok := cf.Profiles[name]
	return name, p, ok
}

// checkKeyEnvVarName refuses anything but a variable name, so a pasted token never
// ends up in context.json.
func checkKeyEnvVarName(v string) error {
	if looksLikeToken(v) {
		return errors.New("--api-key-env-var-name takes the NAME of an environment variable that holds the key, not the key itself; context.json never stores keys")
	}
	if !envVarNameRe.MatchString(v) {
		return fmt.Errorf("Invalid --api-key-env-var-name %q: expected an environment variable name such as PAPERCLIP_API_KEY", v)
	}
	return nil
}

func looksLikeToken(v string) bool {
	return strings.HasPrefix(v, "pcp_") || strings.HasPrefix(v, "eyJ") || strings.HasPrefix(v, "sk-")
}
