package server

import (
	"net/http"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/server/adapter/claude"
	"paperclip/server/adapter/codex"
	httpadapter "paperclip/server/adapter/http"
	"paperclip/server/adapter/process"
	"paperclip/server/heartbeat"
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

// builtinAdapters is the registry of the V1 adapters, in display order.
// BuiltinAdapters is a registry of the four adapters this binary ships.
func BuiltinAdapters() *heartbeat.Registry {
	return heartbeat.NewRegistry(process.New(), httpadapter.New(), claude.New(), codex.New())
}

func (s *Server) handleAdapterModels(w http.ResponseWriter, r *http.Request) {
	models := []heartbeat.Model{}
	if a, ok := s.adapters.Get(mux.Vars(r)["type"]); ok {
		models = a.Models(r.Context())
	}
	writeJSON(w, http.StatusOK, models)
}

type envTestResult struct {
	AdapterType string               `json:"adapterType"`
	Status      string               `json:"status"`
	Checks      []heartbeat.EnvCheck `json:"checks"`
	TestedAt    string               `json:"testedAt"`
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
	adapter, ok := s.adapters.Get(adapterType)
	if !ok {
		s.writeError(w, r, errorf(store.ENOTFOUND, "Unknown adapter type: %s", adapterType))
		return
	}
	var in envTestInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	checks := adapter.TestEnvironment(r.Context(), in.AdapterConfig.Value)
	status := "pass"
	for _, c := range checks {
		switch {
		case c.Level == heartbeat.LevelError:
			status = "fail"
		case c.Level == heartbeat.LevelWarn && status == "pass":
			status = "warn"
		}
	}
	writeJSON(w, http.StatusOK, envTestResult{AdapterType: adapterType, Status: status, Checks: checks, TestedAt: store.FormatTime(s.store.Now())})
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
	for _, t := range s.adapters.Types() {
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

func (s *Server) handleLLMsAdapter(w http.ResponseWriter, r *http.Request) {
	if err := s.requireReflection(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	t := mux.Vars(r)["adapterType"]
	a, ok := s.adapters.Get(t)
	if !ok {
		writeText(w, http.StatusNotFound, "Unknown adapter type: "+t+"\n")
		return
	}
	writeText(w, http.StatusOK, "# "+t+" agent configuration\n\nadapterConfig keys:\n"+a.ConfigDoc())
}
