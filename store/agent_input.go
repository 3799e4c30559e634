package store

import (
	"regexp"
	"strings"
)

// AgentPermissionsInput is the permissions object of a create body.
type AgentPermissionsInput struct {
	CanCreateAgents Optional[bool] `json:"canCreateAgents"`
}

// AgentInput is the create and hire body (agents.md §4.1).
type AgentInput struct {
	Name               Optional[string]                `json:"name"`
	Role               Optional[string]                `json:"role"`
	Title              Optional[string]                `json:"title"`
	Icon               Optional[string]                `json:"icon"`
	ReportsTo          Optional[string]                `json:"reportsTo"`
	Capabilities       Optional[string]                `json:"capabilities" limit:"10000"`
	AdapterType        Optional[string]                `json:"adapterType"`
	AdapterConfig      Optional[map[string]any]        `json:"adapterConfig"`
	RuntimeConfig      Optional[map[string]any]        `json:"runtimeConfig"`
	BudgetMonthlyCents Optional[int64]                 `json:"budgetMonthlyCents"`
	Permissions        Optional[AgentPermissionsInput] `json:"permissions"`
	Metadata           Optional[map[string]any]        `json:"metadata"`
	SourceIssueID      Optional[string]                `json:"sourceIssueId"`
	SourceIssueIDs     Optional[[]string]              `json:"sourceIssueIds"`
}

// Validate checks the create body's shape (400); references and adapter rules are
// checked in the transaction (404/422).
func (in *AgentInput) Validate() error {
	var p Problems
	if !in.Name.Set || in.Name.Null {
		p.Required("name")
	} else {
		validateName(&p, "name", in.Name.Value)
	}
	validateAgentFields(&p, agentFields{in.Role, in.Title, in.Icon, in.ReportsTo, in.Capabilities, in.AdapterType,
		in.AdapterConfig, in.RuntimeConfig, in.BudgetMonthlyCents, in.Metadata})
	if in.Permissions.Set && in.Permissions.Null {
		p.Add("invalid_type", "Expected object, received null", "permissions")
	}
	if v := in.Permissions.Value.CanCreateAgents; v.Set && v.Null {
		p.Add("invalid_type", "Expected boolean, received null", "permissions", "canCreateAgents")
	}
	if v := in.SourceIssueID.Ptr(); v != nil && !IsUUID(*v) {
		p.Add("invalid_string", "Invalid uuid", "sourceIssueId")
	}
	for i, id := range in.SourceIssueIDs.Value {
		if !IsUUID(id) {
			p.Add("invalid_string", "Invalid uuid", "sourceIssueIds", i)
		}
	}
	p.Limits(in)
	return p.Err()
}

// AgentPatch is the PATCH /agents/{id} body (agents.md §5.1). Permissions is only read to
// refuse it: permission changes have their own route.
type AgentPatch struct {
	Name                 Optional[string]         `json:"name"`
	Role                 Optional[string]         `json:"role"`
	Title                Optional[string]         `json:"title"`
	Icon                 Optional[string]         `json:"icon"`
	ReportsTo            Optional[string]         `json:"reportsTo"`
	Capabilities         Optional[string]         `json:"capabilities" limit:"10000"`
	AdapterType          Optional[string]         `json:"adapterType"`
	AdapterConfig        Optional[map[string]any] `json:"adapterConfig"`
	RuntimeConfig        Optional[map[string]any] `json:"runtimeConfig"`
	BudgetMonthlyCents   Optional[int64]          `json:"budgetMonthlyCents"`
	Metadata             Optional[map[string]any] `json:"metadata"`
	ReplaceAdapterConfig Optional[bool]           `json:"replaceAdapterConfig"`
	Status               Optional[string]         `json:"status"`
	Permissions          Optional[any]            `json:"permissions"`
}

