package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The org chart is one Tab stop; arrows walk the tree (down to the first report, right
// along the level across subtrees, up to the manager) and Enter opens the agent.
func TestOrgChartKeyboardNavigation(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e) // CEO → Ada
	cid := company["id"].(string)
	cto := e.seedAgent(cid, "Grace", "cto")
	e.api("PATCH", "/agents/"+cto["id"].(string), map[string]any{"reportsTo": ceo["id"]})
	dev := e.seedAgent(cid, "Linus", "engineer")
	e.api("PATCH", "/agents/"+dev["id"].(string), map[string]any{"reportsTo": cto["id"]})
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/org")
	e.waitJS(`document.querySelectorAll(".org-node").length === 4`)
	if n := eval[int](e, `[...document.querySelectorAll(".org-node")].filter(b => b.tabIndex === 0).length`); n != 1 {
		t.Errorf("%d org cards are Tab stops, want 1", n)
	}
	focused := func() string {
		return eval[string](e, `document.activeElement && document.activeElement.classList.contains("org-node") ? document.activeElement.querySelector("strong").textContent : ""`)
	}
	step := func(key, want string) {
		t.Helper()
		e.do(chromedp.KeyEvent(key))
		e.waitJS(`document.activeElement && document.activeElement.querySelector && (document.activeElement.querySelector("strong") || {}).textContent === ` + jsString(want))
	}
	e.do(chromedp.Focus(chromedp.CSS(`.org-node[tabindex="0"]`)))
	if got := focused(); got != "CEO" {
		t.Fatalf("the tree's Tab stop is %q, want CEO", got)
	}
	step(kb.ArrowDown, "Ada")    // first report
	step(kb.ArrowRight, "Grace") // sibling
	step(kb.ArrowDown, "Linus")  // Grace's report
	step(kb.ArrowLeft, "Linus")  // nothing left of Linus on his level: focus stays
	step(kb.ArrowUp, "Grace")
	step(kb.ArrowUp, "CEO")
	step(kb.ArrowDown, "Ada")
	// The card that has focus is the one Tab comes back to.
	if n := eval[string](e, `document.querySelector('.org-node[tabindex="0"] strong').textContent`); n != "Ada" {
		t.Errorf("roving Tab stop = %q after moving, want Ada", n)
	}
	e.do(chromedp.KeyEvent(kb.Enter))
	e.waitJS(`location.pathname.startsWith(` + jsString(p+"/agents/") + `) && document.querySelector("h1") && document.querySelector("h1").textContent.includes("Ada")`)
	e.assertClean()
}
