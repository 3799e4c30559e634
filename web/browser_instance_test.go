package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// heartbeatOf reads an agent's runtimeConfig.heartbeat.enabled.
func heartbeatOf(e *uiEnv, id string) any {
	rc, _ := e.get("/agents/" + id)["runtimeConfig"].(map[string]any)
	hb, _ := rc["heartbeat"].(map[string]any)
	return hb["enabled"]
}

// Instance settings: the general tab shows the mode and paths and saves an instance
// switch; the heartbeats tab turns one timer off (keeping its interval), then all of
// them; the API keys tab explains that local mode needs none.
func TestInstanceSettings(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	cid := company["id"].(string)
	var ada map[string]any
	for _, a := range e.list("/companies/" + cid + "/agents") {
		if a["name"] == "Ada" {
			ada = a
		}
		e.api("PATCH", "/agents/"+a["id"].(string), map[string]any{"runtimeConfig": map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 3600, "wakeOnDemand": true}}})
	}
	e.open("/instance/settings")
	e.waitJS(`location.pathname === "/instance/settings/general" && document.querySelector('[data-mode="local_trusted"]')`)
	if got := eval[string](e, `document.querySelector('[data-mode]').textContent`); got != "Local trusted" {
		t.Errorf("mode badge = %q", got)
	}
	e.waitJS(`document.body.innerText.includes("paperclip.db") && document.querySelector("#is-censorUsernameInLogs")`)
	e.do(chromedp.Click(chromedp.CSS("#is-censorUsernameInLogs")), chromedp.SetValue(chromedp.CSS("#is-dailyDays"), "14"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.trim() === "Save").click()`))
	e.waitJS(`[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Instance settings saved"))`)
	g := e.get("/instance/settings/general")
	if g["censorUsernameInLogs"] != true || g["backupRetention"].(map[string]any)["dailyDays"] != float64(14) {
		t.Errorf("general settings after save = %v", g)
	}
	e.screenshot("instance-general")
	// Heartbeats: Ada's timer off, then every timer.
	e.open("/instance/settings/heartbeats")
	e.waitJS(`document.querySelectorAll("tr[data-heartbeat]").length === 2`)
	e.do(chromedp.Click(chromedp.CSS(`input[aria-label="Heartbeat timer for Ada"]`)))
	e.waitJS(`document.querySelector('tr[data-heartbeat="Ada"]').textContent.includes("Off")`)
	if got := heartbeatOf(e, ada["id"].(string)); got != false {
		t.Errorf("Ada heartbeat enabled = %v, want false", got)
	}
	rc := e.get("/agents/" + ada["id"].(string))["runtimeConfig"].(map[string]any)["heartbeat"].(map[string]any)
	if rc["intervalSec"] != float64(3600) || rc["wakeOnDemand"] != true {
		t.Errorf("toggle lost the rest of the heartbeat config: %v", rc)
	}
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn")].find(b => b.textContent.trim() === "Disable all").click()`))
	e.waitJS(`document.querySelector('[role="dialog"] .btn.danger.solid')`)
	e.do(chromedp.Click(chromedp.CSS(`[role="dialog"] .btn.danger.solid`)))
	e.waitJS(`[...document.querySelectorAll("tr[data-heartbeat]")].every(r => r.textContent.includes("Off"))`)
	if got := heartbeatOf(e, ceo["id"].(string)); got != false {
		t.Errorf("CEO heartbeat enabled = %v after Disable all", got)
	}
	e.screenshot("instance-heartbeats")
	e.open("/instance/settings/api-keys")
	e.waitJS(`document.body.innerText.includes("without an API key")`)
	e.assertClean()
}

// Companies: a card's menu archives the company (hidden until Show archived) and
// reactivates it.
func TestCompaniesArchiveReactivate(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	e.seedCompany("Second Co")
	cid := company["id"].(string)
	e.open("/companies")
	e.waitJS(`document.querySelectorAll(".agent-card").length === 2`)
	e.do(chromedp.Click(chromedp.CSS(`button[aria-label="Actions for Horizon Labs"]`)))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[role="option"]')].find(o => o.textContent.includes("Archive")).click()`))
	e.waitJS(`document.querySelector('[role="dialog"] .btn.danger.solid')`)
	e.do(chromedp.Click(chromedp.CSS(`[role="dialog"] .btn.danger.solid`)))
	e.waitJS(`document.querySelectorAll(".agent-card").length === 1`)
	e.waitField("/companies/"+cid, "status", "archived")
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn")].find(b => b.textContent.trim() === "Show archived").click()`))
	e.waitJS(`document.querySelectorAll(".agent-card").length === 2`)
	e.do(chromedp.Click(chromedp.CSS(`button[aria-label="Actions for Horizon Labs"]`)))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[role="option"]')].find(o => o.textContent.includes("Reactivate")).click()`))
	e.waitField("/companies/"+cid, "status", "active")
	e.assertClean()
}
