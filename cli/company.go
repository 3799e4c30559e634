package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// The company noun (cli.md §8.1). Export and import belong to portability.

func newCompanyCommand(a *app) *cobra.Command {
	return newGroupCommand("company", "Company operations",
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
}

func newCompanyListCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "list",
		Short:        "List companies",
		Example:      "  paperclip company list\n  paperclip company list --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.get(cmd.Context(), "/api/companies", nil)
			if err != nil {
				return err
			}
			return s.printRows(raw, "id", "name", "status", "budgetMonthlyCents", "spentMonthlyCents", "requireBoardApprovalForNewAgents")
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newCompanyGetCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "get <companyId>",
		Short:        "Get one company",
		Example:      "  paperclip company get <companyId> --json",
		Args:         exactArgs("companyId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/companies/%s", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newCompanyCurrentCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:   "current",
		Short: "Get the current company from --company-id, PAPERCLIP_COMPANY_ID, the profile, or the agent key",
		Example: "  paperclip company current -C <companyId>\n" +
			"  PAPERCLIP_API_KEY=pcp_... paperclip company current --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
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
	}
	addClientFlags(cmd, &f)
	addCompanyFlag(cmd, &f, "company ID (overrides the profile default)")
	return cmd
}

func newCompanyStatsCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "stats",
		Short:        "Get agent and issue counts per company",
		Example:      "  paperclip company stats --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.simpleGet(cmd.Context(), &f, "/api/companies/stats")
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newCompanyCreateCommand(a *app) *cobra.Command {
	var f clientFlags
	var payload string
	cmd := &cobra.Command{
		Use:          "create",
		Short:        "Create a company",
		Example:      `  paperclip company create --payload-json '{"name":"Horizon Labs","budgetMonthlyCents":50000}'`,
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.sendPayload(cmd.Context(), &f, "POST", "/api/companies", payload)
		},
	}
	cmd.Flags().StringVar(&payload, "payload-json", "", "CreateCompany JSON payload")
	cmd.MarkFlagRequired("payload-json")
	addClientFlags(cmd, &f)
	return cmd
}

func newCompanyUpdateCommand(a *app) *cobra.Command {
	var f clientFlags
	var payload string
	cmd := &cobra.Command{
		Use:          "update <companyId>",
		Short:        "Update a company",
		Example:      `  paperclip company update <companyId> --payload-json '{"budgetMonthlyCents":75000}'`,
		Args:         exactArgs("companyId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.sendPayload(cmd.Context(), &f, "PATCH", apiPath("/api/companies/%s", args[0]), payload)
		},
	}
	cmd.Flags().StringVar(&payload, "payload-json", "{}", "UpdateCompany JSON payload")
	addClientFlags(cmd, &f)
	return cmd
}

func newCompanyBrandingCommand(a *app) *cobra.Command {
	var f clientFlags
	var payload string
	cmd := &cobra.Command{
		Use:          "branding:update <companyId>",
		Short:        "Update company branding",
		Example:      `  paperclip company branding:update <companyId> --payload-json '{"brandColor":"#2563eb"}'`,
		Args:         exactArgs("companyId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.sendPayload(cmd.Context(), &f, "PATCH", apiPath("/api/companies/%s/branding", args[0]), payload)
		},
	}
	cmd.Flags().StringVar(&payload, "payload-json", "{}", "UpdateCompanyBranding JSON payload")
	addClientFlags(cmd, &f)
	return cmd
}

func newCompanyArchiveCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "archive <companyId>",
		Short:        "Archive a company",
		Example:      "  paperclip company archive <companyId>",
		Args:         exactArgs("companyId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simplePost(cmd.Context(), &f, apiPath("/api/companies/%s/archive", args[0]), nil)
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func newCompanyDeleteCommand(a *app) *cobra.Command {
	var f clientFlags
	var by, confirm string
	var yes bool
	cmd := &cobra.Command{
		Use:          "delete <selector>",
		Short:        "Delete a company by ID or issue prefix (destructive)",
		Example:      "  paperclip company delete PAP --yes --confirm PAP",
		Args:         exactArgs("selector"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
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
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			id, err := s.resolveCompany(cmd.Context(), selector, by)
			if err != nil {
				return err
			}
			raw, err := s.delete(cmd.Context(), apiPath("/api/companies/%s", id), nil)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&by, "by", "auto", "selector mode: auto, id or prefix")
	fl.BoolVar(&yes, "yes", false, "required to confirm the destructive action")
	fl.StringVar(&confirm, "confirm", "", "repeat the selector to confirm")
	addClientFlags(cmd, &f)
	return cmd
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

// simpleGet is a command that GETs path and prints the answer.
func (a *app) simpleGet(ctx context.Context, f *clientFlags, path string) error {
	s, err := a.newSession(f)
	if err != nil {
		return err
	}
	raw, err := s.get(ctx, path, nil)
	if err != nil {
		return err
	}
	return s.print(raw)
}

// simplePost is a command that POSTs body (or {}) and prints the answer.
func (a *app) simplePost(ctx context.Context, f *clientFlags, path string, body any) error {
	s, err := a.newSession(f)
	if err != nil {
		return err
	}
	raw, err := s.post(ctx, path, body)
	if err != nil {
		return err
	}
	return s.print(raw)
}

// sendPayload sends a --payload-json body, checked before anything is sent.
func (a *app) sendPayload(ctx context.Context, f *clientFlags, method, path, payload string) error {
	raw, err := parseJSONFlag("payload-json", payload)
	if err != nil {
		return err
	}
	s, err := a.newSession(f)
	if err != nil {
		return err
	}
	return s.send(ctx, method, path, raw)
}

// send POSTs or PATCHes body and prints the answer.
func (s *session) send(ctx context.Context, method, path string, body any) error {
	var out json.RawMessage
	var err error
	if method == "PATCH" {
		out, err = s.patch(ctx, path, nil, body)
	} else {
		out, err = s.post(ctx, path, body)
	}
	if err != nil {
		return err
	}
	return s.print(out)
}
