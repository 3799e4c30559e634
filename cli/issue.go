package cli

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The issue noun (cli.md §8.2): what an agent's heartbeat script drives with --json.

func newIssueCommand(a *app) *cobra.Command {
	return newGroupCommand("issue", "Issue operations",
		"  paperclip issue list -C <companyId> --status todo,in_progress\n"+
			"  paperclip issue checkout PAP-12 --agent-id <agentId> --json",
		newIssueListCommand(a),
		newIssueGetCommand(a),
		newIssueCreateCommand(a),
		newIssueUpdateCommand(a),
		newIssueCommentCommand(a),
		newIssueCommentsCommand(a),
		newIssueCheckoutCommand(a),
		newIssueReleaseCommand(a),
		newIssueDeleteCommand(a),
		newIssueRunsCommand(a),
		newIssueActiveRunCommand(a),
	)
}

// issueColumns are the keys of a human issue list line.
func issueColumns() []string {
	return []string{"identifier", "id", "status", "priority", "assigneeAgentId", "title", "projectId"}
}

func newIssueListCommand(a *app) *cobra.Command {
	var status, assignee, project, match string
	return newClientCommand(a, clientCommand{
		name:  "list",
		short: "List issues for a company",
		example: "  paperclip issue list -C <companyId>\n" +
			"  paperclip issue list --status todo,in_progress --assignee-agent-id <agentId> --json\n" +
			"  paperclip issue list --match login",
		company: companyFlag,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&status, "status", "", "comma-separated statuses")
			fl.StringVar(&assignee, "assignee-agent-id", "", "only issues assigned to this agent")
			fl.StringVar(&project, "project-id", "", "only issues of this project")
			fl.StringVar(&match, "match", "", "local case-insensitive match on identifier, title and description")
		},
		run: func(cmd *cobra.Command, s *session, _ []string) error {
			c, err := s.company()
			if err != nil {
				return err
			}
			q := nonEmptyQuery(map[string]string{"assigneeAgentId": assignee, "projectId": project})
			if status != "" {
				q.Set("status", strings.Join(splitCSV(status), ","))
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/companies/%s/issues", c), q)
			if err != nil {
				return err
			}
			if match != "" {
				if raw, err = filterIssues(raw, match); err != nil {
					return err
				}
			}
			return s.printRows(raw, issueColumns()...)
		},
	})
}

// filterIssues keeps the issues whose identifier, title or description contains text.
func filterIssues(raw json.RawMessage, text string) (json.RawMessage, error) {
	tree, err := decodeOrderedJSON(raw)
	if err != nil {
		return nil, err
	}
	list, ok := tree.([]any)
	if !ok {
		return raw, nil
	}
	needle := strings.ToLower(text)
	kept := []any{}
	for _, item := range list {
		obj, ok := item.(*orderedObject)
		if !ok {
			continue
		}
		for _, k := range []string{"identifier", "title", "description"} {
			if s, ok := obj.vals[k].(string); ok && strings.Contains(strings.ToLower(s), needle) {
				kept = append(kept, obj)
				break
			}
		}
	}
	return encodeOrderedJSON(kept)
}

func newIssueGetCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "get", args: []string{"idOrIdentifier"},
		short:   "Get an issue by UUID or identifier (e.g. PAP-12)",
		example: "  paperclip issue get PAP-12\n  paperclip issue get PAP-12 --json",
		method:  http.MethodGet, path: "/api/issues/%s",
	})
}

// issueFields are the flags create and update share.
type issueFields struct {
	title, description, status, priority, assignee, project, goal, parent, depth, billing string
}

func (v *issueFields) bind(fl *pflag.FlagSet) {
	fl.StringVar(&v.title, "title", "", "issue title")
	fl.StringVar(&v.description, "description", "", "issue description")
	fl.StringVar(&v.status, "status", "", "status: backlog, todo, in_progress, in_review, blocked, done, cancelled")
	fl.StringVar(&v.priority, "priority", "", "priority: critical, high, medium, low")
	fl.StringVar(&v.assignee, "assignee-agent-id", "", "assignee agent ID")
	fl.StringVar(&v.project, "project-id", "", "project ID")
	fl.StringVar(&v.goal, "goal-id", "", "goal ID")
	fl.StringVar(&v.parent, "parent-id", "", "parent issue ID")
	fl.StringVar(&v.depth, "request-depth", "", "request depth (whole number)")
	fl.StringVar(&v.billing, "billing-code", "", "billing code")
}

// body fills b; on update every field but title, status and priority accepts "null".
func (v *issueFields) body(b *body) *body {
	b.str("title", "title", v.title).nullable("description", "description", v.description).
		str("status", "status", v.status).str("priority", "priority", v.priority).
		nullable("assignee-agent-id", "assigneeAgentId", v.assignee).nullable("project-id", "projectId", v.project).
		nullable("goal-id", "goalId", v.goal).nullable("parent-id", "parentId", v.parent).
		integer("request-depth", "requestDepth", v.depth).nullable("billing-code", "billingCode", v.billing)
	return b
}

