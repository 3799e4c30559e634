package web_test

import (
	"testing"
)

// seedDemo fills a company with agents and issues so every page has real data.
func seedDemo(e *uiEnv) (company, ceo map[string]any) {
	company = e.seedCompany("Horizon Labs")
	cid := company["id"].(string)
	ceo = e.seedAgent(cid, "CEO", "ceo")
	eng := e.seedAgent(cid, "Ada", "engineer")
	e.api("PATCH", "/agents/"+eng["id"].(string), map[string]any{"reportsTo": ceo["id"]})
	e.seedIssue(cid, map[string]any{"title": "Write the company plan", "status": "todo", "priority": "high", "assigneeAgentId": ceo["id"]})
	e.seedIssue(cid, map[string]any{"title": "Set up the repository", "status": "backlog", "description": "Use **git**. See HOR-1."})
	e.seedIssue(cid, map[string]any{"title": "Ship the landing page", "status": "in_progress", "priority": "critical", "assigneeAgentId": eng["id"]})
	return company, ceo
}

// Every page loads against real data with no console errors and one h1.
func TestSmokeEveryPage(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	gov := seedGovernance(e, company, ceo)
	hire, _ := seedApprovals(e, company, ceo)
	p := "/" + company["issuePrefix"].(string)
	pages := []struct{ name, path, h1 string }{
		{"dashboard", p + "/dashboard", "Dashboard"},
		{"inbox", p + "/inbox/mine", "Inbox"},
		{"issues", p + "/issues", "Issues"},
		{"board", p + "/issues?view=board", "Issues"},
		{"issue", p + "/issues/" + company["issuePrefix"].(string) + "-2", "Set up the repository"},
		{"agents", p + "/agents", "Agents"},
		{"agent-new", p + "/agents/new", "New agent"},
		{"agent", p + "/agents/" + ceo["urlKey"].(string), "CEO"},
		{"agent-config", p + "/agents/" + ceo["urlKey"].(string) + "/configuration", "CEO"},
		{"org", p + "/org", "Org chart"},
		{"activity", p + "/activity", "Activity"},
		{"goals", p + "/goals", "Goals"},
		{"goal", p + "/goals/" + gov.goalID, ""},
		{"projects", p + "/projects", "Projects"},
		{"project", p + "/projects/" + gov.projectKey, ""},
		{"project-config", p + "/projects/" + gov.projectKey + "/configuration", ""},
		{"approval", p + "/approvals/" + hire["id"].(string), ""},
		{"approvals", p + "/approvals/pending", "Approvals"},
		{"costs", p + "/costs", "Costs"},
		{"company-settings", p + "/company/settings", "Company settings"},
		{"companies", "/companies", "Companies"},
		{"instance", "/instance/settings/general", "Instance settings"},
		{"instance-heartbeats", "/instance/settings/heartbeats", "Instance settings"},
		{"instance-api-keys", "/instance/settings/api-keys", "Instance settings"},
		{"invite-invalid", "/invite/pcp_invite_nope", "Invitation"},
		{"export", p + "/company/export", "Export company"},
		{"import", p + "/company/import", "Import company"},
		{"companies-import", "/companies/import", "Import company"},
		{"not-found", "/nope/nothing", "Page not found"},
		{"onboarding", "/onboarding", "What is the name of your company?"},
	}
	for _, pg := range pages {
		e.open(pg.path)
		if pg.h1 == "" { // detail pages: their title is data, the check is that one renders
			e.waitJS(`document.querySelector("h1") && document.querySelector("h1").textContent.trim() !== ""`)
		} else {
			e.waitJS(`[...document.querySelectorAll("h1")].some(h => h.textContent.trim() === ` + jsString(pg.h1) + `)`)
		}
		if n := eval[int](e, `document.querySelectorAll("h1").length`); n != 1 {
			t.Errorf("%s: %d h1 elements, want 1", pg.name, n)
		}
		e.screenshot("smoke-" + pg.name)
	}
	e.assertClean()
}
