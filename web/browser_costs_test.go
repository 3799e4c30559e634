package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// costsAvailable reports whether the server has the oversight cost routes.
func costsAvailable(e *uiEnv, cid string) bool {
	res, err := http.Get(e.url + "/api/companies/" + cid + "/costs/summary")
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode != http.StatusNotFound
}

// seedCosts records this month's spend through the real cost-events route: $6 for the
// CEO and $2 for Ada. A server without the oversight routes fails the test.
func seedCosts(e *uiEnv, company map[string]any) {
	cid := company["id"].(string)
	if !costsAvailable(e, cid) {
		e.t.Fatal("the server has no cost routes: the costs page cannot be tested")
	}
	now := time.Now().UTC().Format(time.RFC3339)
	for _, a := range e.list("/companies/" + cid + "/agents") {
		cents := 200
		if a["name"] == "CEO" {
			cents = 600
		}
		e.api("POST", "/companies/"+cid+"/cost-events", map[string]any{"agentId": a["id"], "provider": "anthropic", "model": "claude-sonnet",
			"costCents": cents, "occurredAt": now, "inputTokens": 1000, "outputTokens": 300, "billingType": "metered_api"})
	}
}

// Costs: the month's spend shows by agent; setting a company budget of $10 puts the
// $8 spend over the 80 % line (warning banner), and an agent budget edit is saved.
func TestCostsBudgetEdit(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	seedCosts(e, company)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/costs")
	e.waitJS(`document.querySelector('[data-metric="spend"]') && document.querySelector('[data-metric="spend"]').textContent === "$8.00"`)
	e.waitJS(`document.querySelector('[aria-label="Spend by agent"] .hbar')`)
	if eval[bool](e, `!!document.querySelector(".banner.warn")`) {
		t.Error("budget warning shown without a budget")
	}
	e.do(chromedp.SendKeys(chromedp.CSS("#company-budget"), "10"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.trim() === "Save" && b.closest(".card-pad")).click()`))
	e.waitJS(`document.querySelector(".banner.warn") && document.querySelector(".banner.warn").textContent.includes("80 %")`)
	if got := e.get("/companies/" + cid)["budgetMonthlyCents"]; got != float64(1000) {
		t.Errorf("company budget = %v, want 1000", got)
	}
	// Agent budget: Ada gets $50.
	e.do(chromedp.SendKeys(chromedp.CSS(`input[aria-label="Monthly budget for Ada"]`), "50"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[data-agent="Ada"] .btn.primary')][0].click()`))
	e.waitJS(`[...document.querySelectorAll('[data-agent="Ada"] .badge')].some(b => b.textContent.includes("4"))`)
	for _, a := range e.list("/companies/" + cid + "/agents") {
		if a["name"] == "Ada" && a["budgetMonthlyCents"] != float64(5000) {
			t.Errorf("Ada budget = %v, want 5000", a["budgetMonthlyCents"])
		}
	}
	e.screenshot("costs-budget")
	e.assertClean()
}

// Costs: an agent over its hard budget is paused with an open incident; "Raise budget
// and resume" sets the new budget and the agent runs again. The range presets go to
// the URL and to every cost route, and the provider breakdown follows them.
func TestCostsIncidentResolveAndRange(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	var ada map[string]any
	for _, a := range e.list("/companies/" + cid + "/agents") {
		if a["name"] == "Ada" {
			ada = a
		}
	}
	aid := ada["id"].(string)
	e.api("PATCH", "/agents/"+aid+"/budgets", map[string]any{"budgetMonthlyCents": 100})
	e.api("POST", "/companies/"+cid+"/cost-events", map[string]any{"agentId": aid, "provider": "openai", "model": "gpt-5",
		"costCents": 250, "occurredAt": time.Now().UTC().Format(time.RFC3339), "billingType": "metered_api"})
	e.waitField("/agents/"+aid, "status", "paused")
	e.open(p + "/costs")
	e.waitJS(`document.querySelector('[aria-label="Budget incidents"] [data-incident]') && document.querySelector('[aria-label="Budget incidents"]').textContent.includes("Ada")`)
	e.screenshot("costs-incident")
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[data-incident] .btn')].find(b => b.textContent.includes("Raise budget")).click()`))
	e.waitJS(`document.querySelector("#raise-amount")`)
	e.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#raise-amount").select()`), chromedp.SendKeys(chromedp.CSS("#raise-amount"), "20"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".dialog-foot .btn.primary")].find(b => b.textContent.includes("Raise and resume")).click()`))
	e.waitJS(`!document.querySelector('[aria-label="Budget incidents"]')`)
	e.waitField("/agents/"+aid, "budgetMonthlyCents", float64(2000))
	if st := e.get("/agents/" + aid)["status"]; st == "paused" {
		t.Errorf("Ada still paused after raise and resume")
	}
	// Range: All time goes into the URL and the provider table shows the openai spend.
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[aria-label="Date range"] .chip')].find(b => b.textContent === "All time").click()`))
	e.waitJS(`location.search.includes("range=all") && document.querySelector('[data-metric="spend"]').textContent === "$2.50"`)
	e.waitJS(`document.body.innerText.includes("openai")`)
	e.assertClean()
}
