package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// When the API cannot be reached the top banner says so, no error toasts pile up, pages
// already loaded keep their data; when the server answers again the banner goes and the
// screen refetches.
func TestOfflineBannerKeepsDataAndRecovers(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/issues")
	e.waitJS(`document.querySelector(".list-row") && document.documentElement.dataset.busy !== "1"`)
	rows := eval[int](e, `document.querySelectorAll(".list-row").length`)
	e.down.Store(true)
	// A client-side navigation to a page whose data is not cached: its reads fail.
	e.do(chromedp.Click(chromedp.CSS(`nav.sidebar a[href="` + p + `/dashboard"]`)))
	e.waitJS(`document.querySelector(".offline-banner") && document.querySelector(".offline-banner").textContent === "Cannot reach Paperclip — retrying…"`)
	if n := eval[int](e, `document.querySelectorAll(".toast.error").length`); n != 0 {
		t.Errorf("%d error toasts while offline; the banner alone should say it", n)
	}
	// Back to the issues: still on screen from the last answer, with the banner.
	e.do(chromedp.Click(chromedp.CSS(`nav.sidebar a[href="` + p + `/issues"]`)))
	e.waitJS(`location.pathname === "` + p + `/issues" && document.querySelectorAll(".list-row").length === ` + fmt.Sprint(rows) + ` && document.querySelector(".offline-banner")`)
	// A change made elsewhere while the page is cut off appears once it reconnects.
	e.seedIssue(company["id"].(string), map[string]any{"title": "Made while the board was offline", "status": "todo"})
	e.down.Store(false)
	e.waitJSFor(`!document.querySelector(".offline-banner") && [...document.querySelectorAll(".list-row")].some(r => r.textContent.includes("Made while the board was offline"))`, 15*time.Second)
	e.assertClean()
}
