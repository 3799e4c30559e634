package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The company noun (cli.md §8.1). Export and import live in company_portability.go.

// newCompanyCommand is the one place company subcommands are registered.
func newCompanyCommand(a *app) *cobra.Command {
	cmd := newGroupCommand("company", "Company operations",
		"  paperclip company list\n  paperclip company current --json",
		newCompanyListCommand(a),
		newCompanyGetCommand(a),
		newCompanyCurrentCommand(a),
		newCompanyStatsCommand(a),
		newCompanyCreateCommand(a),
		newCompanyUpdateCommand(a),
		newCompanyBrandingCommand(a),
		newCompanyArchiveCommand(a),
		newCompanyDeleteCommand(a),
	)
	cmd.AddCommand(portabilityCommands(a)...) // export, import (company_portability.go)
	return cmd
}

func newCompanyListCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:    "list",
		short:   "List companies",
		example: "  paperclip company list\n  paperclip company list --json",
		method:  http.MethodGet, path: "/api/companies",
		columns: []string{"id", "name", "status", "budgetMonthlyCents", "spentMonthlyCents", "requireBoardApprovalForNewAgents"},
	})
}

func newCompanyGetCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "get", args: []string{"companyId"},
		short:   "Get one company",
		example: "  paperclip company get <companyId> --json",
		method:  http.MethodGet, path: "/api/companies/%s",
	})
}

func newCompanyCurrentCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:  "current",
		short: "Get the current company from --company-id, PAPERCLIP_COMPANY_ID, the profile, or the agent key",
		example: "  paperclip company current -C <companyId>\n" +
			"  PAPERCLIP_API_KEY=pcp_... paperclip company current --json",
		company: companyFlag, companyUsage: "company ID (overrides the profile default)",
		run: func(cmd *cobra.Command, s *session, _ []string) error {
			id := s.companyID
			if id == "" && s.api.key != "" {
				// Agent keys and run JWTs know their company.
				var me struct {
					CompanyID string `json:"companyId"`
				}
				if err := s.api.getInto(cmd.Context(), "/api/agents/me", nil, &me); err != nil {
					return err
				}
				id = me.CompanyID
			}
			if id == "" {
				return errCompanyRequired()
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/companies/%s", id), nil)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	})
}

func newCompanyStatsCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:    "stats",
		short:   "Get agent and issue counts per company",
		example: "  paperclip company stats --json",
		method:  http.MethodGet, path: "/api/companies/stats",
	})
}

func newCompanyCreateCommand(a *app) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name:    "create",
		short:   "Create a company",
		example: `  paperclip company create --payload-json '{"name":"Horizon Labs","budgetMonthlyCents":50000}'`,
		flags:   payloadFlag(&payload, "", "CreateCompany"), required: []string{"payload-json"},
		method: http.MethodPost, path: "/api/companies", body: payloadBody(&payload),
	})
}

func newCompanyUpdateCommand(a *app) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name: "update", args: []string{"companyId"},
		short:   "Update a company",
		example: `  paperclip company update <companyId> --payload-json '{"budgetMonthlyCents":75000}'`,
		flags:   payloadFlag(&payload, "{}", "UpdateCompany"),
		method:  http.MethodPatch, path: "/api/companies/%s", body: payloadBody(&payload),
	})
}

func newCompanyBrandingCommand(a *app) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name: "branding:update", args: []string{"companyId"},
		short:   "Update company branding",
		example: `  paperclip company branding:update <companyId> --payload-json '{"brandColor":"#2563eb"}'`,
		flags:   payloadFlag(&payload, "{}", "UpdateCompanyBranding"),
		method:  http.MethodPatch, path: "/api/companies/%s/branding", body: payloadBody(&payload),
	})
}

func newCompanyArchiveCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "archive", args: []string{"companyId"},
		short:   "Archive a company",
		example: "  paperclip company archive <companyId>",
		method:  http.MethodPost, path: "/api/companies/%s/archive",
	})
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func newCompanyDeleteCommand(a *app) *cobra.Command {
	var by, confirm string
	var yes bool
	return newClientCommand(a, clientCommand{
		name: "delete", args: []string{"selector"},
		short:   "Delete a company by ID or issue prefix (destructive)",
		example: "  paperclip company delete PAP --yes --confirm PAP",
		// Not confirm: a company delete asks for more than --yes, and says so.
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&by, "by", "auto", "selector mode: auto, id or prefix")
			fl.BoolVar(&yes, "yes", false, "required to confirm the destructive action")
			fl.StringVar(&confirm, "confirm", "", "repeat the selector to confirm")
		},
		check: func(_ *cobra.Command, args []string) error {
			selector := strings.TrimSpace(args[0])
			if err := checkOneOf("by", by, "auto", "id", "prefix"); err != nil {
				return err
			}
			if err := refuseWithoutYes(yes); err != nil {
				return err
			}
			if !strings.EqualFold(strings.TrimSpace(confirm), selector) {
				return &cliError{msg: fmt.Sprintf("--confirm must repeat the selector %q", selector),
					hint: fmt.Sprintf("Run: paperclip company delete %s --yes --confirm %s", selector, selector)}
			}
			return nil
		},
		run: func(cmd *cobra.Command, s *session, args []string) error {
			id, err := s.resolveCompany(cmd.Context(), strings.TrimSpace(args[0]), by)
			if err != nil {
				return err
			}
			raw, err := s.delete(cmd.Context(), apiPath("/api/companies/%s", id), nil)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	})
}

// resolveCompany turns a delete selector into a company id: a UUID is an id, anything
// else an issue prefix (case-insensitive) in auto mode.
func (s *session) resolveCompany(ctx context.Context, selector, by string) (string, error) {
	if by == "id" || (by == "auto" && uuidRe.MatchString(selector)) {
		var co struct {
			ID string `json:"id"`
		}
		if err := s.api.getInto(ctx, apiPath("/api/companies/%s", selector), nil, &co); err != nil {
			return "", err
		}
		return co.ID, nil
	}
	var list []struct {
		ID          string `json:"id"`
		IssuePrefix string `json:"issuePrefix"`
	}
	// Archived companies are deletable too, and the default list hides them.
	if err := s.api.getInto(ctx, "/api/companies", url.Values{"includeArchived": {"true"}}, &list); err != nil {
		return "", err
	}
	for _, co := range list {
		if strings.EqualFold(co.IssuePrefix, selector) {
			return co.ID, nil
		}
	}
	return "", &cliError{msg: fmt.Sprintf("No company with issue prefix %q", selector),
		hint: "List companies with: paperclip company list"}
}
