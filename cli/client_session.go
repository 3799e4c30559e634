package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// clientFlags are the common flags of every API client command (cli.md §7). Each
// command binds its own copy; -c/--config and -d/--data-dir are the root's.
type clientFlags struct {
	contextPath string
	profile     string
	apiBase     string
	apiKey      string
	runID       string
	json        bool
	companyID   string
}

func addClientFlags(cmd *cobra.Command, f *clientFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.contextPath, "context", "", "path to the CLI context file (default $PAPERCLIP_HOME/context.json)")
	fl.StringVar(&f.profile, "profile", "", "CLI context profile name")
	fl.StringVar(&f.apiBase, "api-base", "", "base URL of the Paperclip API (default: PAPERCLIP_API_URL, profile, local config)")
	fl.StringVar(&f.apiKey, "api-key", "", "bearer token: board key, agent key or run JWT (default: PAPERCLIP_API_KEY)")
	fl.StringVar(&f.runID, "run-id", "", "heartbeat run id sent as X-Paperclip-Run-Id (default: PAPERCLIP_RUN_ID)")
	fl.BoolVar(&f.json, "json", false, "print the raw JSON response")
}

// addCompanyFlag adds -C/--company-id to a company-scoped command.
func addCompanyFlag(cmd *cobra.Command, f *clientFlags, usage string) {
	if usage == "" {
		usage = "company ID (default: PAPERCLIP_COMPANY_ID, then the profile's companyId)"
	}
	cmd.Flags().StringVarP(&f.companyID, "company-id", "C", "", usage)
}

// session is one client command's resolved connection and defaults.
type session struct {
	a         *app
	api       *apiClient
	companyID string
	json      bool
	profile   *contextProfile
}

// errCompanyRequired is §7's message when no company could be resolved.
func errCompanyRequired() error {
	return &cliError{msg: "Company ID is required. Pass --company-id, set PAPERCLIP_COMPANY_ID, or set a profile companyId with: paperclip context set --company-id <id>"}
}

// newSession resolves API base, key, company and run id in §7's order.
func (a *app) newSession(f *clientFlags) (*session, error) {
	ctxPath, err := a.contextPath(f.contextPath)
	if err != nil {
		return nil, err
	}
	cf, err := readContextFile(ctxPath)
	if err != nil {
		return nil, err
	}
	name, profile, ok := cf.profile(strings.TrimSpace(f.profile))
	if !ok {
		return nil, &cliError{msg: fmt.Sprintf("Unknown profile %q in %s", name, ctxPath),
			hint: "Create it with: paperclip context set --profile " + name}
	}
	ver, _ := buildVersion()
	api := &apiClient{
		base:      a.resolveAPIBase(f.apiBase, profile),
		key:       firstNonEmpty(f.apiKey, a.getenv("PAPERCLIP_API_KEY")),
		runID:     firstNonEmpty(f.runID, a.getenv("PAPERCLIP_RUN_ID")),
		userAgent: "paperclip-cli/" + ver,
		http:      &http.Client{Timeout: defaultAPITimeout},
	}
	if api.key == "" && profile.APIKeyEnvVarName != "" {
		api.key = strings.TrimSpace(a.getenv(profile.APIKeyEnvVarName))
	}
	if _, err := url.ParseRequestURI(api.base); err != nil || !strings.HasPrefix(api.base, "http") {
		return nil, fmt.Errorf("Invalid API base %q: expected an http(s) URL such as http://127.0.0.1:3100", api.base)
	}
	return &session{
		a:         a,
		api:       api,
		companyID: firstNonEmpty(f.companyID, a.getenv("PAPERCLIP_COMPANY_ID"), profile.CompanyID),
		json:      f.json,
		profile:   profile,
	}, nil
}

// resolveAPIBase: --api-base, PAPERCLIP_API_URL, profile apiBase, then the local
// instance's host and port.
func (a *app) resolveAPIBase(flag string, profile *contextProfile) string {
	if b := firstNonEmpty(flag, a.getenv("PAPERCLIP_API_URL"), profile.APIBase); b != "" {
		return normalizeAPIBase(b)
	}
	host := firstNonEmpty(a.getenv("PAPERCLIP_SERVER_HOST"), "127.0.0.1")
	port := strings.TrimSpace(a.getenv("PAPERCLIP_SERVER_PORT"))
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		port = "3100"
		if inst, err := a.resolveInstance(""); err == nil {
			if cfg, err := readConfig(inst); err == nil {
				port = strconv.Itoa(cfg.Server.Port)
			}
		}
	}
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]" // IPv6 literal
	}
	return "http://" + host + ":" + port
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// company returns the resolved company or §7's error.
func (s *session) company() (string, error) {
	if s.companyID == "" {
		return "", errCompanyRequired()
	}
	return s.companyID, nil
}

func (s *session) get(ctx context.Context, path string, q url.Values) (json.RawMessage, error) {
	return s.api.do(ctx, http.MethodGet, path, q, nil)
}

func (s *session) post(ctx context.Context, path string, body any) (json.RawMessage, error) {
	if body == nil {
		body = map[string]any{}
	}
	return s.api.do(ctx, http.MethodPost, path, nil, body)
}

func (s *session) patch(ctx context.Context, path string, q url.Values, body any) (json.RawMessage, error) {
	return s.api.do(ctx, http.MethodPatch, path, q, body)
}

func (s *session) delete(ctx context.Context, path string, q url.Values) (json.RawMessage, error) {
	return s.api.do(ctx, http.MethodDelete, path, q, nil)
}

// print writes a response: pretty JSON with --json, else §7's human format.
func (s *session) print(raw json.RawMessage) error {
	return s.a.printResponse(raw, s.json, nil)
}

// printRows prints a list showing only columns (in §7's key order) in human mode.
func (s *session) printRows(raw json.RawMessage, columns ...string) error {
	return s.a.printResponse(raw, s.json, columns)
}

// companyQuery is ?companyId= for shortname lookups, empty without a company.
func companyQuery(companyID string) url.Values {
	if companyID == "" {
		return nil
	}
	return url.Values{"companyId": {companyID}}
}

// refuseWithoutYes is §7's message for a delete without --yes.
func refuseWithoutYes(yes bool) error {
	if !yes {
		return &cliError{msg: "Refusing to delete without --yes"}
	}
	return nil
}
