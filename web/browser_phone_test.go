package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// Below 768 px the sidebar is a drawer: hidden until the top bar's menu button opens
// it, and closed again by following one of its links.
func TestPhoneSidebarDrawer(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	p := "/" + company["issuePrefix"].(string)
	e.do(chromedp.EmulateViewport(390, 844))
	defer e.do(chromedp.EmulateViewport(1400, 900))
	e.open(p + "/dashboard")
	e.waitJS(`document.querySelector("nav.sidebar").getBoundingClientRect().right <= 0`)
	e.do(chromedp.Click(chromedp.CSS(`header.topbar .btn.hamburger`)))
	e.waitJS(`document.querySelector(".shell.drawer-open") && document.querySelector("nav.sidebar").getBoundingClientRect().left >= 0`)
	e.do(chromedp.Click(chromedp.CSS(`nav.sidebar a[href="` + p + `/issues"]`)))
	e.waitJS(`location.pathname === "` + p + `/issues" && !document.querySelector(".shell.drawer-open")`)
	e.waitJS(`document.querySelector("nav.sidebar").getBoundingClientRect().right <= 0`)
	e.assertClean()
}
