package cli

import (
	"github.com/spf13/cobra"
)

// The project noun (cli.md §8.6). Projects are addressed by ID or url key; a url key
// needs the company (-C), passed to the server as ?companyId=.

func newProjectCommand(a *app) *cobra.Command {
	return newGroupCommand("project", "Project operations",
		"  paperclip project list -C <companyId>\n  paperclip project get website -C <companyId>",
		newProjectListCommand(a),
		newProjectGetCommand(a),
		newProjectCreateCommand(a),
		newProjectUpdateCommand(a),
		newProjectDeleteCommand(a),
	)
}

func newProjectListCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "list",
		Short:        "List projects for a company",
		Example:      "  paperclip project list -C <companyId>\n  paperclip project list --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.companyGet(cmd, &f, "/api/companies/%s/projects", nil, "id", "name", "status", "urlKey", "goalIds", "leadAgentId")
		},
	}
	addCompanyFlag(cmd, &f, "")
	addClientFlags(cmd, &f)
	return cmd
}

func newProjectGetCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "get <project>",
		Short:        "Get one project by ID, or by url key with -C",
		Example:      "  paperclip project get <projectId>\n  paperclip project get website -C <companyId> --json",
		Args:         exactArgs("project"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/projects/%s", args[0]), companyQuery(s.companyID))
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	addCompanyFlag(cmd, &f, "company ID for a url-key lookup")
	addClientFlags(cmd, &f)
	return cmd
}

// projectFields are the flags create and update share.
type projectFields struct {
	name, description, status, goalIDs, goalID, lead, targetDate, color, env, archivedAt string
}

func (v *projectFields) bind(cmd *cobra.Command, update bool) {
	fl := cmd.Flags()
	orNull := ""
	if update {
		orNull = " (or null)"
	}
	fl.StringVar(&v.name, "name", "", "project name")
	fl.StringVar(&v.description, "description", "", "project description"+orNull)
	fl.StringVar(&v.status, "status", "", "project status: backlog, planned, in_progress, completed, cancelled")
	fl.StringVar(&v.goalIDs, "goal-ids", "", "comma-separated goal IDs")
	fl.StringVar(&v.goalID, "goal-id", "", "single goal ID (deprecated: use --goal-ids)"+orNull)
	fl.StringVar(&v.lead, "lead-agent-id", "", "lead agent ID"+orNull)
	fl.StringVar(&v.targetDate, "target-date", "", "target date YYYY-MM-DD"+orNull)
	fl.StringVar(&v.color, "color", "", "project colour"+orNull)
	fl.StringVar(&v.env, "env-json", "", "project env bindings as JSON"+orNull)
	if update {
		fl.StringVar(&v.archivedAt, "archived-at", "", "archive timestamp (ISO 8601) or null")
	}
}

func (v *projectFields) body(cmd *cobra.Command) (map[string]any, error) {
	return newBody(cmd).str("name", "name", v.name).nullable("description", "description", v.description).
		str("status", "status", v.status).csv("goal-ids", "goalIds", v.goalIDs).nullable("goal-id", "goalId", v.goalID).
		nullable("lead-agent-id", "leadAgentId", v.lead).nullable("target-date", "targetDate", v.targetDate).
		nullable("color", "color", v.color).json("env-json", "env", v.env, true).
		nullable("archived-at", "archivedAt", v.archivedAt).build()
}

func newProjectCreateCommand(a *app) *cobra.Command {
	var f clientFlags
	var v projectFields
	cmd := &cobra.Command{
		Use:          "create",
		Short:        "Create a project",
		Example:      "  paperclip project create -C <companyId> --name Website --goal-ids <goalId> --target-date 2026-12-31",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := v.body(cmd)
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
			return s.send(cmd.Context(), "POST", apiPath("/api/companies/%s/projects", c), b)
		},
	}
	addCompanyFlag(cmd, &f, "")
	v.bind(cmd, false)
	cmd.MarkFlagRequired("name")
	addClientFlags(cmd, &f)
	return cmd
}

func newProjectUpdateCommand(a *app) *cobra.Command {
	var f clientFlags
	var v projectFields
	cmd := &cobra.Command{
		Use:          "update <project>",
		Short:        "Update a project (only the flags given are sent)",
		Example:      "  paperclip project update website -C <companyId> --status completed\n  paperclip project update <projectId> --lead-agent-id null",
		Args:         exactArgs("project"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := v.body(cmd)
			if err != nil {
				return err
			}
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.patch(cmd.Context(), apiPath("/api/projects/%s", args[0]), companyQuery(s.companyID), b)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	addCompanyFlag(cmd, &f, "company ID for a url-key lookup")
	v.bind(cmd, true)
	addClientFlags(cmd, &f)
	return cmd
}

func newProjectDeleteCommand(a *app) *cobra.Command {
	var f clientFlags
	var yes bool
	cmd := &cobra.Command{
		Use:          "delete <project>",
		Short:        "Delete a project",
		Example:      "  paperclip project delete website -C <companyId> --yes",
		Args:         exactArgs("project"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := refuseWithoutYes(yes); err != nil {
				return err
			}
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.delete(cmd.Context(), apiPath("/api/projects/%s", args[0]), companyQuery(s.companyID))
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	addCompanyFlag(cmd, &f, "company ID for a url-key lookup")
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	addClientFlags(cmd, &f)
	return cmd
}
