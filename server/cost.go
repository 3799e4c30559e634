package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) costRoutes() []route {
	report := func(path, summary string, h http.HandlerFunc) route {
		return route{http.MethodGet, "/api/companies/{companyId}/costs/" + path, whoCRead, summary, h}
	}
	return []route{
		{http.MethodPost, "/api/companies/{companyId}/cost-events", whoCWrite, "Report a cost event (agents: their own)", s.handleCostEventCreate},
		report("summary", "Company spend in a range against its budget", s.handleCostReport(func(r *http.Request, id string, rg store.CostRange) (any, error) {
			return s.store.FindCostSummary(r.Context(), id, rg)
		})),
		report("by-agent", "Spend by agent", s.handleCostReport(func(r *http.Request, id string, rg store.CostRange) (any, error) {
			return s.store.FindCostsByAgent(r.Context(), id, rg)
		})),
		report("by-agent-model", "Spend by agent and model", s.handleCostReport(func(r *http.Request, id string, rg store.CostRange) (any, error) {
			return s.store.FindCostsByAgentModel(r.Context(), id, rg)
		})),
		report("by-project", "Spend by project", s.handleCostReport(func(r *http.Request, id string, rg store.CostRange) (any, error) {
			return s.store.FindCostsByProject(r.Context(), id, rg)
		})),
		report("by-provider", "Spend by provider, biller, billing type and model", s.handleCostReport(func(r *http.Request, id string, rg store.CostRange) (any, error) {
			return s.store.FindCostsByProvider(r.Context(), id, rg)
		})),
		report("by-day", "Spend by UTC day and agent", s.handleCostReport(func(r *http.Request, id string, rg store.CostRange) (any, error) {
			return s.store.FindCostsByDay(r.Context(), id, rg)
		})),
		report("window-spend", "Spend per provider over rolling 5h, 24h and 7d windows", s.handleWindowSpend),
		{http.MethodGet, "/api/issues/{id}/cost-summary", whoCustom, "Cost rollup of an issue and its descendants", s.handleIssueCostSummary},
	}
}

func (s *Server) handleCostEventCreate(w http.ResponseWriter, r *http.Request) {
	var in store.CostEventInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	ev, err := s.store.CreateCostEvent(r.Context(), mux.Vars(r)["companyId"], in)
	s.respond(w, r, http.StatusCreated, ev, err)
}

// costRange reads from/to; unparsable → 400 "invalid 'from' date".
func costRange(r *http.Request) (store.CostRange, error) {
	var rg store.CostRange
	for _, p := range []struct {
		name string
		dst  *string
	}{{"from", &rg.From}, {"to", &rg.To}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		t, ok := store.NormalizeTime(v)
		if !ok {
			return rg, errorf(store.EINVALID, "invalid '%s' date", p.name)
		}
		*p.dst = t
	}
	return rg, nil
}

func (s *Server) handleCostReport(run func(*http.Request, string, store.CostRange) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rg, err := costRange(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out, err := run(r, mux.Vars(r)["companyId"], rg)
		s.respond(w, r, http.StatusOK, out, err)
	}
}

func (s *Server) handleWindowSpend(w http.ResponseWriter, r *http.Request) {
	out, err := s.store.FindWindowSpend(r.Context(), mux.Vars(r)["companyId"])
	s.respond(w, r, http.StatusOK, out, err)
}

func (s *Server) handleIssueCostSummary(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	exclude, err := queryBool(r, "excludeRoot")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.store.FindIssueCostSummary(r.Context(), is.ID, exclude)
	s.respond(w, r, http.StatusOK, out, err)
}
