package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Agent configuration revisions: each save adds a row, Diff shows the snapshots before
// and after, and rolling back to the earlier revision restores its configuration on the
// server and in the form.
func TestAgentConfigRevisionDiffAndRollback(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	pfx := company["issuePrefix"].(string)
	id := ceo["id"].(string)
	const dialog = `[role="dialog"][aria-modal="true"]`
	const rows = `.section table tbody tr`
	revs := func() []map[string]any { t.Helper(); return e.list("/agents/" + id + "/config-revisions") }
	e.open("/" + pfx + "/agents/" + ceo["urlKey"].(string) + "/configuration")
	e.waitJS(`document.querySelector("#agent-title") && document.body.textContent.includes("No revisions yet.")`)

	// saveTitle edits one field, saves, and waits for the new revision row and a clean
	// form (so a later navigation meets no unsaved-changes guard).
	saveTitle := func(title string, n int) {
		t.Helper()
		e.fill("#agent-title", title)
		e.waitJS(`document.body.textContent.includes("Unsaved changes")`)
		e.clickButton(".section", "Save changes")
		e.waitJS(`document.querySelectorAll(` + jsString(rows) + `).length === ` + strconv.Itoa(n) + ` && !document.body.textContent.includes("Unsaved changes")`)
		if got := e.get("/agents/" + id)["title"]; got != title {
			t.Fatalf("server title after saving %q: %v", title, got)
		}
	}
	saveTitle("Chief Planner", 1)
	if ch := eval[string](e, `document.querySelector(`+jsString(rows)+`).textContent`); !strings.Contains(ch, "title") {
		t.Errorf("revision row %q does not name the changed key title", ch)
	}

	// Diff: the before and after snapshots side by side.
	e.clickButton(rows, "Diff")
	e.waitJS(`document.querySelector(` + jsString(dialog+" pre.json") + `)`)
	before := eval[string](e, `document.querySelectorAll(`+jsString(dialog+" pre.json")+`)[0].textContent`)
	after := eval[string](e, `document.querySelectorAll(`+jsString(dialog+" pre.json")+`)[1].textContent`)
	if strings.Contains(before, "Chief Planner") || !strings.Contains(after, `"title": "Chief Planner"`) {
		t.Errorf("diff before:\n%s\nafter:\n%s\nwant the title only after", before, after)
	}
	e.do(chromedp.Click(chromedp.CSS(dialog + ` button[aria-label="Close"]`)))
	e.waitJS(`!document.querySelector(` + jsString(dialog) + `)`)

	saveTitle("Chief Shipper", 2)

	// Roll back the earlier revision: the row is found by the API's order, which the
	// table shows (newest first).
	list := revs()
	earlier := -1
	for i, r := range list {
		if after, _ := r["afterConfig"].(map[string]any); after["title"] == "Chief Planner" {
			earlier = i
		}
	}
	if earlier < 0 {
		t.Fatalf("no revision with title Chief Planner in %v", list)
	}
	e.clickButton(rows+":nth-child("+strconv.Itoa(earlier+1)+")", "Roll back")
	e.waitJS(`document.querySelector(` + jsString(dialog) + `) && document.querySelector(` + jsString(dialog) + `).textContent.includes("Restore the configuration")`)
	e.clickButton(dialog, "Roll back")
	e.waitField("/agents/"+id, "title", "Chief Planner")
	e.waitJS(`document.querySelector("#agent-title").value === "Chief Planner" && document.querySelectorAll(` + jsString(rows) + `).length === 3
		&& !document.body.textContent.includes("Unsaved changes")`)
	if src := revs()[0]["source"]; src != "rollback" {
		t.Errorf("newest revision source = %v, want rollback", src)
	}
	// A fresh load shows the same: the form reads the server, not leftover state.
	e.open("/" + pfx + "/agents/" + ceo["urlKey"].(string) + "/configuration")
	e.waitJS(`document.querySelector("#agent-title") && document.querySelector("#agent-title").value === "Chief Planner"`)
	e.assertClean()
}

// The configuration form keeps the user's edits, and the cursor, when the agent changes
// on the server while they type; the fields they have not touched follow the server.
// The form used to remount on every change of the agent, which dropped the edit and
// focused Name, so the rest of the typing renamed the agent.
func TestAgentConfigFormKeepsEditsWhenTheAgentChanges(t *testing.T) {
	e := newUIEnvRuntime(t)
	company, ceo := seedDemo(e)
	pfx := company["issuePrefix"].(string)
	id := ceo["id"].(string)
	e.open("/" + pfx + "/agents/" + ceo["urlKey"].(string) + "/configuration")
	e.waitJS(`document.querySelector("#agent-title") && document.body.textContent.includes("No revisions yet.")`)

	e.fill("#agent-title", "Chief")
	e.waitJS(`document.body.textContent.includes("Unsaved changes")`)
	// Someone else changes another field of the agent; the live event refetches it.
	e.api("PATCH", "/agents/"+id, map[string]any{"capabilities": "Plans the roadmap"})
	e.waitJS(`document.querySelector("#agent-cap").value === "Plans the roadmap"`)
	if got := eval[string](e, `document.querySelector("#agent-title").value`); got != "Chief" {
		t.Fatalf("title after the server change = %q, want the edit kept", got)
	}
	if got := eval[string](e, `document.activeElement ? document.activeElement.id : ""`); got != "agent-title" {
		t.Fatalf("focus after the server change is on %q, want agent-title", got)
	}
	// Typing goes on where it was, and the save sends the edit with the server's change.
	e.do(chromedp.SendKeys(chromedp.CSS("#agent-title"), " Planner"))
	e.clickButton(".section", "Save changes")
	e.waitJS(`document.querySelectorAll(".section table tbody tr").length === 2 && !document.body.textContent.includes("Unsaved changes")`)
	got := e.get("/agents/" + id)
	if got["title"] != "Chief Planner" || got["capabilities"] != "Plans the roadmap" || got["name"] != "CEO" {
		t.Fatalf("agent after save: title %v, capabilities %v, name %v", got["title"], got["capabilities"], got["name"])
	}

	// An unedited form follows the server, and so does the budget tab.
	e.api("PATCH", "/agents/"+id, map[string]any{"title": "Chief Operator"})
	e.waitJS(`document.querySelector("#agent-title").value === "Chief Operator" && !document.body.textContent.includes("Unsaved changes")`)
	e.open("/" + pfx + "/agents/" + ceo["urlKey"].(string) + "/budget")
	e.waitJS(`document.querySelector("#agent-budget-edit")`)
	e.api("PATCH", "/agents/"+id, map[string]any{"budgetMonthlyCents": 5000})
	e.waitJS(`document.querySelector("#agent-budget-edit").value === "50"`)
	e.assertClean()
}
