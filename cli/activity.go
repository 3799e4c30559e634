package cli

import (
	"net/url"

	"github.com/spf13/cobra"
)

// The activity and dashboard nouns (cli.md §8.5).

func newActivityCommand(a *app) *cobra.Command {
	return newGroupCommand("activity", "Activity log operations",
		"  paperclip activity list -C <companyId> --entity-type issue\n  paperclip activity issue PAP-12",
		newActivityListCommand(a),
		newActivityIssueCommand(a),
	)
}

func newActivityListCommand(a *app) *cobra.Command {
	var f clientFlags
	var agentID, entityType, entityID, limit string
	cmd := &cobra.Command{
		Use:          "list",
		Short:        "List company activity, newest first",
		Example:      "  paperclip activity list -C <companyId>\n  paperclip activity list --agent-id <agentId> --limit 20 --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			c, err := s.company()
			if err != nil {
				return err
			}
			q := url.Values{}
			for k, v := range map[string]string{"agentId": agentID, "entityType": entityType, "entityId": entityID, "limit": limit} {
				if v != "" {
					q.Set(k, v)
				}
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/companies/%s/activity", c), q)
			if err != nil {
				return err
			}
			return s.printRows(raw, "id", "action", "actorType", "actorId", "entityType", "entityId", "createdAt")
		},
	}
	addCompanyFlag(cmd, &f, "")
	fl := cmd.Flags()
	fl.StringVar(&agentID, "agent-id", "", "only entries of this agent")
	fl.StringVar(&entityType, "entity-type", "", "only entries about this entity type (issue, agent, ...)")
	fl.StringVar(&entityID, "entity-id", "", "only entries about this entity")
	fl.StringVar(&limit, "limit", "", "maximum number of entries")
	addClientFlags(cmd, &f)
	return cmd
}

func newActivityIssueCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "issue <issueId>",
		Short:        "List the activity of an issue",
		Example:      "  paperclip activity issue PAP-12 --json",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/issues/%s/activity", args[0]), nil)
			if err != nil {
				return err
			}
			return s.printRows(raw, "id", "action", "actorType", "actorId", "entityType", "entityId", "createdAt")
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newDashboardCommand(a *app) *cobra.Command {
	return newGroupCommand("dashboard", "Dashboard summary operations",
		"  paperclip dashboard get -C <companyId>",
		newDashboardGetCommand(a),
	)
}

func newDashboardGetCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "get",
		Short:        "Get the dashboard summary of a company",
		Example:      "  paperclip dashboard get -C <companyId> --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.companyGet(cmd, &f, "/api/companies/%s/dashboard", nil)
		},
	}
	addCompanyFlag(cmd, &f, "")
	addClientFlags(cmd, &f)
	return cmd
}

// companyGet GETs a company-scoped path and prints the answer.
func (a *app) companyGet(cmd *cobra.Command, f *clientFlags, pathFormat string, q url.Values, columns ...string) error {
	s, err := a.newSession(f)
	if err != nil {
		return err
	}
	c, err := s.company()
	if err != nil {
		return err
	}
	raw, err := s.get(cmd.Context(), apiPath(pathFormat, c), q)
	if err != nil {
		return err
	}
	if columns != nil {
		return s.printRows(raw, columns...)
	}
	return s.print(raw)
}