func newIssueCreateCommand(a *app) *cobra.Command {
	var v issueFields
	return newClientCommand(a, clientCommand{
		name:  "create",
		short: "Create an issue",
		example: "  paperclip issue create -C <companyId> --title 'Write the launch post' --priority high\n" +
			"  paperclip issue create --title 'Fix login' --assignee-agent-id <agentId> --status todo --json",
		company: companyScoped,
		flags:   v.bind, required: []string{"title"},
		method: http.MethodPost, path: "/api/companies/%s/issues",
		body: func(cmd *cobra.Command) (any, error) { return v.body(newBody(cmd)).build() },
	})
}

func newIssueUpdateCommand(a *app) *cobra.Command {
	var v issueFields
	var comment, hiddenAt string
	return newClientCommand(a, clientCommand{
		name: "update", args: []string{"issueId"},
		short: "Update an issue (only the flags given are sent)",
		example: "  paperclip issue update PAP-12 --status done --comment 'Shipped in #42'\n" +
			"  paperclip issue update PAP-12 --assignee-agent-id null",
		flags: func(fl *pflag.FlagSet) {
			v.bind(fl)
			fl.StringVar(&comment, "comment", "", "comment to add with the update")
			fl.StringVar(&hiddenAt, "hidden-at", "", "hiddenAt timestamp (ISO 8601) or the literal null")
		},
		method: http.MethodPatch, path: "/api/issues/%s",
		body: func(cmd *cobra.Command) (any, error) {
			return v.body(newBody(cmd)).str("comment", "comment", comment).
				nullable("hidden-at", "hiddenAt", hiddenAt).build()
		},
	})
}

func newIssueCommentCommand(a *app) *cobra.Command {
	var text string
	var reopen bool
	return newClientCommand(a, clientCommand{
		name: "comment", args: []string{"issueId"},
		short:   "Add a comment to an issue",
		example: "  paperclip issue comment PAP-12 --body 'Done: see the PR'\n  paperclip issue comment PAP-12 --body 'Not fixed yet' --reopen",
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&text, "body", "", "comment body (markdown)")
			fl.BoolVar(&reopen, "reopen", false, "reopen the issue if it is done or cancelled")
		},
		required: []string{"body"},
		method:   http.MethodPost, path: "/api/issues/%s/comments",
		body: func(*cobra.Command) (any, error) {
			payload := map[string]any{"body": text}
			if reopen {
				payload["reopen"] = true
			}
			return payload, nil
		},
	})
}

func newIssueCommentsCommand(a *app) *cobra.Command {
	var after, order, limit string
	return newClientCommand(a, clientCommand{
		name: "comments", args: []string{"issueId"},
		short:   "List issue comments",
		example: "  paperclip issue comments PAP-12 --order asc\n  paperclip issue comments PAP-12 --after-comment-id <commentId> --json",
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&after, "after-comment-id", "", "only comments after this comment ID")
			fl.StringVar(&order, "order", "", "asc or desc")
			fl.StringVar(&limit, "limit", "", "maximum number of comments")
		},
		check: func(*cobra.Command, []string) error {
			if order != "" {
				return checkOneOf("order", order, "asc", "desc")
			}
			return nil
		},
		method: http.MethodGet, path: "/api/issues/%s/comments",
		query: func() url.Values {
			return nonEmptyQuery(map[string]string{"after": after, "order": order, "limit": limit})
		},
	})
}

func newIssueCheckoutCommand(a *app) *cobra.Command {
	var agentID, expected string
	return newClientCommand(a, clientCommand{
		name: "checkout", args: []string{"issueId"},
		short:   "Check an issue out for an agent (409 when another agent owns it)",
		example: "  paperclip issue checkout PAP-12 --agent-id <agentId>\n  paperclip issue checkout PAP-12 --agent-id <agentId> --expected-statuses todo --json",
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&agentID, "agent-id", "", "agent that takes the issue")
			fl.StringVar(&expected, "expected-statuses", "todo,backlog,blocked", "statuses the issue may currently have")
		},
		required: []string{"agent-id"},
		method:   http.MethodPost, path: "/api/issues/%s/checkout",
		body: func(*cobra.Command) (any, error) {
			return map[string]any{"agentId": agentID, "expectedStatuses": splitCSVList(expected)}, nil
		},
	})
}

func newIssueReleaseCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "release", args: []string{"issueId"},
		short:   "Release an issue back to todo and clear its assignee",
		example: "  paperclip issue release PAP-12",
		method:  http.MethodPost, path: "/api/issues/%s/release",
	})
}

func newIssueDeleteCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "delete", args: []string{"issueId"},
		short:   "Delete an issue",
		example: "  paperclip issue delete PAP-12 --yes",
		confirm: true,
		method:  http.MethodDelete, path: "/api/issues/%s",
	})
}

func newIssueRunsCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "runs", args: []string{"issueId"},
		short:   "List heartbeat runs that worked on an issue",
		example: "  paperclip issue runs PAP-12 --json",
		method:  http.MethodGet, path: "/api/issues/%s/runs",
	})
}

func newIssueActiveRunCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "active-run", args: []string{"issueId"},
		short:   "Show the heartbeat run executing an issue, if any",
		example: "  paperclip issue active-run PAP-12",
		method:  http.MethodGet, path: "/api/issues/%s/active-run",
	})
}
