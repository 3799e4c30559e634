package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// governance holds the ids seedGovernance created.
type governance struct {
	goalID, subGoalID, projectKey string
}

// seedGovernance adds a goal tree to a seeded company so the governance pages show
// real data: a company goal with a team sub-goal owned by the CEO, an issue on it.
func seedGovernance(e *uiEnv, company, ceo map[string]any) governance {
	cid := company["id"].(string)
	root := e.api("POST", "/companies/"+cid+"/goals", map[string]any{"title": "Become the reference robotics lab", "level": "company", "status": "active",
		"description": "Ship **three** products this year."})
	sub := e.api("POST", "/companies/"+cid+"/goals", map[string]any{"title": "Launch the website", "level": "team", "status": "planned",
		"parentId": root["id"], "ownerAgentId": ceo["id"]})
	e.api("POST", "/companies/"+cid+"/goals", map[string]any{"title": "Hire a design team", "level": "team", "parentId": root["id"]})
	e.api("POST", "/companies/"+cid+"/goals", map[string]any{"title": "Keep costs under control", "level": "company", "status": "achieved"})
	site := e.api("POST", "/companies/"+cid+"/projects", map[string]any{"name": "Website", "status": "in_progress", "color": "#14b8a6",
		"goalIds": []any{sub["id"]}, "leadAgentId": ceo["id"], "targetDate": "2026-03-01", "description": "The public site.",
		"workspace": map[string]any{"cwd": "/srv/site"}, "env": map[string]any{"SITE_URL": "https://example.com"}})
	e.api("POST", "/companies/"+cid+"/projects", map[string]any{"name": "Hiring", "status": "planned", "color": "#f97316"})
	e.seedIssue(cid, map[string]any{"title": "Draft the homepage copy", "goalId": sub["id"], "projectId": site["id"], "status": "todo"})
	e.seedIssue(cid, map[string]any{"title": "Pick a domain", "projectId": site["id"], "status": "done"})
	return governance{goalID: root["id"].(string), subGoalID: sub["id"].(string), projectKey: site["urlKey"].(string)}
}

