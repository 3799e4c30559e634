package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"paperclip/server"
)

// newAuthUIEnv is a fresh authenticated-mode instance (no admin yet) with a browser tab.
func newAuthUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	return newUIEnvMode(t, false, server.ModeAuthenticated)
}

// bootstrapInvite creates the one-time admin invite the server would print at start.
func (e *uiEnv) bootstrapInvite() string {
	e.t.Helper()
	inv, err := e.store.CreateBootstrapInvite(context.Background(), time.Hour, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return inv.Token
}

// signUpAPI creates an account over HTTP and returns its session cookie header value.
func (e *uiEnv) signUpAPI(name, email, password string) string {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"name": name, "email": email, "password": password})
	res, err := http.Post(e.url+"/api/auth/sign-up/email", "application/json", bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == server.SessionCookie && c.Value != "" {
			return c.Name + "=" + c.Value
		}
	}
	e.t.Fatalf("sign up %s: %d, no session cookie", email, res.StatusCode)
	return ""
}

// fill types into an input after clearing it.
func (e *uiEnv) fill(sel, text string) {
	e.t.Helper()
	eval[bool](e, `(() => { const n = document.querySelector(`+jsString(sel)+`); n.select(); document.execCommand("delete"); return n.value === ""; })()`)
	e.do(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// A fresh authenticated instance sends the browser to /setup; the bootstrap invite
// page signs a new user up and accepts, which makes them admin: /setup then lets go,
// and the sidebar shows the signed-in user.
func TestAuthBootstrapThroughInvite(t *testing.T) {
	e := newAuthUIEnv(t)
	token := e.bootstrapInvite()
	e.open("/companies")
	e.waitJS(`location.pathname === "/setup" && (document.querySelector("h1") || {}).textContent === "Instance setup required"`)
	if got := eval[string](e, `new URLSearchParams(location.search).get("next")`); got != "/companies" {
		t.Errorf("setup next = %q, want /companies", got)
	}
	e.screenshot("auth-setup")
	// The pasted invite link opens the invite page.
	e.fill("#setup-link", e.url+"/invite/"+token)
	e.do(chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	e.waitJS(`location.pathname === "/invite/` + token + `" && (document.querySelector("h1") || {}).textContent === "Become the instance admin"`)
	// Signed out: the page offers the account form (sign-up first), then Accept.
	e.waitJS(`document.querySelector("#auth-name")`)
	e.fill("#auth-name", "Grace Hopper")
	e.fill("#auth-email", "grace@example.com")
	e.fill("#auth-password", "short")
	e.do(chromedp.Click(chromedp.CSS(`.auth-form button[type="submit"]`)))
	e.waitJS(`document.querySelector("#auth-error") && document.querySelector("#auth-error").textContent.length > 0`)
	e.fill("#auth-password", "correct horse battery")
	e.do(chromedp.Click(chromedp.CSS(`.auth-form button[type="submit"]`)))
	e.waitJS(`document.querySelector('[data-action="accept"]') && document.body.innerText.includes("Signed in as Grace Hopper")`)
	e.screenshot("auth-invite")
	e.do(chromedp.Click(chromedp.CSS(`[data-action="accept"]`)))
	// Admin now, with no company yet: the app goes on to onboarding.
	e.waitJS(`location.pathname === "/onboarding"`)
	if h := e.get("/health"); h["bootstrapStatus"] != "ready" {
		t.Errorf("health after accept = %v", h["bootstrapStatus"])
	}
	// The used invite is gone.
	e.open("/invite/" + token)
	e.waitJS(`document.body.innerText.includes("This invite is no longer valid.")`)
	// /setup is over: it goes straight on.
	e.open("/setup")
	e.waitJS(`location.pathname === "/onboarding"`)
	e.assertClean()
}

// A /setup page left open continues by itself once someone else claims the instance.
func TestAuthSetupPollsUntilReady(t *testing.T) {
	e := newAuthUIEnv(t)
	token := e.bootstrapInvite()
	e.open("/setup")
	e.waitJS(`document.querySelector(".setup-wait")`)
	e.cookie = e.signUpAPI("Ada", "ada@example.com", "correct horse battery")
	e.api("POST", "/invites/"+token+"/accept", map[string]any{"requestType": "human"})
	// The browser has no session: once health says ready it lands on sign in.
	e.waitJS(`location.pathname === "/auth"`)
	// A newcomer signs up there; belonging to no company, they are told to ask for an invite.
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('.seg [role="tab"]')].find(b => b.textContent === "Create account").click()`))
	e.waitJS(`document.querySelector("#auth-name")`)
	e.fill("#auth-name", "Bob")
	e.fill("#auth-email", "bob@example.com")
	e.fill("#auth-password", "bobs password")
	e.do(chromedp.Click(chromedp.CSS(`.auth-form button[type="submit"]`)))
	e.waitJS(`(document.querySelector("h1") || {}).textContent === "No company yet" && document.body.innerText.includes("signed in as Bob")`)
	e.assertClean()
}

// Sign in: a signed-out visit keeps its path in ?next=, a wrong password shows the
// server's message inline, the right one lands on the page asked for with the user in
// the sidebar; Sign out goes back to /auth.
func TestAuthSignInWrongThenRight(t *testing.T) {
	e := newAuthUIEnv(t)
	token := e.bootstrapInvite()
	e.cookie = e.signUpAPI("Ada Lovelace", "ada@example.com", "correct horse battery")
	e.api("POST", "/invites/"+token+"/accept", map[string]any{"requestType": "human"})
	company := e.seedCompany("Horizon Labs")
	e.seedIssue(company["id"].(string), map[string]any{"title": "Write the company plan"})
	p := "/" + company["issuePrefix"].(string)

	e.open(p + "/issues")
	e.waitJS(`location.pathname === "/auth" && document.querySelector("#auth-email")`)
	if got := eval[string](e, `new URLSearchParams(location.search).get("next")`); got != p+"/issues" {
		t.Errorf("next = %q, want %s/issues", got, p)
	}
	e.fill("#auth-email", "ada@example.com")
	e.fill("#auth-password", "wrong password")
	e.do(chromedp.Click(chromedp.CSS(`.auth-form button[type="submit"]`)))
	e.waitJS(`document.querySelector("#auth-error") && document.querySelector("#auth-error").textContent === "Invalid email or password"`)
	if eval[string](e, `location.pathname`) != "/auth" {
		t.Fatal("left /auth after a wrong password")
	}
	e.screenshot("auth-signin-error")
	e.fill("#auth-password", "correct horse battery")
	e.do(chromedp.Click(chromedp.CSS(`.auth-form button[type="submit"]`)))
	e.waitJS(`location.pathname === "` + p + `/issues" && [...document.querySelectorAll("h1")].some(h => h.textContent === "Issues") && document.body.innerText.includes("Write the company plan")`)
	e.waitJS(`document.querySelector('.sidebar-footer [data-user="ada@example.com"]') && document.querySelector(".sidebar-footer").textContent.includes("Ada Lovelace")`)
	// Visiting /auth while signed in goes straight on.
	e.open("/auth?next=" + p + "/dashboard")
	e.waitJS(`location.pathname === "` + p + `/dashboard"`)
	// Instance settings in this mode: the badge says so, and a board API key for the CLI
	// is shown once, listed, then revoked.
	e.open("/instance/settings/general")
	e.waitJS(`(document.querySelector('[data-mode]') || {}).textContent === "Authenticated · private"`)
	e.open("/instance/settings/api-keys")
	e.fill("#key-name", "laptop cli")
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.includes("Create key")).click()`))
	e.waitJS(`document.querySelector(".key-once .token") && /export PAPERCLIP_API_KEY=pcp_board_[0-9a-f]{48}/.test(document.querySelector(".key-once .token").textContent) && document.querySelector('tr[data-key="laptop cli"]')`)
	e.screenshot("instance-api-keys")
	e.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('tr[data-key="laptop cli"] .btn.danger').click()`))
	e.waitJS(`document.querySelector('[role="dialog"] .btn.danger.solid')`)
	e.do(chromedp.Click(chromedp.CSS(`[role="dialog"] .btn.danger.solid`)))
	e.waitJS(`!document.querySelector('tr[data-key="laptop cli"]')`)
	// Sign out.
	e.do(chromedp.Click(chromedp.CSS(`.sidebar-footer [data-action="sign-out"]`)))
	e.waitJS(`location.pathname === "/auth"`)
	res, err := http.Get(e.url + "/api/companies")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("companies without a session: %d", res.StatusCode)
	}
	if c := eval[string](e, `document.cookie`); strings.Contains(c, server.SessionCookie) {
		t.Errorf("session cookie readable by the page: %q", c)
	}
	e.assertClean()
}
