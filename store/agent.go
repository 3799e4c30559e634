package store

import (
	"encoding/json"
	"strings"
)

// Agent statuses.
const (
	AgentActive          = "active"
	AgentIdle            = "idle"
	AgentRunning         = "running"
	AgentPaused          = "paused"
	AgentError           = "error"
	AgentPendingApproval = "pending_approval"
	AgentTerminated      = "terminated"
)

// AgentStatuses are every agent status in spec order.
var AgentStatuses = []string{AgentActive, AgentPaused, AgentIdle, AgentRunning, AgentError, AgentPendingApproval, AgentTerminated}

// AgentRoles are the agent roles (data-model §2).
var AgentRoles = []string{"ceo", "cto", "cmo", "cfo", "security", "engineer", "designer", "pm", "qa", "devops", "researcher", "general"}

// RoleCEO is the role with company-wide agent powers (branding, permissions, all configs).
const RoleCEO = "ceo"

// AgentIcons are the accepted agent icon names.
var AgentIcons = []string{"bot", "cpu", "brain", "zap", "rocket", "code", "terminal", "shield", "eye", "search", "wrench",
	"hammer", "lightbulb", "sparkles", "star", "heart", "flame", "bug", "cog", "database", "globe", "lock", "mail",
	"message-square", "file-code", "git-branch", "package", "puzzle", "target", "wand", "atom", "circuit-board", "radar",
	"swords", "telescope", "microscope", "crown", "gem", "hexagon", "pentagon", "fingerprint"}

// Adapters registered in V1; any other adapterType is refused.
const (
	AdapterProcess     = "process"
	AdapterHTTP        = "http"
	AdapterClaudeLocal = "claude_local"
	AdapterCodexLocal  = "codex_local"
)

// AdapterTypes are the V1 registered adapters in display order.
var AdapterTypes = []string{AdapterProcess, AdapterHTTP, AdapterClaudeLocal, AdapterCodexLocal}

// IsAdapterType reports whether t is a registered adapter.
func IsAdapterType(t string) bool { return contains(AdapterTypes, t) }

// AdapterAgnosticKeys survive an adapterType change (data-model §2).
var AdapterAgnosticKeys = []string{"env", "promptTemplate", "instructionsFilePath", "cwd", "timeoutSec", "graceSec",
	"bootstrapPromptTemplate", "paperclipSkillSync"}

// InstructionsPathKeys are adapterConfig keys that point at an instructions file; changing
// them needs the rights of PATCH /agents/{id}/instructions-path.
var InstructionsPathKeys = []string{"instructionsFilePath", "agentsMdPath"}

// DefaultInstructionsPathKey is the adapterConfig key of the instructions file per adapter,
// "" when the adapter has none.
func DefaultInstructionsPathKey(adapterType string) string {
	switch adapterType {
	case AdapterClaudeLocal, AdapterCodexLocal, "gemini_local", "opencode_local":
		return "instructionsFilePath"
	}
	return ""
}

// AgentPermissions is the stored permissions object.
type AgentPermissions struct {
	CanCreateAgents bool `json:"canCreateAgents"`
}

// Agent is one agent row. AdapterConfig, RuntimeConfig and Metadata hold the stored (secret
// bearing) values for Go callers such as the runtime; the JSON form is always redacted.
type Agent struct {
	ID                 string
	CompanyID          string
	Name               string
	URLKey             string
	Role               string
	Title              *string
	Icon               *string
	Status             string
	ReportsTo          *string
	Capabilities       *string
	AdapterType        string
	AdapterConfig      map[string]any
	RuntimeConfig      map[string]any
	BudgetMonthlyCents int64
	SpentMonthlyCents  int64
	PauseReason        *string
	PausedAt           *string
	ErrorReason        *string
	Permissions        AgentPermissions
	LastHeartbeatAt    *string
	Metadata           map[string]any
	CreatedAt          string
	UpdatedAt          string

	// restricted hides the configuration objects (agents reading peers without rights).
	restricted bool
}