// Goals: create a goal from the dialog, re-parent it, see the server refuse a cycle
// with its own message, then delete it.
func TestGoalsCreateReparentDelete(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	gov := seedGovernance(e, company, ceo)
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/goals")
	e.waitJS(`document.querySelector('[data-goal="Launch the website"]')`)
	// Create.
	e.do(chromedp.Click(chromedp.CSS(`header.topbar .btn.primary`)))
	e.waitJS(`document.activeElement && document.activeElement.id === "goal-title"`)
	e.do(chromedp.SendKeys(chromedp.CSS("#goal-title"), "Open a second office"),
		chromedp.SetValue(chromedp.CSS("#goal-level"), "team"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".dialog-foot .btn.primary")].find(b => b.textContent.includes("Create goal")).click()`))
	e.waitJS(`document.querySelector('[data-goal="Open a second office"]') && !document.querySelector('[role="dialog"]')`)
	var created string
	for _, g := range e.list("/companies/" + company["id"].(string) + "/goals") {
		if g["title"] == "Open a second office" {
			created = g["id"].(string)
			if g["level"] != "team" || g["parentId"] != nil {
				t.Errorf("created goal = %v", g)
			}
		}
	}
	if created == "" {
		t.Fatal("goal not created")
	}
	// Re-parent it under "Launch the website".
	e.open(p + "/goals/" + created)
	e.do(chromedp.Click(chromedp.CSS("#goal-prop-parent")))
	// The picker lists goals from a query: wait for the option, not only the list.
	e.waitJS(`[...document.querySelectorAll('[aria-label="Parent goal"] [role="option"]')].some(o => o.textContent.includes("Launch the website"))`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[aria-label="Parent goal"] [role="option"]')].find(o => o.textContent.includes("Launch the website")).click()`))
	e.waitField("/goals/"+created, "parentId", gov.subGoalID)
	// Moving "Launch the website" under its own descendant is a cycle: the server says so.
	e.open(p + "/goals/" + gov.subGoalID)
	e.do(chromedp.Click(chromedp.CSS("#goal-prop-parent")))
	// The picker lists goals from a query: wait for the option, not only the list.
	e.waitJS(`[...document.querySelectorAll('[aria-label="Parent goal"] [role="option"]')].some(o => o.textContent.includes("Open a second office"))`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[aria-label="Parent goal"] [role="option"]')].find(o => o.textContent.includes("Open a second office")).click()`))
	e.waitJS(`document.querySelector('.props-panel [role="alert"]') && document.querySelector('.props-panel [role="alert"]').textContent.includes("cycle")`)
	e.waitJS(`[...document.querySelectorAll(".toast.error")].some(t => t.textContent.includes("Goal hierarchy would create cycle"))`)
	if got := e.get("/goals/" + gov.subGoalID)["parentId"]; got != gov.goalID {
		t.Errorf("parent after a refused cycle = %v, want %s", got, gov.goalID)
	}
	e.screenshot("goal-cycle")
	// Delete the new goal.
	e.open(p + "/goals/" + created)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("header.topbar .btn")].find(b => b.textContent.includes("Delete")).click()`))
	e.waitJS(`document.querySelector('[role="dialog"] .btn.danger.solid')`)
	e.do(chromedp.Click(chromedp.CSS(`[role="dialog"] .btn.danger.solid`)))
	e.waitJS(`location.pathname === "` + p + `/goals" && !document.querySelector('[data-goal="Open a second office"]') && document.querySelector('[data-goal="Launch the website"]')`)
	for _, g := range e.list("/companies/" + company["id"].(string) + "/goals") {
		if g["id"] == created {
			t.Error("goal still listed after delete")
		}
	}
	e.assertClean()
}

// Projects: create one with its first workspace from the dialog, then on its
// configuration tab add an environment variable and a second workspace, make that one
// primary, and delete the project.
func TestProjectsCreateConfigureDelete(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	seedGovernance(e, company, ceo)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/projects")
	e.waitJS(`document.querySelector('[data-project="Website"]')`)
	e.do(chromedp.Click(chromedp.CSS(`header.topbar .btn.primary`)))
	e.waitJS(`document.activeElement && document.activeElement.id === "project-name"`)
	e.do(chromedp.SendKeys(chromedp.CSS("#project-name"), "Mobile app"), chromedp.SendKeys(chromedp.CSS("#project-cwd"), "/srv/mobile"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".dialog-foot .btn.primary")].find(b => b.textContent.includes("Create project")).click()`))
	e.waitJS(`location.pathname === "` + p + `/projects/mobile-app" && document.querySelector("h1.issue-title")`)
	proj := e.get("/projects/mobile-app?companyId=" + cid)
	if ws, _ := proj["primaryWorkspace"].(map[string]any); ws == nil || ws["cwd"] != "/srv/mobile" {
		t.Fatalf("created project workspace = %v", proj["primaryWorkspace"])
	}
	pid := proj["id"].(string)
	// Configuration: an env variable, saved.
	e.open(p + "/projects/mobile-app/configuration")
	e.do(chromedp.SendKeys(chromedp.CSS(`input[aria-label="New Environment variables name"]`), "API_BASE"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".env-editor .btn")].find(b => b.textContent.includes("Add variable")).click()`))
	e.waitJS(`document.querySelector('[data-env="API_BASE"] input')`)
	e.do(chromedp.SendKeys(chromedp.CSS(`[data-env="API_BASE"] input`), "https://api.example.com"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.includes("Save environment")).click()`))
	e.waitJS(`[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Environment saved"))`)
	env, _ := e.get("/projects/" + pid)["env"].(map[string]any)
	if b, _ := env["API_BASE"].(map[string]any); b == nil || b["value"] != "https://api.example.com" {
		t.Errorf("project env = %v", env)
	}
	// A second workspace, then made primary.
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn")].find(b => b.textContent.includes("Add workspace")).click()`))
	e.waitJS(`document.querySelector("#ws-cwd")`)
	e.do(chromedp.SendKeys(chromedp.CSS("#ws-cwd"), "/srv/mobile-next"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".dialog-foot .btn.primary")].find(b => b.textContent.includes("Add workspace")).click()`))
	e.waitJS(`document.querySelector('[data-workspace="mobile-next"]')`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[data-workspace="mobile-next"] .btn')].find(b => b.textContent.includes("Set primary")).click()`))
	e.waitJS(`document.querySelector('[data-workspace="mobile-next"] .badge.blue')`)
	if ws, _ := e.get("/projects/" + pid)["primaryWorkspace"].(map[string]any); ws == nil || ws["cwd"] != "/srv/mobile-next" {
		t.Errorf("primary workspace = %v", ws)
	}
	e.screenshot("project-configuration")
	// Delete.
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.danger")].find(b => b.textContent.includes("Delete project")).click()`))
	e.waitJS(`document.querySelector('[role="dialog"] .btn.danger.solid')`)
	e.do(chromedp.Click(chromedp.CSS(`[role="dialog"] .btn.danger.solid`)))
	e.waitJS(`location.pathname === "` + p + `/projects" && document.querySelector('[data-project="Website"]') && !document.querySelector('[data-project="Mobile app"]')`)
	e.assertClean()
}

