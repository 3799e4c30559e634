package cli

import (
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The agent noun (cli.md §8.3). Local CLI setup (keys and skills) is in agent_local.go.

func newAgentCommand(a *app) *cobra.Command {
	return newGroupCommand("agent", "Agent operations",
		"  paperclip agent list -C <companyId>\n  paperclip agent wake ceo -C <companyId> --reason 'new goal'",
		newAgentMeCommand(a),
		newAgentInboxCommand(a),
		newAgentListCommand(a),
		newAgentGetCommand(a),
		newAgentPayloadCommand(a, "create", "Create an agent from a JSON payload", "CreateAgent", "/api/companies/%s/agents",
			`  paperclip agent create -C <companyId> --payload-json '{"name":"Writer","role":"general","adapterType":"process","adapterConfig":{"command":"./agent.sh"}}'`),
		newAgentPayloadCommand(a, "hire", "Create an agent hire request (board approval when required)", "CreateAgentHire", "/api/companies/%s/agent-hires",
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

// agentLookupUsage is -C's usage on the commands that accept a shortname.
const agentLookupUsage = "company ID for a shortname lookup"

func newAgentMeCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:    "me",
		short:   "Show the agent the API key belongs to",
		example: "  PAPERCLIP_API_KEY=pcp_... paperclip agent me --json",
		method:  http.MethodGet, path: "/api/agents/me",
	})
}

// inboxStatuses are the statuses of work an agent still has to do.
const inboxStatuses = "todo,in_progress,in_review,blocked"

func newAgentInboxCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:    "inbox",
		short:   "List the open issues assigned to the calling agent",
		example: "  paperclip agent inbox --json",
		run: func(cmd *cobra.Command, s *session, _ []string) error {
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
	})
}

func newAgentListCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name:    "list",
		short:   "List agents for a company",
		example: "  paperclip agent list -C <companyId>\n  paperclip agent list --json",
		company: companyScoped,
		method:  http.MethodGet, path: "/api/companies/%s/agents",
		columns: []string{"id", "name", "role", "status", "reportsTo", "budgetMonthlyCents", "spentMonthlyCents"},
	})
}

func newAgentGetCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "get", args: []string{"agentId"},
		short:   "Get one agent by ID, or by shortname with -C",
		example: "  paperclip agent get <agentId>\n  paperclip agent get ceo -C <companyId> --json",
		company: companyLookup, companyUsage: agentLookupUsage,
		method: http.MethodGet, path: "/api/agents/%s",
	})
}

// newAgentPayloadCommand is create or hire: a company-scoped POST of --payload-json.
func newAgentPayloadCommand(a *app, name, short, schema, pathFormat, example string) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name: name, short: short, example: example,
		company: companyScoped,
		flags:   payloadFlag(&payload, "", schema), required: []string{"payload-json"},
		method: http.MethodPost, path: pathFormat, body: payloadBody(&payload),
	})
}

func newAgentUpdateCommand(a *app) *cobra.Command {
	var payload string
	return newClientCommand(a, clientCommand{
		name: "update", args: []string{"agentId"},
		short:   "Update an agent from a JSON payload",
		example: `  paperclip agent update <agentId> --payload-json '{"budgetMonthlyCents":2000}'`,
		flags:   payloadFlag(&payload, "{}", "UpdateAgent"),
		method:  http.MethodPatch, path: "/api/agents/%s", body: payloadBody(&payload),
	})
}

func newAgentDeleteCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "delete", args: []string{"agentId"},
		short:   "Delete an agent",
		example: "  paperclip agent delete <agentId> --yes",
		confirm: true,
		method:  http.MethodDelete, path: "/api/agents/%s",
	})
}

// newAgentActionCommand is a bodiless POST /api/agents/{id}/<action>.
func newAgentActionCommand(a *app, name, short, action string) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: name, args: []string{"agentId"},
		short:   short,
		example: "  paperclip agent " + name + " <agentId>",
		method:  http.MethodPost, path: "/api/agents/%s/" + action,
	})
}

// Wake sources and trigger details (runtime §3.1).
func wakeSources() []string  { return []string{"timer", "assignment", "on_demand", "automation"} }
func wakeTriggers() []string { return []string{"manual", "ping", "callback", "system"} }

func newAgentWakeCommand(a *app) *cobra.Command {
	var source, trigger, reason, payload, idem string
	var fresh bool
	// b is the wakeup body, checked before the session; the path needs the agent id,
	// which only a lookup can give.
	var b map[string]any
	return newClientCommand(a, clientCommand{
		name: "wake", args: []string{"agentRef"},
		short: "Request a heartbeat wakeup for an agent",
		example: "  paperclip agent wake <agentId> --reason 'check the inbox'\n" +
			`  paperclip agent wake ceo -C <companyId> --payload '{"issueId":"PAP-12"}' --json`,
		company: companyFlag, companyUsage: agentLookupUsage,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&source, "source", "on_demand", "invocation source: timer, assignment, on_demand, automation")
			fl.StringVar(&trigger, "trigger", "manual", "trigger detail: manual, ping, callback, system")
			fl.StringVar(&reason, "reason", "", "wakeup reason")
			fl.StringVar(&payload, "payload", "", "JSON object payload (payload.issueId makes the wake issue-scoped)")
			fl.StringVar(&idem, "idempotency-key", "", "wakeup idempotency key")
			fl.BoolVar(&fresh, "force-fresh-session", false, "start a fresh adapter session")
		},
		check: func(cmd *cobra.Command, _ []string) error {
			if err := checkOneOf("source", source, wakeSources()...); err != nil {
				return err
			}
			if err := checkOneOf("trigger", trigger, wakeTriggers()...); err != nil {
				return err
			}
			var err error
			if b, err = newBody(cmd).str("reason", "reason", reason).str("idempotency-key", "idempotencyKey", idem).build(); err != nil {
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
			return nil
		},
		run: func(cmd *cobra.Command, s *session, args []string) error {
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
	})
}

func newAgentRuntimeStateCommand(a *app) *cobra.Command {
	return newClientCommand(a, clientCommand{
		name: "runtime-state", args: []string{"agentId"},
		short:   "Get an agent's runtime state",
		example: "  paperclip agent runtime-state <agentId> --json",
		method:  http.MethodGet, path: "/api/agents/%s/runtime-state",
	})
}

func newAgentResetSessionCommand(a *app) *cobra.Command {
	var taskKey string
	return newClientCommand(a, clientCommand{
		name: "runtime-state:reset-session", args: []string{"agentId"},
		short:   "Forget an agent's adapter session (all, or one task key)",
		example: "  paperclip agent runtime-state:reset-session <agentId>\n  paperclip agent runtime-state:reset-session <agentId> --task-key PAP-12",
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&taskKey, "task-key", "", "only the session of this task key")
		},
		method: http.MethodPost, path: "/api/agents/%s/runtime-state/reset-session",
		body: func(cmd *cobra.Command) (any, error) {
			return newBody(cmd).str("task-key", "taskKey", taskKey).build()
		},
	})
}
