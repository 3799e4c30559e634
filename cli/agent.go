package cli

import (
	"net/url"

	"github.com/spf13/cobra"
)

// The agent noun (cli.md §8.3). Local CLI setup (keys and skills) is in agent_local.go.

func newAgentCommand(a *app) *cobra.Command {
	return newGroupCommand("agent", "Agent operations",
		"  paperclip agent list -C <companyId>\n  paperclip agent wake ceo -C <companyId> --reason 'new goal'",
		newAgentMeCommand(a),
		newAgentInboxCommand(a),
		newAgentListCommand(a),
		newAgentGetCommand(a),
		newAgentPayloadCommand(a, "create", "Create an agent from a JSON payload", "CreateAgent", "POST", "/api/companies/%s/agents",
			`  paperclip agent create -C <companyId> --payload-json '{"name":"Writer","role":"general","adapterType":"process","adapterConfig":{"command":"./agent.sh"}}'`),
		newAgentPayloadCommand(a, "hire", "Create an agent hire request (board approval when required)", "CreateAgentHire", "POST", "/api/companies/%s/agent-hires",
			`  paperclip agent hire -C <companyId> --payload-json '{"name":"Researcher","role":"researcher","adapterType":"claude_local"}'`),
		newAgentUpdateCommand(a),
		newAgentDeleteCommand(a),
		newAgentActionCommand(a, "pause", "Pause an agent", "pause"),
		newAgentActionCommand(a, "resume", "Resume a paused agent", "resume"),
		newAgentActionCommand(a, "approve", "Approve a pending agent", "approve"),
		newAgentActionCommand(a, "terminate", "Terminate an agent", "terminate"),
		newAgentActionCommand(a, "heartbeat:invoke", "Invoke an agent heartbeat now", "heartbeat/invoke"),
		newAgentWakeCommand(a),
		newAgentRuntimeStateCommand(a),
		newAgentResetSessionCommand(a),
		newAgentLocalCLICommand(a),
	)
}

func newAgentMeCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "me",
		Short:        "Show the agent the API key belongs to",
		Example:      "  PAPERCLIP_API_KEY=pcp_... paperclip agent me --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.simpleGet(cmd.Context(), &f, "/api/agents/me")
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

// inboxStatuses are the statuses of work an agent still has to do.
const inboxStatuses = "todo,in_progress,in_review,blocked"

func newAgentInboxCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "inbox",
		Short:        "List the open issues assigned to the calling agent",
		Example:      "  paperclip agent inbox --json",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			var me struct {
				ID        string `json:"id"`
				CompanyID string `json:"companyId"`
			}
			if err := s.api.getInto(cmd.Context(), "/api/agents/me", nil, &me); err != nil {
				return err
			}
			q := url.Values{"assigneeAgentId": {me.ID}, "status": {inboxStatuses}}
			raw, err := s.get(cmd.Context(), apiPath("/api/companies/%s/issues", me.CompanyID), q)
			if err != nil {
				return err
			}
			return s.printRows(raw, "identifier", "id", "status", "priority", "title", "projectId")
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newAgentListCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "list",
		Short:        "List agents for a company",
		Example:      "  paperclip agent list -C <companyId>\n  paperclip agent list --json",
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
			raw, err := s.get(cmd.Context(), apiPath("/api/companies/%s/agents", c), nil)
			if err != nil {
				return err
			}
			return s.printRows(raw, "id", "name", "role", "status", "reportsTo", "budgetMonthlyCents", "spentMonthlyCents")
		},
	}
	addCompanyFlag(cmd, &f, "")
	addClientFlags(cmd, &f)
	return cmd
}

func newAgentGetCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "get <agentId>",
		Short:        "Get one agent by ID, or by shortname with -C",
		Example:      "  paperclip agent get <agentId>\n  paperclip agent get ceo -C <companyId> --json",
		Args:         exactArgs("agentId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			raw, err := s.get(cmd.Context(), apiPath("/api/agents/%s", args[0]), companyQuery(s.companyID))
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	addCompanyFlag(cmd, &f, "company ID for a shortname lookup")
	addClientFlags(cmd, &f)
	return cmd
}

// newAgentPayloadCommand is create or hire: a company-scoped POST of --payload-json.
func newAgentPayloadCommand(a *app, use, short, schema, method, pathFormat, example string) *cobra.Command {
	var f clientFlags
	var payload string
	cmd := &cobra.Command{
		Use:          use,
		Short:        short,
		Example:      example,
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			raw, err := parseJSONFlag("payload-json", payload)
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
			return s.send(cmd.Context(), method, apiPath(pathFormat, c), raw)
		},
	}
	addCompanyFlag(cmd, &f, "")
	cmd.Flags().StringVar(&payload, "payload-json", "", schema+" JSON payload")
	cmd.MarkFlagRequired("payload-json")
	addClientFlags(cmd, &f)
	return cmd
}

