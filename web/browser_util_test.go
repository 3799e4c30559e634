package web_test

import (
	"encoding/json"

	"github.com/chromedp/chromedp"
)

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// clickButton waits for a button labelled exactly label inside the first element
// matching scope, then clicks it: the flows name buttons by what the user reads.
func (e *uiEnv) clickButton(scope, label string) {
	e.t.Helper()
	find := `[...document.querySelectorAll(` + jsString(scope+" button") + `)].find(b => b.textContent.trim() === ` + jsString(label) + ` && !b.disabled && b.offsetParent)`
	e.waitJS(find)
	e.do(chromedp.Evaluate[chromedp.Void](find + `.click()`))
}
