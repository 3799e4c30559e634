package cli

import (
	"net/url"

	"github.com/spf13/cobra"
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
	var f clientFlags
	var status string
	cmd := &cobra.Command{
		Use:          "list",
		Short:        "List approvals for a company",
		Example:      "  paperclip approval list -C <companyId>\n  paperclip approval list --status pending --json",
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
			var q url.Values
			if status != "" {
				q = url.Values{"status": {status}}
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/companies/%s/approvals", c), q)
			if err != nil {
				return err
			}
			return s.printRows(raw, "id", "type", "status", "requestedByAgentId", "requestedByUserId")
		},
	}
	addCompanyFlag(cmd, &f, "")
	cmd.Flags().StringVar(&status, "status", "", "only approvals with this status (pending, revision_requested, approved, rejected, cancelled)")
	addClientFlags(cmd, &f)
	return cmd
}

func newApprovalGetCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "get <approvalId>",
		Short:        "Get one approval",
		Example:      "  paperclip approval get <approvalId> --json",
		Args:         exactArgs("approvalId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/approvals/%s", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

// approvalTypes are the kinds of approval a client may request.
func approvalTypes() []string {
	return []string{"hire_agent", "approve_ceo_strategy", "request_board_approval"}
}

func newApprovalCreateCommand(a *app) *cobra.Command {
	var f clientFlags
	var typ, payload, requester, issues string
	cmd := &cobra.Command{
		Use:          "create",
		Short:        "Create an approval request",
		Example:      `  paperclip approval create -C <companyId> --type request_board_approval --payload '{"summary":"Buy a domain"}' --issue-ids <issueId>`,
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOneOf("type", typ, approvalTypes()...); err != nil {
				return err
			}
			raw, err := parseJSONObjectFlag("payload", payload)
			if err != nil {
				return err
			}
			b, _ := newBody(cmd).str("type", "type", typ).str("requested-by-agent-id", "requestedByAgentId", requester).
				csv("issue-ids", "issueIds", issues).build()
			b["payload"] = raw
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			c, err := s.company()
			if err != nil {
				return err
			}
			return s.send(cmd.Context(), "POST", apiPath("/api/companies/%s/approvals", c), b)
		},
	}
	addCompanyFlag(cmd, &f, "")
	fl := cmd.Flags()
	fl.StringVar(&typ, "type", "", "approval type: hire_agent, approve_ceo_strategy, request_board_approval")
	fl.StringVar(&payload, "payload", "", "approval payload as a JSON object")
	fl.StringVar(&requester, "requested-by-agent-id", "", "requesting agent ID")
	fl.StringVar(&issues, "issue-ids", "", "comma-separated IDs of linked issues")
	cmd.MarkFlagRequired("type")
	cmd.MarkFlagRequired("payload")
	addClientFlags(cmd, &f)
	return cmd
}

// newApprovalDecisionCommand is approve, reject or request-revision.
func newApprovalDecisionCommand(a *app, verb, short string) *cobra.Command {
	var f clientFlags
	var note string
	cmd := &cobra.Command{
		Use:          verb + " <approvalId>",
		Short:        short,
		Example:      "  paperclip approval " + verb + " <approvalId> --decision-note 'Reason for the decision'",
		Args:         exactArgs("approvalId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, _ := newBody(cmd).nullable("decision-note", "decisionNote", note).build()
			return a.simplePost(cmd.Context(), &f, apiPath("/api/approvals/%s/", args[0])+verb, b)
		},
	}
	cmd.Flags().StringVar(&note, "decision-note", "", "decision note")
	addClientFlags(cmd, &f)
	return cmd
}

func newApprovalResubmitCommand(a *app) *cobra.Command {
	var f clientFlags
	var payload string
	cmd := &cobra.Command{
		Use:          "resubmit <approvalId>",
		Short:        "Resubmit an approval, optionally with a new payload",
		Example:      `  paperclip approval resubmit <approvalId> --payload '{"summary":"Cheaper domain"}'`,
		Args:         exactArgs("approvalId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			b := map[string]any{}
			if cmd.Flags().Changed("payload") {
				raw, err := parseJSONObjectFlag("payload", payload)
				if err != nil {
					return err
				}
				b["payload"] = raw
			}
			return a.simplePost(cmd.Context(), &f, apiPath("/api/approvals/%s/resubmit", args[0]), b)
		},
	}
	cmd.Flags().StringVar(&payload, "payload", "", "new payload as a JSON object")
	addClientFlags(cmd, &f)
	return cmd
}

func newApprovalCommentCommand(a *app) *cobra.Command {
	var f clientFlags
	var text string
	cmd := &cobra.Command{
		Use:          "comment <approvalId>",
		Short:        "Add a comment to an approval",
		Example:      "  paperclip approval comment <approvalId> --body 'Please add a budget'",
		Args:         exactArgs("approvalId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simplePost(cmd.Context(), &f, apiPath("/api/approvals/%s/comments", args[0]), map[string]any{"body": text})
		},
	}
	cmd.Flags().StringVar(&text, "body", "", "comment body")
	cmd.MarkFlagRequired("body")
	addClientFlags(cmd, &f)
	return cmd
}

func newApprovalCommentsCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "comments <approvalId>",
		Short:        "List the comments of an approval",
		Example:      "  paperclip approval comments <approvalId> --json",
		Args:         exactArgs("approvalId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/approvals/%s/comments", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}
