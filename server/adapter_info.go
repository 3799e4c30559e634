package server

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// adapterRoutes are the adapter utility routes of agents.md §11. The Claude login route
// (29) runs the adapter's CLI and lands with the adapter packages.
func (s *Server) adapterRoutes() []route {
	return []route{
		{http.MethodGet, "/api/companies/{companyId}/adapters/{type}/models", whoCRead, "Models an adapter knows", s.handleAdapterModels},
		{http.MethodPost, "/api/companies/{companyId}/adapters/{type}/test-environment", whoCustom, "Check an adapter configuration on this machine", s.handleAdapterTestEnvironment},
		{http.MethodGet, "/api/instance/scheduler-heartbeats", whoBoard, "Agents with a heartbeat timer", s.handleSchedulerHeartbeats},
		{http.MethodGet, "/api/llms/agent-configuration.txt", whoAny, "Adapter configuration index for LLMs", s.handleLLMsIndex},
		{http.MethodGet, "/api/llms/agent-icons.txt", whoAny, "Agent icon names for LLMs", s.handleLLMsIcons},
		{http.MethodGet, "/api/llms/agent-configuration/{adapterType}.txt", whoAny, "One adapter's configuration for LLMs", s.handleLLMsAdapter},
	}
}

type adapterModel struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// adapterModels are the model ids offered in the agent form; agents may still name others.
var adapterModels = map[string][]adapterModel{
	store.AdapterClaudeLocal: {
		{"claude-opus-4-6", "Claude Opus 4.6"}, {"claude-sonnet-4-6", "Claude Sonnet 4.6"},
		{"claude-sonnet-4-5", "Claude Sonnet 4.5"}, {"claude-haiku-4-5", "Claude Haiku 4.5"},
	},
	store.AdapterCodexLocal: {
		{"gpt-5", "gpt-5"}, {"gpt-5-codex", "gpt-5-codex"}, {"gpt-5-mini", "gpt-5-mini"}, {"o3", "o3"}, {"o4-mini", "o4-mini"},
	},
}

func (s *Server) handleAdapterModels(w http.ResponseWriter, r *http.Request) {
	models := adapterModels[mux.Vars(r)["type"]]
	if models == nil {
		models = []adapterModel{}
	}
	writeJSON(w, http.StatusOK, models)
}

type envCheck struct {
	Code    string  `json:"code"`
	Level   string  `json:"level"`
	Message string  `json:"message"`
	Detail  *string `json:"detail,omitempty"`
	Hint    *string `json:"hint,omitempty"`
}

type envTestResult struct {
	AdapterType string     `json:"adapterType"`
	Status      string     `json:"status"`
	Checks      []envCheck `json:"checks"`
	TestedAt    string     `json:"testedAt"`
}

type envTestInput struct {
	AdapterConfig store.Optional[map[string]any] `json:"adapterConfig"`
}

func (s *Server) handleAdapterTestEnvironment(w http.ResponseWriter, r *http.Request) {
	companyID, adapterType := mux.Vars(r)["companyId"], mux.Vars(r)["type"]
	if err := s.requireCreator(r, companyID); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !store.IsAdapterType(adapterType) {
		s.writeError(w, r, errorf(store.ENOTFOUND, "Unknown adapter type: %s", adapterType))
		return
	}
	var in envTestInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	checks := testAdapterEnvironment(adapterType, in.AdapterConfig.Value)
	status := "pass"
	for _, c := range checks {
		switch {
		case c.Level == "error":
			status = "fail"
		case c.Level == "warn" && status == "pass":
			status = "warn"
		}
	}
	writeJSON(w, http.StatusOK, envTestResult{AdapterType: adapterType, Status: status, Checks: checks, TestedAt: store.FormatTime(s.store.Now())})
}

func textPtr(s string) *string { return &s }