// seedApprovals turns on hire approvals and files two requests: a hire for a designer
// (linked to HOR-1) and a CEO strategy whose markdown carries an XSS attempt.
func seedApprovals(e *uiEnv, company, ceo map[string]any) (hire, strategy map[string]any) {
	cid := company["id"].(string)
	issue := e.list("/companies/" + cid + "/issues?limit=1")[0]
	e.api("PATCH", "/companies/"+cid, map[string]any{"requireBoardApprovalForNewAgents": true})
	res := e.api("POST", "/companies/"+cid+"/agent-hires", map[string]any{
		"name": "Dana", "role": "designer", "title": "Product designer", "reportsTo": ceo["id"], "adapterType": "process",
		"adapterConfig":      map[string]any{"command": "/bin/true", "env": map[string]any{"FIGMA_API_KEY": "abc123secret", "THEME": "light"}},
		"budgetMonthlyCents": 5000, "sourceIssueIds": []any{issue["id"]},
	})
	hire = res["approval"].(map[string]any)
	strategy = e.api("POST", "/companies/"+cid+"/approvals", map[string]any{
		"type": "approve_ceo_strategy", "requestedByAgentId": ceo["id"], "issueIds": []any{issue["id"]},
		"payload": map[string]any{"title": "Grow through partnerships", "summary": "Partner first, build later.",
			"plan": "## Plan\n\n1. Sign **two** partners\n2. <script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">\n\n[click](javascript:window.__xss=1)"},
	})
	return hire, strategy
}

// The approval flow end to end: the sidebar badge counts open requests; a strategy's
// markdown renders sanitised; a comment is posted; the board requests a revision with a
// note, approves the hire from the list (the agent goes idle), and the badge follows a
// request filed elsewhere without a reload.
func TestApprovalFlowEndToEnd(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	hire, strategy := seedApprovals(e, company, ceo)
	p := "/" + company["issuePrefix"].(string)
	badge := `(document.querySelector('nav.sidebar a[href="` + p + `/approvals"] .nav-badge') || {}).textContent`
	e.open(p + "/approvals")
	e.waitJS(`location.pathname === "` + p + `/approvals/pending" && document.querySelectorAll(".approval-card").length === 2`)
	e.waitJS(badge + ` === "2"`)
	// Strategy detail: markdown rendered, nothing executed.
	e.open(p + "/approvals/" + strategy["id"].(string))
	e.waitJS(`document.querySelector(".md h2") && document.querySelector(".md h2").textContent === "Plan"`)
	if eval[bool](e, `!!window.__xss || !!document.querySelector(".md script, .md img[onerror], .md a[href^='javascript']")`) {
		t.Fatal("strategy markdown was not sanitised")
	}
	e.waitJS(`document.querySelector('section[aria-labelledby="ap-issues"] .list-row .ident')`)
	// Comment.
	e.do(chromedp.Click(chromedp.CSS("#approval-comment")), chromedp.SendKeys(chromedp.CSS("#approval-comment"), "Which partners?"))
	e.do(chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	e.waitJS(`[...document.querySelectorAll("article.comment")].some(c => c.textContent.includes("Which partners?"))`)
	// Request revision with a note.
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".approval-actions .btn")].find(b => b.textContent.includes("Request revision")).click()`))
	e.waitJS(`document.activeElement && document.activeElement.id === "decision-note"`)
	e.do(chromedp.SendKeys(chromedp.CSS("#decision-note"), "Name the partners first."))
	e.do(chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	e.waitJS(`document.querySelector(".decision blockquote.note") && document.querySelector(".decision").textContent.includes("Revision requested")`)
	e.waitField("/approvals/"+strategy["id"].(string), "status", "revision_requested")
	if got := e.get("/approvals/" + strategy["id"].(string))["decisionNote"]; got != "Name the partners first." {
		t.Errorf("decision note = %v", got)
	}
	e.screenshot("approval-strategy")
	// The hire, from the pending list: its config is shown redacted, then approved inline.
	e.open(p + "/approvals/" + hire["id"].(string))
	e.waitJS(`document.querySelector('table[aria-label="Adapter configuration"]')`)
	if eval[bool](e, `document.body.innerText.includes("abc123secret")`) {
		t.Error("hire page shows a secret value")
	}
	e.open(p + "/approvals/pending")
	e.do(chromedp.Click(chromedp.CSS(`[data-approval="` + hire["id"].(string) + `"] .btn.approve`)))
	e.waitJS(`document.querySelector('[data-confirm="approve"]')`)
	e.do(chromedp.Click(chromedp.CSS(`[data-confirm="approve"]`)))
	e.waitJS(`!document.querySelector('[data-approval="` + hire["id"].(string) + `"]') && document.querySelectorAll(".approval-card").length === 1`)
	e.waitField("/approvals/"+hire["id"].(string), "status", "approved")
	agentID := hire["payload"].(map[string]any)["agentId"].(string)
	e.waitField("/agents/"+agentID, "status", "idle")
	e.waitJS(badge + ` === "1"`)
	// A request filed elsewhere reaches the badge without a reload (live events, else polling).
	e.api("POST", "/companies/"+company["id"].(string)+"/approvals", map[string]any{"type": "request_board_approval", "payload": map[string]any{"title": "Buy a 3D printer"}})
	e.waitJSFor(badge+` === "2" && document.querySelectorAll(".approval-card").length === 2`, 30*time.Second)
	e.assertClean()
}
