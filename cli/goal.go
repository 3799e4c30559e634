package cli

import (
	"net/http"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	return newClientCommand(a, clientCommand{
		name:    "list",
		short:   "List goals for a company",
		example: "  paperclip goal list -C <companyId>\n  paperclip goal list --json",
		company: companyScoped,
		method:  http.MethodGet, path: "/api/companies/%s/goals",
		columns: []string{"id", "status", "title", "level", "parentId", "ownerAgentId"},
	})
}

func newGoalGetCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "get", args: []string{"goalId"},
		short:   "Get one goal",
		example: "  paperclip goal get <goalId> --json",
		method:  http.MethodGet, path: "/api/goals/%s",
	})
}

// goalFields are the flags create and update share.
type goalFields struct {
	title, description, level, status, parent, owner string
}

// bind returns the flag binder; on update the nullable fields say they accept null.
func (v *goalFields) bind(update bool) func(fl *pflag.FlagSet) {
	return func(fl *pflag.FlagSet) {
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
}

func (v *goalFields) body(cmd *cobra.Command) (any, error) {
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
	var v goalFields
	return newClientCommand(a, clientCommand{
		name:    "create",
		short:   "Create a goal",
		example: "  paperclip goal create -C <companyId> --title 'Ship v1' --level company --status active",
		company: companyScoped,
		flags:   v.bind(false), required: []string{"title"},
		method: http.MethodPost, path: "/api/companies/%s/goals", body: v.body,
	})
}

func newGoalUpdateCommand(a *app) *cobra.Command {
	var v goalFields
	return newClientCommand(a, clientCommand{
		name: "update", args: []string{"goalId"},
		short:   "Update a goal (only the flags given are sent)",
		example: "  paperclip goal update <goalId> --status achieved\n  paperclip goal update <goalId> --parent-id null",
		flags:   v.bind(true),
		method:  http.MethodPatch, path: "/api/goals/%s", body: v.body,
	})
}

func newGoalDeleteCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "delete", args: []string{"goalId"},
		short:   "Delete a goal",
		example: "  paperclip goal delete <goalId> --yes",
		confirm: true,
		method:  http.MethodDelete, path: "/api/goals/%s",
	})
}