func newAgentUpdateCommand(a *app) *cobra.Command {
	var f clientFlags
	var payload string
	cmd := &cobra.Command{
		Use:          "update <agentId>",
		Short:        "Update an agent from a JSON payload",
		Example:      `  paperclip agent update <agentId> --payload-json '{"budgetMonthlyCents":2000}'`,
		Args:         exactArgs("agentId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.sendPayload(cmd.Context(), &f, "PATCH", apiPath("/api/agents/%s", args[0]), payload)
		},
	}
	cmd.Flags().StringVar(&payload, "payload-json", "{}", "UpdateAgent JSON payload")
	addClientFlags(cmd, &f)
	return cmd
}

func newAgentDeleteCommand(a *app) *cobra.Command {
	var f clientFlags
	var yes bool
	cmd := &cobra.Command{
		Use:          "delete <agentId>",
		Short:        "Delete an agent",
		Example:      "  paperclip agent delete <agentId> --yes",
		Args:         exactArgs("agentId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleDelete(cmd, &f, yes, apiPath("/api/agents/%s", args[0]), nil)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	addClientFlags(cmd, &f)
	return cmd
}

// newAgentActionCommand is a bodiless POST /api/agents/{id}/<action>.
func newAgentActionCommand(a *app, use, short, action string) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          use + " <agentId>",
		Short:        short,
		Example:      "  paperclip agent " + use + " <agentId>",
		Args:         exactArgs("agentId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simplePost(cmd.Context(), &f, apiPath("/api/agents/%s/", args[0])+action, nil)
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

// Wake sources and trigger details (runtime §3.1).
func wakeSources() []string  { return []string{"timer", "assignment", "on_demand", "automation"} }
func wakeTriggers() []string { return []string{"manual", "ping", "callback", "system"} }

func newAgentWakeCommand(a *app) *cobra.Command {
	var f clientFlags
	var source, trigger, reason, payload, idem string
	var fresh bool
	cmd := &cobra.Command{
		Use:   "wake <agentRef>",
		Short: "Request a heartbeat wakeup for an agent",
		Example: "  paperclip agent wake <agentId> --reason 'check the inbox'\n" +
			`  paperclip agent wake ceo -C <companyId> --payload '{"issueId":"PAP-12"}' --json`,
		Args:         exactArgs("agentRef"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOneOf("source", source, wakeSources()...); err != nil {
				return err
			}
			if err := checkOneOf("trigger", trigger, wakeTriggers()...); err != nil {
				return err
			}
			b, err := newBody(cmd).str("reason", "reason", reason).str("idempotency-key", "idempotencyKey", idem).build()
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("payload") {
				raw, err := parseJSONObjectFlag("payload", payload)
				if err != nil {
					return err
				}
				b["payload"] = raw
			}
			b["source"], b["triggerDetail"], b["forceFreshSession"] = source, trigger, fresh
			s, err := a.newSession(&f)
			if err != nil {
				return err
			}
			ag, err := s.findAgent(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			raw, err := s.post(cmd.Context(), apiPath("/api/agents/%s/wakeup", ag.ID), b)
			if err != nil {
				return err
			}
			return s.print(raw)
		},
	}
	addCompanyFlag(cmd, &f, "company ID for a shortname lookup")
	fl := cmd.Flags()
	fl.StringVar(&source, "source", "on_demand", "invocation source: timer, assignment, on_demand, automation")
	fl.StringVar(&trigger, "trigger", "manual", "trigger detail: manual, ping, callback, system")
	fl.StringVar(&reason, "reason", "", "wakeup reason")
	fl.StringVar(&payload, "payload", "", "JSON object payload (payload.issueId makes the wake issue-scoped)")
	fl.StringVar(&idem, "idempotency-key", "", "wakeup idempotency key")
	fl.BoolVar(&fresh, "force-fresh-session", false, "start a fresh adapter session")
	addClientFlags(cmd, &f)
	return cmd
}

func newAgentRuntimeStateCommand(a *app) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:          "runtime-state <agentId>",
		Short:        "Get an agent's runtime state",
		Example:      "  paperclip agent runtime-state <agentId> --json",
		Args:         exactArgs("agentId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.simpleGet(cmd.Context(), &f, apiPath("/api/agents/%s/runtime-state", args[0]))
		},
	}
	addClientFlags(cmd, &f)
	return cmd
}

func newAgentResetSessionCommand(a *app) *cobra.Command {
	var f clientFlags
	var taskKey string
	cmd := &cobra.Command{
		Use:          "runtime-state:reset-session <agentId>",
		Short:        "Forget an agent's adapter session (all, or one task key)",
		Example:      "  paperclip agent runtime-state:reset-session <agentId>\n  paperclip agent runtime-state:reset-session <agentId> --task-key PAP-12",
		Args:         exactArgs("agentId"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, _ := newBody(cmd).str("task-key", "taskKey", taskKey).build()
			return a.simplePost(cmd.Context(), &f, apiPath("/api/agents/%s/runtime-state/reset-session", args[0]), b)
		},
	}
	cmd.Flags().StringVar(&taskKey, "task-key", "", "only the session of this task key")
	addClientFlags(cmd, &f)
	return cmd
}
