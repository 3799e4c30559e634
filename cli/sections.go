package cli

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// The Advanced setup prompts of §5.1 step 6, one function per section so `configure
// --section` can ask one of them with the current values preselected.

// configSection is one prompt group.
type configSection struct {
	name string
	ask  func(*instance, *Config) error
}

func (a *app) configSections() []configSection {
	return []configSection{
		{"database", a.askDatabase},
		{"llm", a.askLLM},
		{"logging", a.askLogging},
		{"server", a.askServer},
		{"storage", a.askStorage},
		{"secrets", a.askSecrets},
	}
}

func (a *app) askAllSections(inst *instance, cfg *Config) error {
	for _, s := range a.configSections() {
		a.printf("\n%s\n", a.paint("1", sectionTitle(s.name)))
		if err := s.ask(inst, cfg); err != nil {
			return err
		}
	}
	return nil
}

func sectionTitle(name string) string {
	if name == "llm" {
		return "LLM provider (optional)"
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func (a *app) askPath(inst *instance, question, current string) (string, error) {
	ans, err := a.prompt.ask(question, current)
	if err != nil {
		return "", err
	}
	return inst.path(ans), nil
}

func (a *app) askDatabase(inst *instance, cfg *Config) error {
	var err error
	if cfg.Database.Path, err = a.askPath(inst, "SQLite file path", cfg.Database.Path); err != nil {
		return err
	}
	b := &cfg.Database.Backup
	if b.Enabled, err = a.prompt.confirm("Enable automatic backups?", b.Enabled); err != nil {
		return err
	}
	if !b.Enabled {
		return nil
	}
	if b.IntervalMinutes, err = a.prompt.askInt("Backup interval minutes", b.IntervalMinutes, 1, 10080); err != nil {
		return err
	}
	b.RetentionDays, err = a.prompt.askInt("Backup retention days", b.RetentionDays, 1, 3650)
	return err
}

// askLLM stores the provider and key. The key is not checked here (no network during
// setup); `paperclip doctor` checks it with a 5 s timeout.
func (a *app) askLLM(_ *instance, cfg *Config) error {
	current := "none"
	if cfg.LLM != nil {
		current = cfg.LLM.Provider
	}
	provider, err := a.prompt.choose("LLM provider", []choice{{"none", "None"}, {"claude", "Claude"}, {"openai", "OpenAI"}}, current)
	if err != nil {
		return err
	}
	if provider == "none" {
		cfg.LLM = nil
		return nil
	}
	key, err := a.prompt.secret("API key (leave empty to keep the current one)")
	if err != nil {
		return err
	}
	if key == "" && cfg.LLM != nil && cfg.LLM.Provider == provider {
		key = cfg.LLM.APIKey
	}
	cfg.LLM = &LLMConfig{Provider: provider, APIKey: key}
	if key != "" {
		a.printf("  Key stored; run paperclip doctor to check it against the API.\n")
	}
	return nil
}

func (a *app) askLogging(inst *instance, cfg *Config) error {
	var err error
	cfg.Logging.LogDir, err = a.askPath(inst, "Log directory", cfg.Logging.LogDir)
	return err
}

func (a *app) askStorage(inst *instance, cfg *Config) error {
	var err error
	cfg.Storage.LocalDisk.BaseDir, err = a.askPath(inst, "Upload directory", cfg.Storage.LocalDisk.BaseDir)
	return err
}

func (a *app) askSecrets(inst *instance, cfg *Config) error {
	var err error
	if cfg.Secrets.LocalEncrypted.KeyFilePath, err = a.askPath(inst, "Master key file path", cfg.Secrets.LocalEncrypted.KeyFilePath); err != nil {
		return err
	}
	cfg.Secrets.StrictMode, err = a.prompt.confirm("Strict mode (reject plain values for sensitive env keys)?", cfg.Secrets.StrictMode)
	return err
}

func (a *app) askServer(_ *instance, cfg *Config) error {
	s := &cfg.Server
	mode, err := a.prompt.choose("Deployment mode", []choice{
		{modeLocalTrusted, "Local trusted (no login, this computer only)"},
		{modeAuthenticated, "Authenticated (login required)"},
	}, s.DeploymentMode)
	if err != nil {
		return err
	}
	s.DeploymentMode = mode
	if mode == modeLocalTrusted {
		s.Exposure, s.Bind = exposurePrivate, bindLoopback
		if !isLoopbackHost(s.Host) {
			s.Host = "127.0.0.1"
		}
	} else {
		if s.Exposure, err = a.prompt.choose("Exposure", []choice{
			{exposurePrivate, "Private network"}, {exposurePublic, "Public internet"},
		}, s.Exposure); err != nil {
			return err
		}
		if s.Bind, err = a.prompt.choose("Bind", []choice{
			{bindLoopback, "Loopback (127.0.0.1)"}, {bindLAN, "LAN (0.0.0.0)"}, {bindCustom, "Custom host"},
		}, s.Bind); err != nil {
			return err
		}
		switch s.Bind {
		case bindLAN:
			s.Host = "0.0.0.0"
		case bindLoopback:
			if !isLoopbackHost(s.Host) {
				s.Host = "127.0.0.1"
			}
		case bindCustom:
			if s.Host, err = a.prompt.askValid("Host to bind", s.Host, func(h string) error {
				if strings.TrimSpace(h) == "" {
					return errors.New("Enter a host name or IP address.")
				}
				return nil
			}); err != nil {
				return err
			}
		}
	}
	host := s.effectiveHost()
	port, err := a.prompt.askValid("Port", strconv.Itoa(s.Port), func(v string) error {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return errors.New("Enter a port between 1 and 65535.")
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, v))
		if err != nil {
			return fmt.Errorf("Port %d is not free (%v); choose another.", p, err)
		}
		ln.Close()
		return nil
	})
	if err != nil {
		return err
	}
	s.Port, _ = strconv.Atoi(port)
	if mode == modeLocalTrusted {
		return nil
	}
	if s.Exposure == exposurePrivate {
		csv, err := a.prompt.ask("Allowed hostnames (comma-separated, empty for none)", strings.Join(s.AllowedHostnames, ","))
		if err != nil {
			return err
		}
		s.AllowedHostnames = []string{}
		for _, h := range splitCSV(strings.ToLower(csv)) {
			s.AllowedHostnames = append(s.AllowedHostnames, h)
		}
		return nil
	}
	u, err := a.prompt.askValid("Public base URL (https recommended)", cfg.publicURL(), func(v string) error {
		p, err := url.Parse(v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return errors.New("Enter an absolute http(s) URL, e.g. https://paperclip.example.com")
		}
		return nil
	})
	if err != nil {
		return err
	}
	u = strings.TrimRight(u, "/")
	if strings.HasPrefix(u, "http://") {
		a.printf("  Warning: a public instance should use https.\n")
	}
	cfg.Auth.BaseURLMode, cfg.Auth.PublicBaseURL = "explicit", &u
	return nil
}
