package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// screenSizes are the desktop and phone viewports every page is looked at in.
var screenSizes = []struct {
	name string
	w, h int64
}{{"desktop", 1400, 900}, {"phone", 390, 844}}

// eachLook runs shoot once per theme and viewport, with the theme stored through a
// page at start (the theme is read before the app renders).
func (e *uiEnv) eachLook(start string, shoot func(look string)) {
	e.t.Helper()
	for _, theme := range []string{"light", "dark"} {
		e.open(start)
		e.do(chromedp.Evaluate[chromedp.Void](`localStorage.setItem("paperclip.theme", "` + theme + `")`))
		for _, size := range screenSizes {
			e.do(chromedp.EmulateViewport(size.w, size.h))
			shoot(size.name + "-" + theme)
		}
	}
	e.do(chromedp.EmulateViewport(1400, 900))
}

// TestScreenshotsAuth photographs the authenticated-mode screens: setup, sign in (with
// an error) and an invite, at both sizes in both themes.
func TestScreenshotsAuth(t *testing.T) {
	if os.Getenv("PAPERCLIP_SCREENSHOTS") == "" {
		t.Skip("set PAPERCLIP_SCREENSHOTS=<dir> to take screenshots")
	}
	e := newAuthUIEnv(t)
	token := e.bootstrapInvite()
	e.eachLook("/setup", func(look string) {
		e.open("/setup")
		e.screenshot("setup-" + look)
		e.open("/invite/" + token)
		e.waitJS(`document.querySelector("#auth-name")`)
		e.screenshot("invite-" + look)
	})
	e.cookie = e.signUpAPI("Ada", "ada@example.com", "correct horse battery")
	e.api("POST", "/invites/"+token+"/accept", map[string]any{"requestType": "human"})
	co := e.seedCompany("Horizon Labs")
	inv := e.api("POST", "/companies/"+co["id"].(string)+"/invites", map[string]any{"allowedJoinTypes": "human", "humanRole": "admin"})
	e.eachLook("/auth", func(look string) {
		e.open("/auth")
		e.fill("#auth-email", "ada@example.com")
		e.fill("#auth-password", "wrong password")
		e.do(chromedp.Click(chromedp.CSS(`.auth-form button[type="submit"]`)))
		e.waitJS(`document.querySelector("#auth-error")`)
		e.screenshot("auth-" + look)
		e.open(inv["invitePath"].(string))
		e.waitJS(`document.querySelector("#auth-email")`)
		e.screenshot("invite-company-" + look)
	})
	e.assertClean()
}

// TestScreenshots photographs every main page at desktop and phone sizes in both
// themes. It runs only when PAPERCLIP_SCREENSHOTS names an output folder, and still
// checks that each page renders without console errors.
func TestScreenshots(t *testing.T) {
	if os.Getenv("PAPERCLIP_SCREENSHOTS") == "" {
		t.Skip("set PAPERCLIP_SCREENSHOTS=<dir> to take screenshots")
	}
	// A finished run with a transcript, for the run detail page: a fake claude CLI on
	// PATH (the runtime reads PATH when it starts) speaking stream-json: init, text, a
	// tool call and its result, the result.
	bin := t.TempDir()
	lines := []string{
		`{"type":"system","subtype":"init","session_id":"sess-7f3a","model":"claude-sonnet-4"}`,
		`{"type":"assistant","message":{"content":[{"type":"text","text":"Reading **HOR-1** and the company mission first."}]}}`,
		`{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"curl -s $PAPERCLIP_API_URL/api/issues/HOR-1"}}]}}`,
		`{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"{\"identifier\":\"HOR-1\",\"status\":\"in_progress\"}"}]}}`,
		`{"type":"assistant","message":{"content":[{"type":"text","text":"Plan for the first two weeks:\n\n1. Set up the repository\n2. Ship the landing page\n3. Hire a designer through an approval"}]}}`,
		`{"type":"result","subtype":"success","result":"Wrote the plan and proposed one hire.","total_cost_usd":0.42,"num_turns":4,"usage":{"input_tokens":18234,"cache_read_input_tokens":9120,"output_tokens":1630}}`,
	}
	var script strings.Builder
	script.WriteString("#!/bin/sh\ncat > /dev/null\n")
	for _, l := range lines {
		script.WriteString("printf '%s\\n' '" + l + "'\n")
	}
	if err := os.WriteFile(filepath.Join(bin, "claude"), []byte(script.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	e := newUIEnvRuntime(t)
	company, ceo := seedDemo(e)
	runner := e.api("POST", "/companies/"+company["id"].(string)+"/agents", map[string]any{"name": "Runner", "role": "engineer",
		"adapterType": "claude_local", "adapterConfig": map[string]any{}})
	run := e.api("POST", "/agents/"+runner["id"].(string)+"/heartbeat/invoke", map[string]any{})
	e.waitField("/heartbeat-runs/"+run["id"].(string), "status", "succeeded")
	gov := seedGovernance(e, company, ceo)
	hire, strategy := seedApprovals(e, company, ceo)
	seedCosts(e, company)
	pfx := company["issuePrefix"].(string)
	p := "/" + pfx
	pages := map[string]string{
		"dashboard": p + "/dashboard", "issues": p + "/issues?view=list", "board": p + "/issues?view=board",
		"issue": p + "/issues/" + pfx + "-2", "agents": p + "/agents", "agent": p + "/agents/" + ceo["urlKey"].(string),
		"agent-new": p + "/agents/new", "org": p + "/org", "inbox": p + "/inbox/mine",
		"goals": p + "/goals", "goal": p + "/goals/" + gov.goalID,
		"projects": p + "/projects", "project": p + "/projects/" + gov.projectKey, "project-issues": p + "/projects/" + gov.projectKey + "/issues",
		"project-config": p + "/projects/" + gov.projectKey + "/configuration",
		"costs":          p + "/costs", "company-settings": p + "/company/settings", "activity": p + "/activity",
		"approvals": p + "/approvals/pending", "approval-hire": p + "/approvals/" + hire["id"].(string), "approval-strategy": p + "/approvals/" + strategy["id"].(string),
		"approvals-all": p + "/approvals/all", "companies": "/companies", "instance": "/instance/settings/general",
		"instance-heartbeats": "/instance/settings/heartbeats", "instance-api-keys": "/instance/settings/api-keys",
		"export": p + "/company/export", "import": p + "/company/import", "invite-invalid": "/invite/pcp_invite_gone",
		"run": p + "/agents/" + runner["urlKey"].(string) + "/runs/" + run["id"].(string), "onboarding": "/onboarding", "not-found": "/nope/nothing",
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
	e.eachLook(p+"/dashboard", func(look string) {
		for name, path := range pages {
			e.open(path)
			e.screenshot(name + "-" + look)
		}
	})
	e.assertClean()
}
