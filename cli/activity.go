package cli

import (
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The activity and dashboard nouns (cli.md §8.5).

func newActivityCommand(a *app) *cobra.Command {
	return newGroupCommand("activity", "Activity log operations",
		"  paperclip activity list -C <companyId> --entity-type issue\n  paperclip activity issue PAP-12",
		newActivityListCommand(a),
		newActivityIssueCommand(a),
	)
}

// activityColumns are the keys of a human activity list line.
func activityColumns() []string {
	return []string{"id", "action", "actorType", "actorId", "entityType", "entityId", "createdAt"}
}

func newActivityListCommand(a *app) *cobra.Command {
	var agentID, entityType, entityID, limit string
	return newClientCommand(a, clientCommand{
		name:    "list",
		short:   "List company activity, newest first",
		example: "  paperclip activity list -C <companyId>\n  paperclip activity list --agent-id <agentId> --limit 20 --json",
		company: companyScoped,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&agentID, "agent-id", "", "only entries of this agent")
			fl.StringVar(&entityType, "entity-type", "", "only entries about this entity type (issue, agent, ...)")
			fl.StringVar(&entityID, "entity-id", "", "only entries about this entity")
			fl.StringVar(&limit, "limit", "", "maximum number of entries")
		},
		method: http.MethodGet, path: "/api/companies/%s/activity",
		query: func() url.Values {
			return nonEmptyQuery(map[string]string{"agentId": agentID, "entityType": entityType, "entityId": entityID, "limit": limit})
		},
		columns: activityColumns(),
	})
}

func newActivityIssueCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "issue", args: []string{"issueId"},
		short:   "List the activity of an issue",
		example: "  paperclip activity issue PAP-12 --json",
		method:  http.MethodGet, path: "/api/issues/%s/activity",
		columns: activityColumns(),
	})
}

func newDashboardCommand(a *app) *cobra.Command {
	return newGroupCommand("dashboard", "Dashboard summary operations",
		"  paperclip dashboard get -C <companyId>",
		newDashboardGetCommand(a),
	)
}

func newDashboardGetCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:    "get",
		short:   "Get the dashboard summary of a company",
		example: "  paperclip dashboard get -C <companyId> --json",
		company: companyScoped,
		method:  http.MethodGet, path: "/api/companies/%s/dashboard",
	})
}