// testAdapterEnvironment inspects a configuration on this machine without running the
// adapter: the command resolves, the working directory exists, the URL parses.
func testAdapterEnvironment(adapterType string, cfg map[string]any) []envCheck {
	checks := []envCheck{}
	add := func(code, level, msg string, detail, hint *string) {
		checks = append(checks, envCheck{Code: code, Level: level, Message: msg, Detail: detail, Hint: hint})
	}
	if cwd, ok := cfg["cwd"].(string); ok && cwd != "" {
		info, err := os.Stat(cwd)
		switch {
		case !filepath.IsAbs(cwd):
			add("cwd_not_absolute", "warn", "Working directory is not an absolute path", textPtr(cwd), nil)
		case err != nil:
			add("cwd_missing", "warn", "Working directory does not exist yet", textPtr(cwd), textPtr("It is created at run start when possible."))
		case !info.IsDir():
			add("cwd_not_directory", "error", "Working directory is not a directory", textPtr(cwd), nil)
		default:
			add("cwd_ok", "info", "Working directory exists", textPtr(cwd), nil)
		}
	}
	if env, ok := cfg["env"].(map[string]any); ok {
		for _, k := range sortedMapKeys(env) {
			if strings.HasPrefix(k, "PAPERCLIP_") {
				add("env_reserved", "warn", "Reserved environment variable is ignored at run time", textPtr(k), nil)
			}
		}
	}
	switch adapterType {
	case store.AdapterHTTP:
		raw, _ := cfg["url"].(string)
		u, err := url.Parse(raw)
		switch {
		case raw == "":
			add("url_missing", "error", "adapterConfig.url is required", nil, nil)
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			add("url_invalid", "error", "adapterConfig.url must be an http(s) URL", textPtr(raw), nil)
		default:
			add("url_ok", "info", "Webhook URL is well formed", textPtr(raw), nil)
		}
		if m, ok := cfg["method"].(string); ok && m != "" && !inList([]string{"GET", "POST", "PUT", "PATCH"}, strings.ToUpper(m)) {
			add("method_unusual", "warn", "Unusual HTTP method for a webhook", textPtr(m), nil)
		}
	default:
		command, _ := cfg["command"].(string)
		hint := (*string)(nil)
		switch adapterType {
		case store.AdapterClaudeLocal:
			if command == "" {
				command = "claude"
			}
			hint = textPtr("Install Claude Code: npm install -g @anthropic-ai/claude-code")
		case store.AdapterCodexLocal:
			if command == "" {
				command = "codex"
			}
			hint = textPtr("Install Codex: npm install -g @openai/codex")
		}
		if command == "" {
			add("command_missing", "error", "adapterConfig.command is required", nil, nil)
			break
		}
		if path, err := exec.LookPath(command); err != nil {
			add("command_not_found", "error", "Command not found on this machine", textPtr(command), hint)
		} else {
			add("command_ok", "info", "Command resolves", textPtr(path), nil)
		}
	}
	return checks
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func inList(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

type schedulerRow struct {
	ID                 string  `json:"id"`
	CompanyID          string  `json:"companyId"`
	CompanyName        string  `json:"companyName"`
	CompanyIssuePrefix string  `json:"companyIssuePrefix"`
	AgentName          string  `json:"agentName"`
	AgentURLKey        string  `json:"agentUrlKey"`
	Role               string  `json:"role"`
	Title              *string `json:"title"`
	Status             string  `json:"status"`
	AdapterType        string  `json:"adapterType"`
	IntervalSec        int64   `json:"intervalSec"`
	HeartbeatEnabled   bool    `json:"heartbeatEnabled"`
	SchedulerActive    bool    `json:"schedulerActive"`
	LastHeartbeatAt    *string `json:"lastHeartbeatAt"`
}

// handleSchedulerHeartbeats lists agents with a timer (agents.md §11) in companies the
// caller can access.
func (s *Server) handleSchedulerHeartbeats(w http.ResponseWriter, r *http.Request) {
	companies, err := s.store.FindCompanies(r.Context(), store.CompanyFilter{IncludeArchived: true, UserID: boardUserFilter(actorOf(r))})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []schedulerRow{}
	for _, c := range companies {
		agents, err := s.store.FindAgents(r.Context(), store.AgentFilter{CompanyID: c.ID})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, a := range agents {
			hb := a.Heartbeat()
			if hb.IntervalSec <= 0 || a.Status == store.AgentPaused || a.Status == store.AgentPendingApproval {
				continue
			}
			out = append(out, schedulerRow{ID: a.ID, CompanyID: c.ID, CompanyName: c.Name, CompanyIssuePrefix: c.IssuePrefix,
				AgentName: a.Name, AgentURLKey: a.URLKey, Role: a.Role, Title: a.Title, Status: a.Status, AdapterType: a.AdapterType,
				IntervalSec: hb.IntervalSec, HeartbeatEnabled: hb.Enabled, SchedulerActive: hb.Enabled && c.Status == store.CompanyActive,
				LastHeartbeatAt: a.LastHeartbeatAt})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].SchedulerActive != out[j].SchedulerActive {
			return out[i].SchedulerActive
		}
		if out[i].CompanyName != out[j].CompanyName {
			return out[i].CompanyName < out[j].CompanyName
		}
		return out[i].AgentName < out[j].AgentName
	})
	writeJSON(w, http.StatusOK, out)
}

// requireReflection guards the llms text routes: board, or an agent that may create agents.
func (s *Server) requireReflection(r *http.Request) error {
	return s.store.Authorize(r.Context(), store.ActAgentReadReflection, store.Target{CompanyID: actorOf(r).CompanyID})
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write([]byte(text))
}

func (s *Server) handleLLMsIndex(w http.ResponseWriter, r *http.Request) {
	if err := s.requireReflection(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	var b strings.Builder
	b.WriteString("# Paperclip agent configuration\n\nInstalled adapters (set `adapterType` when creating an agent):\n\n")
	for _, t := range store.AdapterTypes {
		b.WriteString("- " + t + ": /api/llms/agent-configuration/" + t + ".txt\n")
	}
	b.WriteString("\nAgent icons: /api/llms/agent-icons.txt\n")
	b.WriteString("\nCommon fields: name, role (" + strings.Join(store.AgentRoles, ", ") + "), title, icon, reportsTo, capabilities,\n" +
		"adapterType, adapterConfig, runtimeConfig.heartbeat {enabled, intervalSec, wakeOnDemand, maxConcurrentRuns,\n" +
		"skipWhenNoActionableWork}, budgetMonthlyCents. Create with POST /api/companies/{companyId}/agent-hires.\n")
	writeText(w, http.StatusOK, b.String())
}

func (s *Server) handleLLMsIcons(w http.ResponseWriter, r *http.Request) {
	if err := s.requireReflection(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeText(w, http.StatusOK, strings.Join(store.AgentIcons, "\n")+"\n")
}

// adapterDocs describe each adapter's adapterConfig keys (agents.md §1).
var adapterDocs = map[string]string{
	store.AdapterProcess: "- command (string, required at run time): executable to run\n- args (string[]): arguments\n" +
		"- cwd (string): absolute working directory\n- env (object): environment bindings (plain or secret_ref)\n" +
		"- timeoutSec (number, 0 = instance default)\n- graceSec (number, default 15): SIGTERM grace\n",
	store.AdapterHTTP: "- url (string, required at run time): webhook receiving the wake payload\n- method (string, default POST)\n" +
		"- headers (object)\n- timeoutMs (number)\n- payloadTemplate (object): merged into the webhook body\n" +
		"Remote agents authenticate with an agent API key (pcp_...) created by the board.\n",
	store.AdapterClaudeLocal: "- cwd (string)\n- command (string, default claude)\n- model (string)\n- effort (string: low|medium|high)\n" +
		"- maxTurnsPerRun (number)\n- dangerouslySkipPermissions (boolean, default true)\n- promptTemplate (string)\n" +
		"- instructionsFilePath (string): absolute path of a markdown instructions file\n- env (object)\n" +
		"- timeoutSec (number)\n- graceSec (number, default 20)\n- extraArgs (string[])\n",
	store.AdapterCodexLocal: "- cwd (string)\n- command (string, default codex)\n- model (string)\n- modelReasoningEffort (string)\n" +
		"- search (boolean)\n- dangerouslyBypassApprovalsAndSandbox (boolean, default false)\n- promptTemplate (string)\n" +
		"- instructionsFilePath (string)\n- env (object)\n- timeoutSec (number)\n- graceSec (number, default 20)\n- extraArgs (string[])\n",
}

func (s *Server) handleLLMsAdapter(w http.ResponseWriter, r *http.Request) {
	if err := s.requireReflection(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	t := mux.Vars(r)["adapterType"]
	doc, ok := adapterDocs[t]
	if !ok {
		writeText(w, http.StatusNotFound, "Unknown adapter type: "+t+"\n")
		return
	}
	writeText(w, http.StatusOK, "# "+t+" agent configuration\n\nadapterConfig keys:\n"+doc)
}
