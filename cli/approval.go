package cli

import (
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The approval noun (cli.md §8.4).

func newApprovalCommand(a *app) *cobra.Command {
	return newGroupCommand("approval", "Approval operations",
		"  paperclip approval list -C <companyId> --status pending\n  paperclip approval approve <approvalId> --decision-note 'Go ahead'",
		newApprovalListCommand(a),
		newApprovalGetCommand(a),
		newApprovalCreateCommand(a),
		newApprovalDecisionCommand(a, "approve", "Approve an approval request"),
		newApprovalDecisionCommand(a, "reject", "Reject an approval request"),
		newApprovalDecisionCommand(a, "request-revision", "Ask for a revision of an approval request"),
		newApprovalResubmitCommand(a),
		newApprovalCommentCommand(a),
		newApprovalCommentsCommand(a),
	)
}

func newApprovalListCommand(a *app) *cobra.Command {
	var status string
	return newClientCommand(a, clientCommand{
		name:    "list",
		short:   "List approvals for a company",
		example: "  paperclip approval list -C <companyId>\n  paperclip approval list --status pending --json",
		company: companyScoped,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&status, "status", "", "only approvals with this status (pending, revision_requested, approved, rejected, cancelled)")
		},
		method: http.MethodGet, path: "/api/companies/%s/approvals",
		query:   func() url.Values { return nonEmptyQuery(map[string]string{"status": status}) },
		columns: []string{"id", "type", "status", "requestedByAgentId", "requestedByUserId"},
	})
}

func newApprovalGetCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "get", args: []string{"approvalId"},
		short:   "Get one approval",
		example: "  paperclip approval get <approvalId> --json",
		method:  http.MethodGet, path: "/api/approvals/%s",
	})
}

// approvalTypes are the kinds of approval a client may request.
func approvalTypes() []string {
	return []string{"hire_agent", "approve_ceo_strategy", "request_board_approval"}
}

func newApprovalCreateCommand(a *app) *cobra.Command {
	var typ, payload, requester, issues string
	return newClientCommand(a, clientCommand{
		name:    "create",
		short:   "Create an approval request",
		example: `  paperclip approval create -C <companyId> --type request_board_approval --payload '{"summary":"Buy a domain"}' --issue-ids <issueId>`,
		company: companyScoped,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&typ, "type", "", "approval type: hire_agent, approve_ceo_strategy, request_board_approval")
			fl.StringVar(&payload, "payload", "", "approval payload as a JSON object")
			fl.StringVar(&requester, "requested-by-agent-id", "", "requesting agent ID")
			fl.StringVar(&issues, "issue-ids", "", "comma-separated IDs of linked issues")
		},
		required: []string{"type", "payload"},
		method:   http.MethodPost, path: "/api/companies/%s/approvals",
		body: func(cmd *cobra.Command) (any, error) {
			if err := checkOneOf("type", typ, approvalTypes()...); err != nil {
				return nil, err
			}
			raw, err := parseJSONObjectFlag("payload", payload)
			if err != nil {
				return nil, err
			}
			b, _ := newBody(cmd).str("type", "type", typ).str("requested-by-agent-id", "requestedByAgentId", requester).
				csv("issue-ids", "issueIds", issues).build()
			b["payload"] = raw
			return b, nil
		},
	})
}

// newApprovalDecisionCommand is approve, reject or request-revision.
func newApprovalDecisionCommand(a *app, verb, short string) *cobra.Command {
	var note string
	return newClientCommand(a, clientCommand{
		name: verb, args: []string{"approvalId"},
		short:   short,
		example: "  paperclip approval " + verb + " <approvalId> --decision-note 'Reason for the decision'",
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&note, "decision-note", "", "decision note")
		},
		method: http.MethodPost, path: "/api/approvals/%s/" + verb,
		body: func(cmd *cobra.Command) (any, error) {
			return newBody(cmd).nullable("decision-note", "decisionNote", note).build()
		},
	})
}

func newApprovalResubmitCommand(a *app) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name: "resubmit", args: []string{"approvalId"},
		short:   "Resubmit an approval, optionally with a new payload",
		example: `  paperclip approval resubmit <approvalId> --payload '{"summary":"Cheaper domain"}'`,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&payload, "payload", "", "new payload as a JSON object")
		},
		method: http.MethodPost, path: "/api/approvals/%s/resubmit",
		body: func(cmd *cobra.Command) (any, error) {
			b := map[string]any{}
			if cmd.Flags().Changed("payload") {
				raw, err := parseJSONObjectFlag("payload", payload)
				if err != nil {
					return nil, err
				}
				b["payload"] = raw
			}
			return b, nil
		},
	})
}

func newApprovalCommentCommand(a *app) *cobra.Command {
	var text string
	return newClientCommand(a, clientCommand{
		name: "comment", args: []string{"approvalId"},
		short:   "Add a comment to an approval",
		example: "  paperclip approval comment <approvalId> --body 'Please add a budget'",
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&text, "body", "", "comment body")
		},
		required: []string{"body"},
		method:   http.MethodPost, path: "/api/approvals/%s/comments",
		body: func(*cobra.Command) (any, error) { return map[string]any{"body": text}, nil },
	})
}

func newApprovalCommentsCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "comments", args: []string{"approvalId"},
		short:   "List the comments of an approval",
		example: "  paperclip approval comments <approvalId> --json",
		method:  http.MethodGet, path: "/api/approvals/%s/comments",
	})
}
