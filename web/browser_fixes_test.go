package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The issue properties panel: every value starts on one left edge whether it is a
// button with an icon or plain text, and Blocked by is edited with an issue picker.
// The issues toolbar stays within two rows on a phone.
func TestIssuePanelAlignmentBlockersAndPhoneToolbar(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	pfx := company["issuePrefix"].(string)
	e.open("/" + pfx + "/issues/" + pfx + "-2")
	e.waitJS(`document.querySelector("#prop-status")`)
	// Where the first visible thing (icon or text) of each value starts.
	lefts := eval[[]float64](e, `[...document.querySelectorAll(".props-panel .prop > .v")].map(v => {
		const xs = [];
		const walk = (n) => {
			if (n.nodeType === 3 && n.textContent.trim()) { const r = document.createRange(); r.selectNodeContents(n); for (const q of r.getClientRects()) xs.push(q.left); return; }
			if (n.nodeType !== 1) return;
			if (n.matches("svg, .avatar, .badge, .label-dot")) { xs.push(n.getBoundingClientRect().left); return; }
			n.childNodes.forEach(walk);
		};
		walk(v);
		return Math.min(...xs);
	})`)
	if len(lefts) < 8 {
		t.Fatalf("only %d property values found", len(lefts))
	}
	for i, l := range lefts {
		if d := l - lefts[0]; d > 1.5 || d < -1.5 {
			t.Errorf("property value %d starts at x=%.1f, the first at x=%.1f", i, l, lefts[0])
		}
	}
	// Blocked by: pick HOR-1 from the picker.
	e.do(chromedp.Click(chromedp.CSS("#prop-blockers")))
	e.waitJS(`[...document.querySelectorAll('[aria-label="Blocked by"] [role="option"]')].some(o => o.textContent.includes("` + pfx + `-1"))`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[aria-label="Blocked by"] [role="option"]')].find(o => o.textContent.includes("` + pfx + `-1")).click()`))
	e.waitJS(`document.querySelector("#prop-blockers").textContent.includes("` + pfx + `-1")`)
	blocked := e.get("/issues/" + pfx + "-2")["blockedBy"].([]any)
	if len(blocked) != 1 || blocked[0].(map[string]any)["identifier"] != pfx+"-1" {
		t.Errorf("blockedBy = %v", blocked)
	}
	// Phone: the toolbar is the search row plus one scrolling row of controls.
	e.do(chromedp.EmulateViewport(390, 844))
	e.open("/" + pfx + "/issues")
	e.waitJS(`document.querySelector(".toolbar .search-wrap")`)
	rows := eval[int](e, `new Set([...document.querySelectorAll(".toolbar > *, .toolbar-scroll > *")].filter(x => x.offsetParent && !x.classList.contains("toolbar-scroll"))
		.map(x => { const r = x.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 40); })).size`)
	if rows > 2 {
		t.Errorf("issues toolbar spans %d rows on a phone, want at most 2", rows)
	}
	e.screenshot("issues-phone-toolbar")
	e.do(chromedp.EmulateViewport(1400, 900))
	e.assertClean()
}