// agentWire is the JSON shape of an agent.
type agentWire struct {
	ID                 string           `json:"id"`
	CompanyID          string           `json:"companyId"`
	Name               string           `json:"name"`
	URLKey             string           `json:"urlKey"`
	Role               string           `json:"role"`
	Title              *string          `json:"title"`
	Icon               *string          `json:"icon"`
	Status             string           `json:"status"`
	ReportsTo          *string          `json:"reportsTo"`
	Capabilities       *string          `json:"capabilities"`
	AdapterType        string           `json:"adapterType"`
	AdapterConfig      map[string]any   `json:"adapterConfig"`
	RuntimeConfig      map[string]any   `json:"runtimeConfig"`
	BudgetMonthlyCents int64            `json:"budgetMonthlyCents"`
	SpentMonthlyCents  int64            `json:"spentMonthlyCents"`
	PauseReason        *string          `json:"pauseReason"`
	PausedAt           *string          `json:"pausedAt"`
	ErrorReason        *string          `json:"errorReason"`
	Permissions        AgentPermissions `json:"permissions"`
	LastHeartbeatAt    *string          `json:"lastHeartbeatAt"`
	Metadata           map[string]any   `json:"metadata"`
	CreatedAt          string           `json:"createdAt"`
	UpdatedAt          string           `json:"updatedAt"`
}

func (a Agent) wire() agentWire {
	w := agentWire{ID: a.ID, CompanyID: a.CompanyID, Name: a.Name, URLKey: a.URLKey, Role: a.Role, Title: a.Title,
		Icon: a.Icon, Status: a.Status, ReportsTo: a.ReportsTo, Capabilities: a.Capabilities, AdapterType: a.AdapterType,
		BudgetMonthlyCents: a.BudgetMonthlyCents, SpentMonthlyCents: a.SpentMonthlyCents, PauseReason: a.PauseReason,
		PausedAt: a.PausedAt, ErrorReason: a.ErrorReason, Permissions: a.Permissions, LastHeartbeatAt: a.LastHeartbeatAt,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.restricted {
		w.AdapterConfig, w.RuntimeConfig = map[string]any{}, map[string]any{}
	} else {
		w.AdapterConfig = RedactAdapterConfig(a.AdapterConfig)
		w.RuntimeConfig = redactMap(a.RuntimeConfig)
	}
	if a.Metadata != nil {
		w.Metadata = redactMap(a.Metadata)
	}
	return w
}

// MarshalJSON renders the agent with every secret redacted (secrets.md §5: for every caller).
func (a Agent) MarshalJSON() ([]byte, error) { return json.Marshal(a.wire()) }

// Restricted returns the view an agent without configuration rights gets of a peer:
// the same object with empty adapterConfig and runtimeConfig.
func (a Agent) Restricted() Agent {
	a.restricted = true
	return a
}

// IsLive reports whether the agent can still act (not terminated, not awaiting approval).
func (a Agent) IsLive() bool { return a.Status != AgentTerminated && a.Status != AgentPendingApproval }

// ChainEntry is one manager in an agent's chain of command.
type ChainEntry struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Role  string  `json:"role"`
	Title *string `json:"title"`
}

// AgentAccess summarises an agent's task assignment rights.
type AgentAccess struct {
	CanAssignTasks   bool   `json:"canAssignTasks"`
	TaskAssignSource string `json:"taskAssignSource"`
}

// AgentDetail is the detail view (GET /agents/{id}, /agents/me, lifecycle responses).
type AgentDetail struct {
	Agent
	ChainOfCommand []ChainEntry
	Access         AgentAccess
}

// MarshalJSON flattens the agent and adds the detail fields.
func (d AgentDetail) MarshalJSON() ([]byte, error) {
	chain := d.ChainOfCommand
	if chain == nil {
		chain = []ChainEntry{}
	}
	return json.Marshal(struct {
		agentWire
		ChainOfCommand []ChainEntry `json:"chainOfCommand"`
		Access         AgentAccess  `json:"access"`
	}{d.Agent.wire(), chain, d.Access})
}

// Restricted is the detail view with the configuration hidden.
func (d AgentDetail) Restricted() AgentDetail {
	d.Agent = d.Agent.Restricted()
	return d
}

