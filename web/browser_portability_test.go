package web_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Export then import: the export preview lists the package files and reads one; the
// zip download is captured and fed to the import page, whose preview plans the new
// company (and, into this company, renames the clashing agents) before Import creates
// it with every agent's timer off.
func TestExportThenImportPreviewRoundTrip(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	seedGovernance(e, company, ceo)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)

	e.open(p + "/company/export")
	// Keep the downloaded blob where the test can read it.
	e.do(chromedp.Evaluate[chromedp.Void](`(() => { const orig = URL.createObjectURL; URL.createObjectURL = (b) => { window.__download = b; return orig(b); }; })()`))
	e.do(chromedp.Click(chromedp.CSS("#ex-issues")))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.trim() === "Preview").click()`))
	e.waitJS(`document.querySelector('[data-preview="export"] [data-count="agents"]')`)
	if got := eval[string](e, `document.querySelector('[data-count="agents"]').textContent`); got != "2 agents" {
		t.Errorf("agents count = %q", got)
	}
	e.waitJS(`document.querySelector('[data-file="COMPANY.md"]')`)
	e.do(chromedp.Click(chromedp.CSS(`[data-file="COMPANY.md"] button`)))
	e.waitJS(`document.querySelector(".pkg-view .md") && document.querySelector(".pkg-view").textContent.includes("Horizon Labs")`)
	e.screenshot("export-preview")
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn")].filter(b => b.textContent.trim() === "Download zip").pop().click()`))
	e.waitJS(`window.__download && window.__download.size > 0`)
	b64 := eval[string](e, `window.__download.arrayBuffer().then(b => { let s = ""; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`)
	zip, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(zip) < 4 || string(zip[:2]) != "PK" {
		t.Fatalf("downloaded package is not a zip (%d bytes, %v)", len(zip), err)
	}
	zipPath := filepath.Join(t.TempDir(), "horizon.zip")
	os.WriteFile(zipPath, zip, 0o644)

	// Into this company: the preview renames the clashing agents and writes nothing.
	agentsBefore := len(e.list("/companies/" + cid + "/agents"))
	e.open(p + "/company/import")
	e.do(chromedp.SetUploadFiles(chromedp.CSS("#im-zip"), []string{zipPath}))
	e.waitJS(`document.querySelector("[data-source]").textContent.includes("horizon.zip")`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.trim() === "Preview").click()`))
	e.waitJS(`document.querySelector('[data-preview="import"] tr[data-plan^="Agent:"]')`)
	if !eval[bool](e, `[...document.querySelectorAll('tr[data-plan^="Agent:"]')].some(r => r.textContent.includes("Renamed from"))`) {
		t.Errorf("no rename in the plan into this company: %s", e.text())
	}
	if n := len(e.list("/companies/" + cid + "/agents")); n != agentsBefore {
		t.Errorf("preview created agents: %d → %d", agentsBefore, n)
	}
	e.screenshot("import-preview")
	// Into a new company: preview, then Import.
	e.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="im-target"]').click()`))
	e.waitJS(`document.querySelector("#im-name") && !document.querySelector('[data-preview="import"]')`)
	e.do(chromedp.SendKeys(chromedp.CSS("#im-name"), "Horizon Copy"))
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.trim() === "Preview").click()`))
	e.waitJS(`document.querySelector('[data-preview="import"] tr[data-plan^="Agent:"][data-action="create"]')`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn.primary")].find(b => b.textContent.trim() === "Import").click()`))
	e.waitJS(`(document.querySelector("h1") || {}).textContent === "Import finished" && document.body.innerText.includes("timer heartbeat turned off")`)
	var copy map[string]any
	for _, c := range e.list("/companies") {
		if c["name"] == "Horizon Copy" {
			copy = c
		}
	}
	if copy == nil {
		t.Fatal("no Horizon Copy company after import")
	}
	agents := e.list("/companies/" + copy["id"].(string) + "/agents")
	if len(agents) != 2 {
		t.Errorf("imported %d agents, want 2", len(agents))
	}
	for _, a := range agents {
		if hb := heartbeatOf(e, a["id"].(string)); hb == true {
			t.Errorf("imported agent %v has its timer on", a["name"])
		}
	}
	e.waitJS(`[...document.querySelectorAll(".result-list a")].some(a => a.getAttribute("href").startsWith("/` + copy["issuePrefix"].(string) + `/agents/"))`)
	e.assertClean()
}
