package cli

import (
	"github.com/spf13/cobra"
)

// The goal noun (cli.md §8.6).

func newGoalCommand(a *app) *cobra.Command {
	return newGroupCommand("goal", "Goal operations",
		"  paperclip goal list -C <companyId>\n  paperclip goal create --title 'Reach 1000 users' --level company",
		newGoalListCommand(a),
		newGoalGetCommand(a),
		newGoalCreateCommand(a),
		newGoalUpdateCommand(a),
		newGoalDeleteCommand(a),
	)
}

func newGoalListCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "list",
		Short:        "List goals for a company",
		Example:      "  paperclip goal list -C <companyId>\n  paperclip goal list --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.companyGet(cmd, &f, "/api/companies/%s/goals", nil, "id", "status", "title", "level", "parentId", "ownerAgentId")
		},
	}
	addCompanyFlag(cmd, &f, "")
	addClientFlags(cmd, &f)
	return cmd
}

func newGoalGetCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "get <goalId>",
		Short:        "Get one goal",
		Example:      "  paperclip goal get <goalId> --json",
		Args:         exactArgs("goalId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/goals/%s", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

// goalFields are the flags create and update share.
type goalFields struct {
	title, description, level, status, parent, owner string
}

func (v *goalFields) bind(cmd *cobra.Command, update bool) {
	fl := cmd.Flags()
	orNull := ""
	if update {
		orNull = " (or null)"
	}
	fl.StringVar(&v.title, "title", "", "goal title")
	fl.StringVar(&v.description, "description", "", "goal description"+orNull)
	fl.StringVar(&v.level, "level", "", "goal level: company, team, agent, task")
	fl.StringVar(&v.status, "status", "", "goal status: planned, active, achieved, cancelled")
	fl.StringVar(&v.parent, "parent-id", "", "parent goal ID"+orNull)
	fl.StringVar(&v.owner, "owner-agent-id", "", "owner agent ID"+orNull)
}

func (v *goalFields) body(cmd *cobra.Command) (map[string]any, error) {
	if cmd.Flags().Changed("level") {
		if err := checkOneOf("level", v.level, "company", "team", "agent", "task"); err != nil {
			return nil, err
		}
	}
	if cmd.Flags().Changed("status") {
		if err := checkOneOf("status", v.status, "planned", "active", "achieved", "cancelled"); err != nil {
			return nil, err
		}
	}
	return newBody(cmd).str("title", "title", v.title).nullable("description", "description", v.description).
		str("level", "level", v.level).str("status", "status", v.status).
		nullable("parent-id", "parentId", v.parent).nullable("owner-agent-id", "ownerAgentId", v.owner).build()
}

func newGoalCreateCommand(a *app) *cobra.Command {
	var f clientFlags
	var v goalFields
	cmd := &cobra.Command{
		Use:          "create",
		Short:        "Create a goal",
		Example:      "  paperclip goal create -C <companyId> --title 'Ship v1' --level company --status active",
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
			return s.send(cmd.Context(), "POST", apiPath("/api/companies/%s/goals", c), b)
		},
	}
	addCompanyFlag(cmd, &f, "")
	v.bind(cmd, false)
	cmd.MarkFlagRequired("title")
	addClientFlags(cmd, &f)
	return cmd
}

func newGoalUpdateCommand(a *app) *cobra.Command {
	var f clientFlags
	var v goalFields
	cmd := &cobra.Command{
		Use:          "update <goalId>",
		Short:        "Update a goal (only the flags given are sent)",
		Example:      "  paperclip goal update <goalId> --status achieved\n  paperclip goal update <goalId> --parent-id null",
		Args:         exactArgs("goalId"),
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
			return s.send(cmd.Context(), "PATCH", apiPath("/api/goals/%s", args[0]), b)
		},
	}
	v.bind(cmd, true)
	addClientFlags(cmd, &f)
	return cmd
}

func newGoalDeleteCommand(a *app) *cobra.Command {
	var f clientFlags
	var yes bool
	cmd := &cobra.Command{
		Use:          "delete <goalId>",
		Short:        "Delete a goal",
		Example:      "  paperclip goal delete <goalId> --yes",
		Args:         exactArgs("goalId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleDelete(cmd, &f, yes, apiPath("/api/goals/%s", args[0]), nil)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	addClientFlags(cmd, &f)
	return cmd
}
