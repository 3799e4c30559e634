package cli

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// The context noun (cli.md §9): profiles of client defaults in context.json.

func newContextCommand(a *app) *cobra.Command {
	return newGroupCommand("context", "Manage CLI client context profiles",
		"  paperclip context set --api-base http://127.0.0.1:3100 --company-id <companyId>\n"+
			"  paperclip context set --profile agent --api-key-env-var-name MY_AGENT_KEY --use",
		newContextShowCommand(a),
		newContextListCommand(a),
		newContextUseCommand(a),
		newContextSetCommand(a),
	)
}

// contextView is what show and set print.
type contextView struct {
	ContextPath    string                     `json:"contextPath"`
	CurrentProfile string                     `json:"currentProfile"`
	ProfileName    string                     `json:"profileName"`
	Profile        *contextProfile            `json:"profile"`
	Profiles       map[string]*contextProfile `json:"profiles,omitempty"`
}

func (a *app) loadContext(flag string) (string, *contextFile, error) {
	path, err := a.contextPath(flag)
	if err != nil {
		return "", nil, err
	}
	cf, err := readContextFile(path)
	return path, cf, err
}

func newContextShowCommand(a *app) *cobra.Command {
	var ctxPath, profile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:          "show",
		Short:        "Show the context file and the active profile",
		Example:      "  paperclip context show\n  paperclip context show --profile agent --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, cf, err := a.loadContext(ctxPath)
			if err != nil {
				return err
			}
			name, p, ok := cf.profile(profile)
			if !ok {
				return &cliError{msg: fmt.Sprintf("Unknown profile %q in %s", name, path),
					hint: "Create it with: paperclip context set --profile " + name}
			}
			return a.printValue(contextView{ContextPath: path, CurrentProfile: cf.CurrentProfile, ProfileName: name,
				Profile: p, Profiles: cf.Profiles}, asJSON)
		},
	}
	cmd.Flags().StringVar(&ctxPath, "context", "", "path to the CLI context file")
	cmd.Flags().StringVar(&profile, "profile", "", "profile to show (default: the current one)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// profileRow is one line of context list --json.
type profileRow struct {
	Name             string  `json:"name"`
	Current          bool    `json:"current"`
	APIBase          *string `json:"apiBase"`
	CompanyID        *string `json:"companyId"`
	Persona          *string `json:"persona"`
	AgentID          *string `json:"agentId"`
	AgentName        *string `json:"agentName"`
	APIKeyEnvVarName *string `json:"apiKeyEnvVarName"`
}

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func newContextListCommand(a *app) *cobra.Command {
	var ctxPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:          "list",
		Short:        "List the context profiles; * marks the current one",
		Example:      "  paperclip context list\n  paperclip context list --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, cf, err := a.loadContext(ctxPath)
			if err != nil {
				return err
			}
			names := sortedKeys(cf.Profiles)
			sort.Strings(names)
			rows := []profileRow{}
			for _, n := range names {
				p := cf.Profiles[n]
				rows = append(rows, profileRow{Name: n, Current: n == cf.CurrentProfile, APIBase: orNil(p.APIBase),
					CompanyID: orNil(p.CompanyID), Persona: orNil(p.Persona), AgentID: orNil(p.AgentID),
					AgentName: orNil(p.AgentName), APIKeyEnvVarName: orNil(p.APIKeyEnvVarName)})
			}
			if asJSON {
				return a.printValue(rows, true)
			}
			for _, r := range rows {
				mark := " "
				if r.Current {
					mark = "*"
				}
				line := mark + " " + r.Name
				p := cf.Profiles[r.Name]
				for _, kv := range [][2]string{{"apiBase", p.APIBase}, {"companyId", p.CompanyID}, {"persona", p.Persona},
					{"agentId", p.AgentID}, {"agentName", p.AgentName}, {"apiKeyEnvVarName", p.APIKeyEnvVarName}} {
					if kv[1] != "" {
						line += " " + kv[0] + "=" + scalarText(kv[1])
					}
				}
				a.printf("%s\n", line)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&ctxPath, "context", "", "path to the CLI context file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func checkProfileName(name string) error {
	if name == "" || strings.ContainsAny(name, " \t\n/\\") {
		return fmt.Errorf("Invalid profile name %q: use letters, digits, '-' or '_'", name)
	}
	return nil
}

func newContextUseCommand(a *app) *cobra.Command {
	var ctxPath string
	cmd := &cobra.Command{
		Use:          "use <profile>",
		Short:        "Make a profile the current one (created empty if new)",
		Example:      "  paperclip context use staging",
		Args:         exactArgs("profile"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := strings.TrimSpace(args[0])
			if err := checkProfileName(name); err != nil {
				return err
			}
			path, cf, err := a.loadContext(ctxPath)
			if err != nil {
				return err
			}
			if cf.Profiles[name] == nil {
				cf.Profiles[name] = &contextProfile{}
			}
			cf.CurrentProfile = name
			if err := cf.write(path); err != nil {
				return err
			}
			a.printf("Using profile %s\n", name)
			return nil
		},
	}
	cmd.Flags().StringVar(&ctxPath, "context", "", "path to the CLI context file")
	return cmd
}

func newContextSetCommand(a *app) *cobra.Command {
	var ctxPath, profile, apiBase, company, persona, agentID, agentName, keyVar string
	var use, asJSON bool
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Set values on a profile (only the flags given change; an empty value clears)",
		Example: "  paperclip context set --api-base http://127.0.0.1:3100 --company-id <companyId>\n" +
			"  paperclip context set --profile worker --persona agent --agent-id <agentId> --api-key-env-var-name WORKER_KEY --use",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			changed := cmd.Flags().Changed
			if changed("persona") && persona != "" {
				if err := checkOneOf("persona", persona, "board", "agent"); err != nil {
					return err
				}
			}
			if changed("api-key-env-var-name") && keyVar != "" {
				if err := checkKeyEnvVarName(keyVar); err != nil {
					return err
				}
			}
			if changed("api-base") && apiBase != "" {
				apiBase = normalizeAPIBase(apiBase)
				if u, err := url.Parse(apiBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Errorf("Invalid --api-base %q: expected an http(s) URL such as http://127.0.0.1:3100", apiBase)
				}
			}
			path, cf, err := a.loadContext(ctxPath)
			if err != nil {
				return err
			}
			name := strings.TrimSpace(profile)
			if name == "" {
				name = cf.CurrentProfile
			}
			if err := checkProfileName(name); err != nil {
				return err
			}
			p := cf.Profiles[name]
			if p == nil {
				p = &contextProfile{}
				cf.Profiles[name] = p
			}
			for _, fv := range []struct {
				flag string
				dst  *string
				val  string
			}{{"api-base", &p.APIBase, apiBase}, {"company-id", &p.CompanyID, company}, {"persona", &p.Persona, persona},
				{"agent-id", &p.AgentID, agentID}, {"agent-name", &p.AgentName, agentName}, {"api-key-env-var-name", &p.APIKeyEnvVarName, keyVar}} {
				if changed(fv.flag) {
					*fv.dst = strings.TrimSpace(fv.val)
				}
			}
			if use {
				cf.CurrentProfile = name
			}
			if err := cf.write(path); err != nil {
				return err
			}
			if !asJSON {
				a.printf("Updated profile %s in %s\n", name, path)
				if use {
					a.printf("Using profile %s\n", name)
				}
			}
			return a.printValue(contextView{ContextPath: path, CurrentProfile: cf.CurrentProfile, ProfileName: name, Profile: p}, asJSON)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&ctxPath, "context", "", "path to the CLI context file")
	fl.StringVar(&profile, "profile", "", "profile to change (default: the current one)")
	fl.StringVar(&apiBase, "api-base", "", "default API base URL")
	fl.StringVar(&company, "company-id", "", "default company ID")
	fl.StringVar(&persona, "persona", "", "board or agent")
	fl.StringVar(&agentID, "agent-id", "", "default agent ID for the agent persona")
	fl.StringVar(&agentName, "agent-name", "", "agent display name")
	fl.StringVar(&keyVar, "api-key-env-var-name", "", "NAME of the environment variable holding the API key (keys are never stored)")
	fl.BoolVar(&use, "use", false, "also make this profile the current one")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