// Validate checks the PATCH body's shape.
func (in *AgentPatch) Validate() error {
	var p Problems
	if in.Name.Set {
		if in.Name.Null {
			p.Add("invalid_type", "Expected string, received null", "name")
		} else {
			validateName(&p, "name", in.Name.Value)
		}
	}
	validateAgentFields(&p, agentFields{in.Role, in.Title, in.Icon, in.ReportsTo, in.Capabilities, in.AdapterType,
		in.AdapterConfig, in.RuntimeConfig, in.BudgetMonthlyCents, in.Metadata})
	if in.ReplaceAdapterConfig.Set && in.ReplaceAdapterConfig.Null {
		p.Add("invalid_type", "Expected boolean, received null", "replaceAdapterConfig")
	}
	if in.Status.Set {
		switch {
		case in.Status.Null:
			p.Add("invalid_type", "Expected string, received null", "status")
		case !contains(AgentStatuses, in.Status.Value):
			p.Add("invalid_enum_value", enumMessage(AgentStatuses, in.Status.Value), "status")
		}
	}
	p.Limits(in)
	return p.Err()
}

// HasConfigChange reports whether any snapshot field is present in the body.
func (in *AgentPatch) HasConfigChange() bool {
	return in.Name.Set || in.Role.Set || in.Title.Set || in.Icon.Set || in.ReportsTo.Set || in.Capabilities.Set ||
		in.AdapterType.Set || in.AdapterConfig.Set || in.RuntimeConfig.Set || in.BudgetMonthlyCents.Set || in.Metadata.Set
}

type agentFields struct {
	role, title, icon, reportsTo, capabilities, adapterType Optional[string]
	adapterConfig, runtimeConfig                            Optional[map[string]any]
	budget                                                  Optional[int64]
	metadata                                                Optional[map[string]any]
}

func validateAgentFields(p *Problems, f agentFields) {
	if f.role.Set {
		switch {
		case f.role.Null:
			p.Add("invalid_type", "Expected string, received null", "role")
		case !contains(AgentRoles, f.role.Value):
			p.Add("invalid_enum_value", enumMessage(AgentRoles, f.role.Value), "role")
		}
	}
	if v := f.icon.Ptr(); v != nil && !contains(AgentIcons, *v) {
		p.Add("invalid_enum_value", enumMessage(AgentIcons, *v), "icon")
	}
	if v := f.reportsTo.Ptr(); v != nil && !IsUUID(*v) {
		p.Add("invalid_string", "Invalid uuid", "reportsTo")
	}
	if f.adapterType.Set {
		switch {
		case f.adapterType.Null:
			p.Add("invalid_type", "Expected string, received null", "adapterType")
		case strings.TrimSpace(f.adapterType.Value) == "":
			p.Add("too_small", "String must contain at least 1 character(s)", "adapterType")
		}
	}
	for _, o := range []struct {
		name string
		v    Optional[map[string]any]
	}{{"adapterConfig", f.adapterConfig}, {"runtimeConfig", f.runtimeConfig}} {
		if o.v.Set && o.v.Null {
			p.Add("invalid_type", "Expected object, received null", o.name)
		}
	}
	if f.adapterConfig.Set && !f.adapterConfig.Null {
		if env, ok := f.adapterConfig.Value["env"]; ok && !validEnvShape(env) {
			p.Add("custom", "adapterConfig.env must be a map of valid env bindings", "adapterConfig", "env")
		}
	}
	if f.runtimeConfig.Set && !f.runtimeConfig.Null {
		validateHeartbeatShape(p, f.runtimeConfig.Value["heartbeat"])
	}
	validateBudget(p, f.budget)
}

// validEnvShape checks the accepted binding forms of secrets.md §4.1: a plain string,
// {type:"plain", value:string} or {type:"secret_ref", secretId:uuid, version?:"latest"|int≥1}.
func validEnvShape(env any) bool {
	if env == nil {
		return true
	}
	m, ok := env.(map[string]any)
	if !ok {
		return false
	}
	for _, v := range m {
		if !validBindingShape(v) {
			return false
		}
	}
	return true
}

