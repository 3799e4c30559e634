package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// agentMeStatus calls GET /api/agents/me as the holder of token.
func (e *uiEnv) agentMeStatus(token string) int {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+"/api/agents/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// An agent API key is shown once: the create dialog holds the token with a copy button;
// once closed, and after a reload, the token is nowhere in the page, only the key's name.
// The token authenticates as the agent until it is revoked from the same tab.
func TestAgentKeyShownOnceWorksUntilRevoked(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	pfx := company["issuePrefix"].(string)
	const dialog = `[role="dialog"][aria-modal="true"]`
	const tokenBox = `input[aria-label="API token"]`
	// The copy button writes to the clipboard, which needs the permission a user grants.
	e.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := cdp.Call(ctx, tg, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: "granted", Origin: e.url}); err != nil {
				return err
			}
		}
		return nil
	}))
	e.open("/" + pfx + "/agents/" + ceo["urlKey"].(string) + "/keys")
	e.waitJS(`document.querySelector('input[aria-label="Key name"]')`)
	e.fill(`input[aria-label="Key name"]`, "laptop-cli")
	e.clickButton(".toolbar", "Create key")
	e.waitJS(`document.querySelector(` + jsString(dialog+" "+tokenBox) + `) && document.querySelector(` + jsString(tokenBox) + `).value.length > 20`)
	token := eval[string](e, `document.querySelector(`+jsString(tokenBox)+`).value`)
	if !eval[bool](e, `document.querySelector(`+jsString(dialog)+`).textContent.includes("will not be shown again")`) {
		t.Error("the token dialog does not say it is shown once")
	}
	// inPage reports whether the token is anywhere in the document: markup, input
	// values (which outerHTML does not show) or storage.
	inPage := `(() => { const t = ` + jsString(token) + `;
		return document.documentElement.outerHTML.includes(t) || [...document.querySelectorAll("input, textarea")].some(i => i.value.includes(t))
			|| JSON.stringify(Object.entries(localStorage)).includes(t) || JSON.stringify(Object.entries(sessionStorage)).includes(t); })()`
	if !eval[bool](e, inPage) { // the probe itself finds a token that is there
		t.Fatal("the token is not found in the page while its dialog shows it")
	}
	e.clickButton(dialog, "Copy")
	e.waitJS(`[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Copied token"))`)
	if got := eval[string](e, `navigator.clipboard.readText()`); got != token {
		t.Errorf("clipboard holds %q, want the token", got)
	}
	if st := e.agentMeStatus(token); st != http.StatusOK {
		t.Fatalf("GET /api/agents/me with the new token: %d, want 200", st)
	}

	e.clickButton(dialog, "Done")
	e.waitJS(`!document.querySelector(` + jsString(dialog) + `)`)
	e.waitJS(`[...document.querySelectorAll("td")].some(td => td.textContent.trim() === "laptop-cli")`)
	if eval[bool](e, inPage) {
		t.Error("the token is still in the page after its dialog closed")
	}
	e.do(chromedp.Reload())
	e.waitJS(`[...document.querySelectorAll("tr")].some(r => r.textContent.includes("laptop-cli") && r.textContent.includes("Active"))`)
	if eval[bool](e, inPage) {
		t.Error("the token is in the page after a reload")
	}

	// Revoke from the page: the same call is refused.
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("tr")].find(r => r.textContent.includes("laptop-cli")).querySelector("button").click()`))
	e.waitJS(`document.querySelector(` + jsString(dialog) + `) && document.querySelector(` + jsString(dialog) + `).textContent.includes("laptop-cli")`)
	e.clickButton(dialog, "Revoke")
	e.waitJS(`[...document.querySelectorAll("tr")].some(r => r.textContent.includes("laptop-cli") && r.textContent.includes("Revoked"))`)
	if st := e.agentMeStatus(token); st != http.StatusUnauthorized {
		t.Errorf("GET /api/agents/me with the revoked token: %d, want 401", st)
	}
	if strings.Contains(e.text(), token) {
		t.Error("the token shows on the page after revoking")
	}
	e.assertClean()
}
