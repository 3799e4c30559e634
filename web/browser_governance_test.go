package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// governance holds the ids seedGovernance created.
type governance struct {
	goalID, subGoalID string
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
	e.seedIssue(cid, map[string]any{"title": "Draft the homepage copy", "goalId": sub["id"]})
	return governance{goalID: root["id"].(string), subGoalID: sub["id"].(string)}
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
	e.waitJS(`document.querySelector('[role="listbox"][aria-label="Parent goal"]')`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[aria-label="Parent goal"] [role="option"]')].find(o => o.textContent.includes("Launch the website")).click()`))
	e.waitField("/goals/"+created, "parentId", gov.subGoalID)
	// Moving "Launch the website" under its own descendant is a cycle: the server says so.
	e.open(p + "/goals/" + gov.subGoalID)
	e.do(chromedp.Click(chromedp.CSS("#goal-prop-parent")))
	e.waitJS(`document.querySelector('[role="listbox"][aria-label="Parent goal"]')`)
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