func validBindingShape(v any) bool {
	switch b := v.(type) {
	case string:
		return true
	case map[string]any:
		switch b["type"] {
		case "plain":
			_, ok := b["value"].(string)
			return ok
		case "secret_ref":
			id, ok := b["secretId"].(string)
			if !ok || !IsUUID(id) {
				return false
			}
			switch ver := b["version"].(type) {
			case nil:
				return true
			case string:
				return ver == "latest"
			case float64:
				return ver >= 1 && ver == float64(int64(ver))
			}
		}
	}
	return false
}

func validateHeartbeatShape(p *Problems, hb any) {
	if hb == nil {
		return
	}
	m, ok := hb.(map[string]any)
	if !ok {
		p.Add("invalid_type", "Expected object, received "+goJSONKind(hb), "runtimeConfig", "heartbeat")
		return
	}
	for _, k := range []string{"enabled", "wakeOnDemand", "skipWhenNoActionableWork"} {
		if v, ok := m[k]; ok {
			if _, isBool := v.(bool); !isBool {
				p.Add("invalid_type", "Expected boolean, received "+goJSONKind(v), "runtimeConfig", "heartbeat", k)
			}
		}
	}
	for _, k := range []string{"intervalSec", "maxConcurrentRuns"} {
		if v, ok := m[k]; ok {
			n, isNum := numberOf(v)
			switch {
			case !isNum:
				p.Add("invalid_type", "Expected number, received "+goJSONKind(v), "runtimeConfig", "heartbeat", k)
			case n < 0:
				p.Add("too_small", "Number must be greater than or equal to 0", "runtimeConfig", "heartbeat", k)
			}
		}
	}
}

func goJSONKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, int, int64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

func enumMessage(allowed []string, got string) string {
	parts := make([]string, len(allowed))
	for i, a := range allowed {
		parts[i] = "'" + a + "'"
	}
	return "Invalid enum value. Expected " + strings.Join(parts, " | ") + ", received '" + got + "'"
}

var envKeyRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkAdapterConfig applies the adapter-specific checks of agents.md §4.1 (422
// "Invalid <adapterType> adapterConfig: <reason>"). Required-at-run-time keys are not
// enforced here: a half-configured agent may be saved and completed later.
func checkAdapterConfig(adapterType string, cfg map[string]any) error {
	bad := func(reason string) error {
		return Errorf(EUNPROCESSABLE, "Invalid %s adapterConfig: %s", adapterType, reason)
	}
	str := func(k string) error {
		if v, ok := cfg[k]; ok && v != nil {
			if _, isStr := v.(string); !isStr {
				return bad(k + " must be a string")
			}
		}
		return nil
	}
	strList := func(k string) error {
		v, ok := cfg[k]
		if !ok || v == nil {
			return nil
		}
		list, isList := v.([]any)
		if !isList {
			return bad(k + " must be an array of strings")
		}
		for _, x := range list {
			if _, isStr := x.(string); !isStr {
				return bad(k + " must be an array of strings")
			}
		}
		return nil
	}
	num := func(k string) error {
		if v, ok := cfg[k]; ok && v != nil {
			if _, isNum := numberOf(v); !isNum {
				return bad(k + " must be a number")
			}
		}
		return nil
	}
	checks := []error{str("cwd"), str("promptTemplate"), str("instructionsFilePath"), num("timeoutSec"), num("graceSec")}
	if n, ok := numberOf(cfg["graceSec"]); ok && n < 0 {
		checks = append(checks, bad("graceSec must be greater than or equal to 0"))
	}
	switch adapterType {
	case AdapterProcess:
		checks = append(checks, str("command"), strList("args"))
	case AdapterHTTP:
		checks = append(checks, str("url"), str("method"), num("timeoutMs"))
		if u, ok := cfg["url"].(string); ok && u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			checks = append(checks, bad("url must be an http(s) URL"))
		}
		if h, ok := cfg["headers"]; ok && h != nil {
			if _, isMap := h.(map[string]any); !isMap {
				checks = append(checks, bad("headers must be an object"))
			}
		}
	case AdapterClaudeLocal, AdapterCodexLocal:
		checks = append(checks, str("command"), str("model"), strList("extraArgs"))
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}
