package cli

import (
	"net/url"

	"github.com/spf13/cobra"
)

// The cost noun (cli.md §8.7).

func newCostCommand(a *app) *cobra.Command {
	return newGroupCommand("cost", "Cost operations",
		"  paperclip cost summary -C <companyId>\n  paperclip cost by-agent --from 2026-11-01T00:00:00Z --json",
		newCostReportCommand(a, "summary", "Get the company's spend against its budget", "summary"),
		newCostReportCommand(a, "by-agent", "Get spend per agent", "by-agent"),
		newCostReportCommand(a, "by-project", "Get spend per project", "by-project"),
		newCostEventCreateCommand(a),
	)
}

// newCostReportCommand is GET /api/companies/{c}/costs/<report>?from=&to=.
func newCostReportCommand(a *app, use, short, report string) *cobra.Command {
	var f clientFlags
	var from, to string
	cmd := &cobra.Command{
		Use:          use,
		Short:        short + " (default: this calendar month, UTC)",
		Example:      "  paperclip cost " + use + " -C <companyId>\n  paperclip cost " + use + " --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{}
			if from != "" {
				q.Set("from", from)
			}
			if to != "" {
				q.Set("to", to)
			}
			return a.companyGet(cmd, &f, "/api/companies/%s/costs/"+report, q)
		},
	}
	addCompanyFlag(cmd, &f, "")
	cmd.Flags().StringVar(&from, "from", "", "start of the range (ISO timestamp, inclusive)")
	cmd.Flags().StringVar(&to, "to", "", "end of the range (ISO timestamp, exclusive)")
	addClientFlags(cmd, &f)
	return cmd
}

func newCostEventCreateCommand(a *app) *cobra.Command {
	var f clientFlags
	var payload string
	cmd := &cobra.Command{
		Use:          "event:create",
		Short:        "Record a cost event",
		Example:      `  paperclip cost event:create -C <companyId> --payload-json '{"agentId":"<agentId>","provider":"anthropic","model":"claude-sonnet-4","costCents":12,"occurredAt":"2026-11-22T10:00:00Z"}'`,
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			raw, err := parseJSONFlag("payload-json", payload)
			if err != nil {
				return err
			}
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			c, err := s.company()
			if err != nil {
				return err
			}
			return s.send(cmd.Context(), "POST", apiPath("/api/companies/%s/cost-events", c), raw)
		},
	}
	addCompanyFlag(cmd, &f, "")
	cmd.Flags().StringVar(&payload, "payload-json", "", "CostEvent JSON payload")
	cmd.MarkFlagRequired("payload-json")
	addClientFlags(cmd, &f)
	return cmd
}
