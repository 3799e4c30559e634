package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// Env bindings reference company secrets by name and never show a value: a project
// variable and an agent variable are bound to secrets picked from the company's list
// (one of them created from the editor), saved as secret_ref bindings, and no page
// ever shows either value.
func TestEnvSecretRefsFromCompanySecrets(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	gov := seedGovernance(e, company, ceo)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	gh := e.api("POST", "/companies/"+cid+"/secrets", map[string]any{"name": "GITHUB_TOKEN", "value": "ghp_topsecretvalue123"})
	e.api("POST", "/companies/"+cid+"/secrets", map[string]any{"name": "STRIPE_KEY", "value": "sk_live_othersecret456"})
	noValue := func(where string) {
		t.Helper()
		if eval[bool](e, `(() => { const t = document.body.innerText + [...document.querySelectorAll("input, select, textarea")].map(n => n.value).join(" "); return t.includes("ghp_topsecretvalue123") || t.includes("sk_live_othersecret456") || t.includes("brand-new-secret-789"); })()`) {
			t.Errorf("%s shows a secret value", where)
		}
	}

	// Project: DEPLOY_TOKEN bound to GITHUB_TOKEN, chosen from the list.
	e.open(p + "/projects/" + gov.projectKey + "/configuration")
	e.do(chromedp.SendKeys(chromedp.CSS(`input[aria-label="New Environment variables name"]`), "DEPLOY_TOKEN"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".env-editor .btn")].find(b => b.textContent.includes("Add variable")).click()`))
	e.waitJS(`document.querySelector('[data-env="DEPLOY_TOKEN"] select')`)
	e.do(chromedp.SetValue(chromedp.CSS(`select[aria-label="Type of DEPLOY_TOKEN"]`), "secret_ref"))
	e.waitJS(`document.querySelector('select[aria-label="Secret for DEPLOY_TOKEN"]')`)
	options := eval[[]string](e, `[...document.querySelectorAll('select[aria-label="Secret for DEPLOY_TOKEN"] option')].map(o => o.textContent)`)
	if len(options) != 3 || options[0] != "GITHUB_TOKEN" || options[1] != "STRIPE_KEY" || options[2] != "Create secret…" {
		t.Errorf("secret choices = %q", options)
	}
	e.do(chromedp.SetValue(chromedp.CSS(`select[aria-label="Secret for DEPLOY_TOKEN"]`), gh["id"].(string)))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.includes("Save environment")).click()`))
	e.waitJS(`[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Environment saved"))`)
	env, _ := e.get("/projects/" + gov.projectKey + "?companyId=" + cid)["env"].(map[string]any)
	if b, _ := env["DEPLOY_TOKEN"].(map[string]any); b == nil || b["type"] != "secret_ref" || b["secretId"] != gh["id"] {
		t.Errorf("project env DEPLOY_TOKEN = %v", env["DEPLOY_TOKEN"])
	}
	e.do(chromedp.Reload())
	e.waitJS(`(document.querySelector('select[aria-label="Secret for DEPLOY_TOKEN"]') || {}).value === ` + jsString(gh["id"].(string)))
	noValue("project configuration")

	// Agent: OPENAI_API_KEY bound to a secret created from the editor itself.
	e.open(p + "/agents/" + ceo["urlKey"].(string) + "/configuration")
	e.waitJS(`document.querySelector('input[aria-label="New Variables name"]')`)
	e.do(chromedp.SendKeys(chromedp.CSS(`input[aria-label="New Variables name"]`), "OPENAI_API_KEY"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".env-editor .btn")].find(b => b.textContent.includes("Add variable")).click()`))
	e.waitJS(`document.querySelector('select[aria-label="Type of OPENAI_API_KEY"]')`)
	e.do(chromedp.SetValue(chromedp.CSS(`select[aria-label="Type of OPENAI_API_KEY"]`), "secret_ref"))
	e.waitJS(`document.querySelector('select[aria-label="Secret for OPENAI_API_KEY"]')`)
	e.do(chromedp.SetValue(chromedp.CSS(`select[aria-label="Secret for OPENAI_API_KEY"]`), "__new"))
	e.waitJS(`document.querySelector("#ns-value") && document.querySelector("#ns-name").value === "OPENAI_API_KEY"`)
	if typ := eval[string](e, `document.querySelector("#ns-value").type`); typ != "password" {
		t.Errorf("new secret value input type = %q, want password", typ)
	}
	e.do(chromedp.SendKeys(chromedp.CSS("#ns-value"), "brand-new-secret-789"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".dialog-foot .btn.primary")].find(b => b.textContent.includes("Create secret")).click()`))
	e.waitJS(`!document.querySelector("#ns-value") && [...document.querySelectorAll('select[aria-label="Secret for OPENAI_API_KEY"] option')].some(o => o.selected && o.textContent === "OPENAI_API_KEY")`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.includes("Save changes")).click()`))
	e.waitJS(`[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Configuration saved"))`)
	var created string
	for _, s := range e.list("/companies/" + cid + "/secrets") {
		if s["name"] == "OPENAI_API_KEY" {
			created = s["id"].(string)
		}
	}
	cfg, _ := e.get("/agents/" + ceo["id"].(string))["adapterConfig"].(map[string]any)
	aenv, _ := cfg["env"].(map[string]any)
	if b, _ := aenv["OPENAI_API_KEY"].(map[string]any); created == "" || b == nil || b["type"] != "secret_ref" || b["secretId"] != created {
		t.Errorf("agent env OPENAI_API_KEY = %v (secret %q)", aenv["OPENAI_API_KEY"], created)
	}
	noValue("agent configuration")
	e.open(p + "/agents/" + ceo["urlKey"].(string))
	noValue("agent overview")
	e.screenshot("agent-secret-env")
	e.assertClean()
}
