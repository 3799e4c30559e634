package cli

import (
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
func newCostReportCommand(a *app, name, short, report string) *cobra.Command {
	var from, to string
	return newClientCommand(a, clientCommand{
		name:    name,
		short:   short + " (default: this calendar month, UTC)",
		example: "  paperclip cost " + name + " -C <companyId>\n  paperclip cost " + name + " --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --json",
		company: companyScoped,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&from, "from", "", "start of the range (ISO timestamp, inclusive)")
			fl.StringVar(&to, "to", "", "end of the range (ISO timestamp, exclusive)")
		},
		method: http.MethodGet, path: "/api/companies/%s/costs/" + report,
		query: func() url.Values { return nonEmptyQuery(map[string]string{"from": from, "to": to}) },
	})
}

func newCostEventCreateCommand(a *app) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name:    "event:create",
		short:   "Record a cost event",
		example: `  paperclip cost event:create -C <companyId> --payload-json '{"agentId":"<agentId>","provider":"anthropic","model":"claude-sonnet-4","costCents":12,"occurredAt":"2026-11-22T10:00:00Z"}'`,
		company: companyScoped,
		flags:   payloadFlag(&payload, "", "CostEvent"), required: []string{"payload-json"},
		method: http.MethodPost, path: "/api/companies/%s/cost-events", body: payloadBody(&payload),
	})
}
