package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// Above 200 rows the issues list renders a window: the count says 253, far fewer rows
// are in the DOM, scrolling to the end brings the last row in, and a status picked on
// a row deep in the list is saved.
func TestIssueListWindowedAbove200(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	seedMany(e, company["id"].(string), ceo["id"].(string), 250, "todo")
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/issues?status=todo,in_progress,backlog&sort=identifier")
	e.waitJS(`document.querySelector(".list-row") && document.querySelector(".toolbar").textContent.includes("253 issues")`)
	if n := eval[int](e, `document.querySelectorAll(".list-row").length`); n >= 150 {
		t.Errorf("%d of 253 rows in the DOM, want a window", n)
	}
	// Sorted by identifier, newest first: HOR-1 is the last row.
	e.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("main").scrollTop = 1e6`))
	last := `document.querySelector('.list-row[href$="/issues/` + company["issuePrefix"].(string) + `-1"]')`
	e.waitJS(last + ` && !document.querySelector('.list-row[data-row="0"]')`)
	e.do(chromedp.Evaluate[chromedp.Void](last + `.querySelector('button[aria-label^="Status"]').click()`))
	e.waitJS(`document.querySelector('[role="listbox"][aria-label="Status"]')`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[aria-label="Status"] [role="option"]')].find(o => o.textContent.trim() === "Blocked").click()`))
	e.waitField("/issues/"+company["issuePrefix"].(string)+"-1", "status", "blocked")
	e.assertClean()
}
