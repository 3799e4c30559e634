package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// A property edit the server refuses rolls back on screen and toasts the server's own
// words; an accepted one sticks.
func TestIssuePropertyEditRollsBackOnRefusal(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	issue := e.seedIssue(company["id"].(string), map[string]any{"title": "Nobody owns this yet", "status": "todo"})
	ident := issue["identifier"].(string)
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/issues/" + ident)
	e.waitJS(`document.querySelector("#prop-status") && document.querySelector("#prop-status").textContent.includes("Todo")`)
	pick := func(label string) {
		t.Helper()
		e.do(chromedp.Click(chromedp.CSS("#prop-status")))
		e.waitJS(`document.querySelector('[role="listbox"][aria-label="Status"]')`)
		e.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`[...document.querySelectorAll('[aria-label="Status"] [role="option"]')].find(o => o.textContent.trim() === %q).click()`, label)))
	}
	// In progress needs an assignee: the server answers 422 and the panel goes back.
	pick("In progress")
	e.waitJS(`[...document.querySelectorAll(".toast.error")].some(t => t.textContent.includes("in_progress issues require an assignee"))`)
	e.waitJS(`document.querySelector("#prop-status").textContent.includes("Todo")`)
	if got := e.get("/issues/" + ident)["status"]; got != "todo" {
		t.Errorf("status after a refused edit = %v, want todo", got)
	}
	// Blocked is allowed from todo without an assignee.
	pick("Blocked")
	e.waitJS(`document.querySelector("#prop-status").textContent.includes("Blocked")`)
	e.waitField("/issues/"+ident, "status", "blocked")
	e.assertClean()
}
