package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// A column of 300 cards is windowed: only the cards near its scroll position are in the
// DOM, scrolling brings the rest in, a card from deep in the column still drags to an
// allowed column, and the keyboard (arrows, then Move to…) reaches cards outside the
// window.
func TestKanbanLongColumnIsWindowed(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	pfx := company["issuePrefix"].(string)
	seedMany(e, company["id"].(string), ceo["id"].(string), 300, "todo")
	col := `document.querySelector('[data-status="todo"] .board-col-body')`
	e.open("/" + pfx + "/issues?view=board")
	e.waitJS(col + ` && ` + col + `.querySelector(".kcard")`)
	total := eval[int](e, `document.querySelectorAll('[data-status="todo"] .kcard').length`)
	if total >= 100 {
		t.Errorf("todo column renders %d of 301 cards, want a window under 100", total)
	}
	if got := eval[string](e, `document.querySelector('[data-status="todo"]').getAttribute("aria-label")`); got != "Todo, 301 issues" {
		t.Errorf("column label = %q", got)
	}
	// The spacers keep the full height, so the scrollbar is that of 301 cards.
	if h := eval[float64](e, col+`.scrollHeight`); h < 301*100 {
		t.Errorf("todo column scrollHeight = %.0f, want the height of 301 cards", h)
	}
	// Scroll to the end: the last card comes into the DOM, the first leaves it.
	e.do(chromedp.Evaluate[chromedp.Void](col + `.scrollTop = ` + col + `.scrollHeight`))
	e.waitJS(col + `.querySelector('[data-index="300"]') && !` + col + `.querySelector('[data-index="0"]')`)
	last := eval[string](e, col+`.querySelector('[data-index="300"]').dataset.issue`)
	// Drag that card to In progress (allowed from todo; it has an assignee).
	e.do(chromedp.DragAndDrop(chromedp.CSS(`[data-issue="`+last+`"]`), chromedp.CSS(`[data-status="in_progress"] .board-col-head`)))
	e.waitJS(`document.querySelector('[data-status="in_progress"] [data-issue="` + last + `"]')`)
	e.waitField("/issues/"+last, "status", "in_progress")
	// Keyboard: from the last card of the window, Down moves focus to a card that was not
	// rendered yet; then `s` opens Move to… on it.
	e.do(chromedp.Evaluate[chromedp.Void](col + `.scrollTop = 0`))
	e.waitJS(col + `.querySelector('[data-index="0"]')`)
	edge := eval[int](e, `Math.max(...[...`+col+`.querySelectorAll(".kcard")].map(c => +c.dataset.index))`)
	e.do(chromedp.Focus(chromedp.CSS(fmt.Sprintf(`[data-status="todo"] [data-index="%d"]`, edge))), chromedp.KeyEvent(kb.ArrowDown))
	e.waitJS(fmt.Sprintf(`document.activeElement && document.activeElement.dataset.index === "%d"`, edge+1))
	target := eval[string](e, `document.activeElement.dataset.issue`)
	e.do(chromedp.KeyEvent("s"))
	e.waitJS(`document.querySelector('[role="listbox"][aria-label="Move ` + target + ` to"]')`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[aria-label="Move ` + target + ` to"] [role="option"]')].find(o => o.textContent.trim() === "Blocked").click()`))
	e.waitField("/issues/"+target, "status", "blocked")
	e.screenshot("board-long-column")
	e.assertClean()
}
