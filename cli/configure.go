package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// configure (cli.md §5.2): re-ask one section of the onboard prompts on a terminal, or
// set keys directly with --set key=value where there is no terminal (scripts, CI).

func newConfigureCommand(a *app) *cobra.Command {
	var instanceID, section string
	var sets []string
	cmd := &cobra.Command{
		Use:   "configure",
		Short: "Update one configuration section (prompts), or keys with --set",
		Example: "  paperclip configure --section server\n" +
			"  paperclip configure --set server.port=3200 --set database.backup.retentionDays=14",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if section != "" && !oneOf(section, configSectionNames()...) {
				return &cliError{msg: fmt.Sprintf("Invalid --section %q: expected one of %s", section, strings.Join(configSectionNames(), ", "))}
			}
			inst, err := a.resolveInstance(instanceID)
			if err != nil {
				return err
			}
			loaded, err := readConfig(inst)
			var le *configLoadError
			if errors.As(err, &le) && le.Kind == configMissing {
				return &cliError{msg: fmt.Sprintf("No config found at %s. Run: paperclip onboard", inst.ConfigPath)}
			}
			if err != nil {
				return err
			}
			cfg := loaded.Config
			var touched []string
			if len(sets) > 0 {
				for _, s := range sets {
					sec, err := applyConfigSet(inst, cfg, s, section)
					if err != nil {
						return err
					}
					if !oneOf(sec, touched...) {
						touched = append(touched, sec)
					}
				}
			} else {
				if !a.stdinTTY {
					return &cliError{msg: "configure needs an interactive terminal",
						hint: "Without a terminal, set keys directly: paperclip configure --set server.port=3200"}
				}
				if section == "" {
					opts := make([]choice, 0, 6)
					for _, n := range configSectionNames() {
						opts = append(opts, choice{n, sectionTitle(n)})
					}
					if section, err = a.prompt.choose("Which section do you want to configure?", opts, "server"); err != nil {
						return err
					}
				}
				for _, s := range a.configSections() {
					if s.name == section {
						a.printf("\n%s\n", a.paint("1", sectionTitle(s.name)))
						if err := s.ask(inst, cfg); err != nil {
							return err
						}
					}
				}
				touched = []string{section}
			}
			if err := cfg.Validate(); err != nil {
				return &cliError{msg: "Invalid configuration: " + err.Error(), hint: "Nothing was written."}
			}
			if err := writeConfig(inst, cfg, "configure", a.now()); err != nil {
				return err
			}
			a.printf("Updated %s configuration in %s\n", strings.Join(touched, ", "), inst.ConfigPath)
			if running, _, _ := probeLock(inst.LockPath()); running {
				a.printf("Restart Paperclip for the change to take effect.\n")
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	fl.StringVarP(&section, "section", "s", "", "section to configure: "+strings.Join(configSectionNames(), ", "))
	fl.StringArrayVar(&sets, "set", nil, "set one key without prompting, e.g. server.port=3200 (repeatable; lists are comma-separated; null clears)")
	return cmd
}

func configSectionNames() []string {
	return []string{"llm", "database", "logging", "server", "storage", "secrets"}
}

// configKeySection maps a top-level config key to the configure section it belongs to.
func configKeySection(top string) string {
	switch top {
	case "auth":
		return "server"
	case "heartbeat":
		return "server"
	}
	return top
}

// applyConfigSet sets one dotted key of cfg, typed like the key's current value, and
// returns its section. only, when set, restricts keys to that section.
func applyConfigSet(inst *instance, cfg *Config, assignment, only string) (string, error) {
	key, value, ok := strings.Cut(assignment, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return "", &cliError{msg: fmt.Sprintf("Invalid --set %q: expected key=value, e.g. server.port=3200", assignment)}
	}
	path := strings.Split(key, ".")
	schema := configSchema()
	delete(schema, "$meta") // written by the CLI itself
	node := schema
	for i, p := range path {
		sub, known := node[p]
		if !known {
			msg := fmt.Sprintf("Unknown config key %q", key)
			if s := suggest(p, node); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(append(path[:i:i], s), "."))
			}
			return "", &cliError{msg: msg}
		}
		if sub == nil && i != len(path)-1 {
			return "", &cliError{msg: fmt.Sprintf("Unknown config key %q: %s is not an object", key, strings.Join(path[:i+1], "."))}
		}
		if sub != nil && i == len(path)-1 {
			return "", &cliError{msg: fmt.Sprintf("Config key %q is an object; set one of its keys, e.g. %s.%s", key, key, sortedKeys(sub)[0])}
		}
		node = sub
	}
	section := configKeySection(path[0])
	if only != "" && section != only {
		return "", &cliError{msg: fmt.Sprintf("Config key %q is not in section %s", key, only)}
	}

	data, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		return "", err
	}
	parent := tree
	for _, p := range path[:len(path)-1] {
		child, ok := parent[p].(map[string]any)
		if !ok {
			child = map[string]any{}
			parent[p] = child
		}
		parent = child
	}
	leaf := path[len(path)-1]
	v, err := typedConfigValue(key, parent[leaf], strings.TrimSpace(value))
	if err != nil {
		return "", err
	}
	parent[leaf] = v
	data, err = json.Marshal(tree)
	if err != nil {
		return "", err
	}
	next := defaultConfig(inst.Root)
	if err := json.Unmarshal(data, next); err != nil {
		return "", &cliError{msg: fmt.Sprintf("Invalid --set %s: %s", key, describeJSONError(err))}
	}
	next.raw = cfg.raw
	next.resolvePaths(inst)
	*cfg = *next
	return section, nil
}

// typedConfigValue parses value as the same JSON kind as current.
func typedConfigValue(key string, current any, value string) (any, error) {
	bad := func(want string) error {
		return &cliError{msg: fmt.Sprintf("Invalid --set %s=%s: expected %s", key, value, want)}
	}
	switch current.(type) {
	case bool:
		b, ok := parseBool(value)
		if !ok {
			return nil, bad("true or false")
		}
		return b, nil
	case json.Number:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return nil, bad("a whole number")
		}
		return n, nil
	case []any:
		list := []any{}
		for _, s := range splitCSV(value) {
			list = append(list, s)
		}
		return list, nil
	}
	if isNullLiteral(value) {
		return nil, nil
	}
	return value, nil
}
