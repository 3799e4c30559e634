package cli

import (
	"net/http"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// projectLookupUsage is -C's usage on the commands that take a url key.
const projectLookupUsage = "company ID for a url-key lookup"

func newProjectListCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:    "list",
		short:   "List projects for a company",
		example: "  paperclip project list -C <companyId>\n  paperclip project list --json",
		company: companyScoped,
		method:  http.MethodGet, path: "/api/companies/%s/projects",
		columns: []string{"id", "name", "status", "urlKey", "goalIds", "leadAgentId"},
	})
}

func newProjectGetCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "get", args: []string{"project"},
		short:   "Get one project by ID, or by url key with -C",
		example: "  paperclip project get <projectId>\n  paperclip project get website -C <companyId> --json",
		company: companyLookup, companyUsage: projectLookupUsage,
		method: http.MethodGet, path: "/api/projects/%s",
	})
}

// projectFields are the flags create and update share.
type projectFields struct {
	name, description, status, goalIDs, goalID, lead, targetDate, color, env, archivedAt string
}

// bind returns the flag binder; update adds --archived-at and says which fields accept null.
func (v *projectFields) bind(update bool) func(fl *pflag.FlagSet) {
	return func(fl *pflag.FlagSet) {
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
}

func (v *projectFields) body(cmd *cobra.Command) (any, error) {
	return newBody(cmd).str("name", "name", v.name).nullable("description", "description", v.description).
		str("status", "status", v.status).csv("goal-ids", "goalIds", v.goalIDs).nullable("goal-id", "goalId", v.goalID).
		nullable("lead-agent-id", "leadAgentId", v.lead).nullable("target-date", "targetDate", v.targetDate).
		nullable("color", "color", v.color).json("env-json", "env", v.env, true).
		nullable("archived-at", "archivedAt", v.archivedAt).build()
}

func newProjectCreateCommand(a *app) *cobra.Command {
	var v projectFields
	return newClientCommand(a, clientCommand{
		name:    "create",
		short:   "Create a project",
		example: "  paperclip project create -C <companyId> --name Website --goal-ids <goalId> --target-date 2026-12-31",
		company: companyScoped,
		flags:   v.bind(false), required: []string{"name"},
		method: http.MethodPost, path: "/api/companies/%s/projects", body: v.body,
	})
}

func newProjectUpdateCommand(a *app) *cobra.Command {
	var v projectFields
	return newClientCommand(a, clientCommand{
		name: "update", args: []string{"project"},
		short:   "Update a project (only the flags given are sent)",
		example: "  paperclip project update website -C <companyId> --status completed\n  paperclip project update <projectId> --lead-agent-id null",
		company: companyLookup, companyUsage: projectLookupUsage,
		flags:  v.bind(true),
		method: http.MethodPatch, path: "/api/projects/%s", body: v.body,
	})
}

func newProjectDeleteCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "delete", args: []string{"project"},
		short:   "Delete a project",
		example: "  paperclip project delete website -C <companyId> --yes",
		company: companyLookup, companyUsage: projectLookupUsage,
		confirm: true,
		method:  http.MethodDelete, path: "/api/projects/%s",
	})
}
