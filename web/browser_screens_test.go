package web_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots photographs every main page at desktop and phone sizes in both
// themes. It runs only when PAPERCLIP_SCREENSHOTS names an output folder, and still
// checks that each page renders without console errors.
func TestScreenshots(t *testing.T) {
	if os.Getenv("PAPERCLIP_SCREENSHOTS") == "" {
		t.Skip("set PAPERCLIP_SCREENSHOTS=<dir> to take screenshots")
	}
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	gov := seedGovernance(e, company, ceo)
	hire, strategy := seedApprovals(e, company, ceo)
	seedCosts(e, company)
	pfx := company["issuePrefix"].(string)
	p := "/" + pfx
	pages := map[string]string{
		"dashboard": p + "/dashboard", "issues": p + "/issues", "board": p + "/issues?view=board",
		"issue": p + "/issues/" + pfx + "-2", "agents": p + "/agents", "agent": p + "/agents/" + ceo["urlKey"].(string),
		"agent-new": p + "/agents/new", "org": p + "/org", "inbox": p + "/inbox/mine",
		"goals": p + "/goals", "goal": p + "/goals/" + gov.goalID,
		"projects": p + "/projects", "project": p + "/projects/" + gov.projectKey, "project-issues": p + "/projects/" + gov.projectKey + "/issues",
		"project-config": p + "/projects/" + gov.projectKey + "/configuration",
		"costs":          p + "/costs", "company-settings": p + "/company/settings", "activity": p + "/activity",
		"approvals": p + "/approvals/pending", "approval-hire": p + "/approvals/" + hire["id"].(string), "approval-strategy": p + "/approvals/" + strategy["id"].(string),
	}
	// PAPERCLIP_SCREENSHOTS_ONLY=goals,goal narrows the run to the pages being worked on.
	if only := os.Getenv("PAPERCLIP_SCREENSHOTS_ONLY"); only != "" {
		keep := map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			keep[n] = true
		}
		for n := range pages {
			if !keep[n] {
				delete(pages, n)
			}
		}
	}
	sizes := []struct {
		name string
		w, h int64
	}{{"desktop", 1400, 900}, {"phone", 390, 844}}
	for _, theme := range []string{"light", "dark"} {
		e.open(p + "/dashboard")
		e.do(chromedp.Evaluate[chromedp.Void](`localStorage.setItem("paperclip.theme", "` + theme + `")`))
		for _, size := range sizes {
			e.do(chromedp.EmulateViewport(size.w, size.h))
			for name, path := range pages {
				e.open(path)
				e.screenshot(name + "-" + size.name + "-" + theme)
			}
		}
	}
	e.do(chromedp.EmulateViewport(1400, 900))
	e.assertClean()
}