// AgentConfiguration is the configuration view (/configuration, /agent-configurations).
type AgentConfiguration struct {
	ID            string           `json:"id"`
	CompanyID     string           `json:"companyId"`
	Name          string           `json:"name"`
	Role          string           `json:"role"`
	Title         *string          `json:"title"`
	Status        string           `json:"status"`
	ReportsTo     *string          `json:"reportsTo"`
	AdapterType   string           `json:"adapterType"`
	AdapterConfig map[string]any   `json:"adapterConfig"`
	RuntimeConfig map[string]any   `json:"runtimeConfig"`
	Permissions   AgentPermissions `json:"permissions"`
	UpdatedAt     string           `json:"updatedAt"`
}

// Configuration returns the redacted configuration view.
func (a Agent) Configuration() AgentConfiguration {
	w := a.wire()
	return AgentConfiguration{ID: a.ID, CompanyID: a.CompanyID, Name: a.Name, Role: a.Role, Title: a.Title,
		Status: a.Status, ReportsTo: a.ReportsTo, AdapterType: a.AdapterType, AdapterConfig: w.AdapterConfig,
		RuntimeConfig: w.RuntimeConfig, Permissions: a.Permissions, UpdatedAt: a.UpdatedAt}
}

// OrgNode is one node of the org chart.
type OrgNode struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	Status  string    `json:"status"`
	Reports []OrgNode `json:"reports"`
}

// AgentFilter selects agents of a company.
type AgentFilter struct {
	CompanyID         string
	IncludeTerminated bool
	Limit, Offset     int
}

// HeartbeatPolicy is the heartbeat part of runtimeConfig with defaults applied.
type HeartbeatPolicy struct {
	Enabled                  bool
	IntervalSec              int64
	WakeOnDemand             bool
	MaxConcurrentRuns        int64
	SkipWhenNoActionableWork bool
}

// Heartbeat reads the agent's heartbeat policy (runtimeConfig.heartbeat, defaults filled).
func (a Agent) Heartbeat() HeartbeatPolicy { return ParseHeartbeatPolicy(a.RuntimeConfig) }

// ParseHeartbeatPolicy reads runtimeConfig.heartbeat with the defaults of agents.md §1:
// disabled, no timer, wake on demand, one run at a time, idle timer wakes skipped.
func ParseHeartbeatPolicy(runtimeConfig map[string]any) HeartbeatPolicy {
	p := HeartbeatPolicy{WakeOnDemand: true, MaxConcurrentRuns: 1, SkipWhenNoActionableWork: true}
	hb, _ := runtimeConfig["heartbeat"].(map[string]any)
	if hb == nil {
		return p
	}
	if v, ok := hb["enabled"].(bool); ok {
		p.Enabled = v
	}
	if v, ok := hb["wakeOnDemand"].(bool); ok {
		p.WakeOnDemand = v
	}
	if v, ok := hb["skipWhenNoActionableWork"].(bool); ok {
		p.SkipWhenNoActionableWork = v
	}
	if v, ok := numberOf(hb["intervalSec"]); ok {
		p.IntervalSec = clampInterval(int64(v))
	}
	if v, ok := numberOf(hb["maxConcurrentRuns"]); ok {
		p.MaxConcurrentRuns = min(max(int64(v), 1), 50)
	}
	return p
}

func clampInterval(v int64) int64 {
	switch {
	case v <= 0:
		return 0
	case v < 30:
		return 30
	case v > 604800:
		return 604800
	}
	return v
}

func numberOf(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// normalizeRuntimeConfig fills the heartbeat block with its defaults and clamps its
// numbers, so every stored runtimeConfig states its policy explicitly.
func normalizeRuntimeConfig(cfg map[string]any) map[string]any {
	out := make(map[string]any, len(cfg)+1)
	for k, v := range cfg {
		out[k] = v
	}
	hb := map[string]any{}
	if cur, ok := cfg["heartbeat"].(map[string]any); ok {
		for k, v := range cur {
			hb[k] = v
		}
	}
	p := ParseHeartbeatPolicy(map[string]any{"heartbeat": hb})
	hb["enabled"] = p.Enabled
	hb["intervalSec"] = p.IntervalSec
	hb["wakeOnDemand"] = p.WakeOnDemand
	hb["maxConcurrentRuns"] = p.MaxConcurrentRuns
	hb["skipWhenNoActionableWork"] = p.SkipWhenNoActionableWork
	out["heartbeat"] = hb
	return out
}

// agentName trims a name; the url key derives from the trimmed form.
func agentName(s string) string { return strings.TrimSpace(s) }
