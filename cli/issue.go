package cli

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
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
	var f clientFlags
	var status, assignee, project, match string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List issues for a company",
		Example: "  paperclip issue list -C <companyId>\n" +
			"  paperclip issue list --status todo,in_progress --assignee-agent-id <agentId> --json\n" +
			"  paperclip issue list --match login",
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
			if status != "" {
				q.Set("status", strings.Join(splitCSV(status), ","))
			}
			if assignee != "" {
				q.Set("assigneeAgentId", assignee)
			}
			if project != "" {
				q.Set("projectId", project)
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
	}
	addCompanyFlag(cmd, &f, "")
	fl := cmd.Flags()
	fl.StringVar(&status, "status", "", "comma-separated statuses")
	fl.StringVar(&assignee, "assignee-agent-id", "", "only issues assigned to this agent")
	fl.StringVar(&project, "project-id", "", "only issues of this project")
	fl.StringVar(&match, "match", "", "local case-insensitive match on identifier, title and description")
	addClientFlags(cmd, &f)
	return cmd
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
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "get <idOrIdentifier>",
		Short:        "Get an issue by UUID or identifier (e.g. PAP-12)",
		Example:      "  paperclip issue get PAP-12\n  paperclip issue get PAP-12 --json",
		Args:         exactArgs("idOrIdentifier"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/issues/%s", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

// issueFields are the flags create and update share.
type issueFields struct {
	title, description, status, priority, assignee, project, goal, parent, depth, billing string
}

func (v *issueFields) bind(cmd *cobra.Command) {
	fl := cmd.Flags()
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
	var f clientFlags
	var v issueFields
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an issue",
		Example: "  paperclip issue create -C <companyId> --title 'Write the launch post' --priority high\n" +
			"  paperclip issue create --title 'Fix login' --assignee-agent-id <agentId> --status todo --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			payload, err := v.body(newBody(cmd)).build()
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
			raw, err := s.post(cmd.Context(), apiPath("/api/companies/%s/issues", c), payload)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	addCompanyFlag(cmd, &f, "")
	v.bind(cmd)
	cmd.MarkFlagRequired("title")
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueUpdateCommand(a *app) *cobra.Command {
	var f clientFlags
	var v issueFields
	var comment, hiddenAt string
	cmd := &cobra.Command{
		Use:   "update <issueId>",
		Short: "Update an issue (only the flags given are sent)",
		Example: "  paperclip issue update PAP-12 --status done --comment 'Shipped in #42'\n" +
			"  paperclip issue update PAP-12 --assignee-agent-id null",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			payload, err := v.body(newBody(cmd)).str("comment", "comment", comment).
				nullable("hidden-at", "hiddenAt", hiddenAt).build()
			if err != nil {
				return err
			}
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.patch(cmd.Context(), apiPath("/api/issues/%s", args[0]), nil, payload)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	v.bind(cmd)
	cmd.Flags().StringVar(&comment, "comment", "", "comment to add with the update")
	cmd.Flags().StringVar(&hiddenAt, "hidden-at", "", "hiddenAt timestamp (ISO 8601) or the literal null")
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueCommentCommand(a *app) *cobra.Command {
	var f clientFlags
	var text string
	var reopen bool
	cmd := &cobra.Command{
		Use:          "comment <issueId>",
		Short:        "Add a comment to an issue",
		Example:      "  paperclip issue comment PAP-12 --body 'Done: see the PR'\n  paperclip issue comment PAP-12 --body 'Not fixed yet' --reopen",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			payload := map[string]any{"body": text}
			if reopen {
				payload["reopen"] = true
			}
			return a.simplePost(cmd.Context(), &f, apiPath("/api/issues/%s/comments", args[0]), payload)
		},
	}
	cmd.Flags().StringVar(&text, "body", "", "comment body (markdown)")
	cmd.Flags().BoolVar(&reopen, "reopen", false, "reopen the issue if it is done or cancelled")
	cmd.MarkFlagRequired("body")
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueCommentsCommand(a *app) *cobra.Command {
	var f clientFlags
	var after, order, limit string
	cmd := &cobra.Command{
		Use:          "comments <issueId>",
		Short:        "List issue comments",
		Example:      "  paperclip issue comments PAP-12 --order asc\n  paperclip issue comments PAP-12 --after-comment-id <commentId> --json",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if order != "" {
				if err := checkOneOf("order", order, "asc", "desc"); err != nil {
					return err
				}
			}
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			q := url.Values{}
			for k, v := range map[string]string{"after": after, "order": order, "limit": limit} {
				if v != "" {
					q.Set(k, v)
				}
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/issues/%s/comments", args[0]), q)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	cmd.Flags().StringVar(&after, "after-comment-id", "", "only comments after this comment ID")
	cmd.Flags().StringVar(&order, "order", "", "asc or desc")
	cmd.Flags().StringVar(&limit, "limit", "", "maximum number of comments")
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueCheckoutCommand(a *app) *cobra.Command {
	var f clientFlags
	var agentID, expected string
	cmd := &cobra.Command{
		Use:          "checkout <issueId>",
		Short:        "Check an issue out for an agent (409 when another agent owns it)",
		Example:      "  paperclip issue checkout PAP-12 --agent-id <agentId>\n  paperclip issue checkout PAP-12 --agent-id <agentId> --expected-statuses todo --json",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			payload := map[string]any{"agentId": agentID, "expectedStatuses": splitCSVList(expected)}
			return a.simplePost(cmd.Context(), &f, apiPath("/api/issues/%s/checkout", args[0]), payload)
		},
	}
	cmd.Flags().StringVar(&agentID, "agent-id", "", "agent that takes the issue")
	cmd.Flags().StringVar(&expected, "expected-statuses", "todo,backlog,blocked", "statuses the issue may currently have")
	cmd.MarkFlagRequired("agent-id")
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueReleaseCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "release <issueId>",
		Short:        "Release an issue back to todo and clear its assignee",
		Example:      "  paperclip issue release PAP-12",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simplePost(cmd.Context(), &f, apiPath("/api/issues/%s/release", args[0]), nil)
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueDeleteCommand(a *app) *cobra.Command {
	var f clientFlags
	var yes bool
	cmd := &cobra.Command{
		Use:          "delete <issueId>",
		Short:        "Delete an issue",
		Example:      "  paperclip issue delete PAP-12 --yes",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleDelete(cmd, &f, yes, apiPath("/api/issues/%s", args[0]), nil)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueRunsCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "runs <issueId>",
		Short:        "List heartbeat runs that worked on an issue",
		Example:      "  paperclip issue runs PAP-12 --json",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/issues/%s/runs", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newIssueActiveRunCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "active-run <issueId>",
		Short:        "Show the heartbeat run executing an issue, if any",
		Example:      "  paperclip issue active-run PAP-12",
		Args:         exactArgs("issueId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/issues/%s/active-run", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

// simpleDelete refuses without --yes, then DELETEs path and prints the answer.
func (a *app) simpleDelete(cmd *cobra.Command, f *clientFlags, yes bool, path string, q url.Values) error {
	if err := refuseWithoutYes(yes); err != nil {
		return err
	}
	s, err := a.newSession(f)
	if err != nil {
		return err
	}
	raw, err := s.delete(cmd.Context(), path, q)
	if err != nil {
		return err
	}
	return s.print(raw)
}
