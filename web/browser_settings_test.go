package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Company settings: a PNG logo is uploaded then linked, and shows in the sidebar; an
// SVG logo carrying a script is shown only through <img> and never runs.
func TestCompanyLogoUploadAndDisplay(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	dir := t.TempDir()
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 0xC0
	}
	img.Set(3, 3, color.RGBA{255, 0, 0, 255})
	png.Encode(&buf, img)
	pngPath := filepath.Join(dir, "logo.png")
	svgPath := filepath.Join(dir, "logo.svg")
	os.WriteFile(pngPath, buf.Bytes(), 0o644)
	os.WriteFile(svgPath, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" onload="top.__xss=1"><script>top.__xss=1</script><rect width="16" height="16" fill="#0a0"/></svg>`), 0o644)

	e.open(p + "/company/settings")
	e.waitJS(`document.querySelector("#logo-file")`)
	e.do(chromedp.SetUploadFiles(chromedp.CSS("#logo-file"), []string{pngPath}))
	e.waitJS(`(() => { const i = document.querySelector("nav.sidebar .switcher img.tile"); return i && i.complete && i.naturalWidth === 16; })()`)
	co := e.get("/companies/" + cid)
	if co["logoAssetId"] == nil || co["logoUrl"] != "/api/assets/"+co["logoAssetId"].(string)+"/content" {
		t.Fatalf("company after upload = %v", co)
	}
	if got := eval[string](e, `document.querySelector(".logo-preview").getAttribute("src")`); got != co["logoUrl"] {
		t.Errorf("preview src = %q, want %v", got, co["logoUrl"])
	}
	// Replace with an SVG: it appears as an image, and its script never runs.
	e.do(chromedp.SetUploadFiles(chromedp.CSS("#logo-file"), []string{svgPath}))
	e.waitJS(`(() => { const i = document.querySelector(".logo-preview"); return i && i.getAttribute("src") !== ` + jsString(co["logoUrl"].(string)) + ` && i.complete && i.naturalWidth === 16; })()`)
	if eval[bool](e, `!!window.__xss || !!document.querySelector("svg[onload], svg script")`) {
		t.Fatal("the SVG logo was inlined or ran its script")
	}
	if got := eval[string](e, `document.querySelector("nav.sidebar .switcher img.tile").tagName`); got != "IMG" {
		t.Errorf("sidebar logo is a %s, want IMG", got)
	}
	e.screenshot("company-settings-logo")
	e.assertClean()
}

// Activity: entity and agent filters go to the server and into the URL, the text
// filter narrows the rows, rows link to their entity, and Load more fetches the next page.
func TestActivityFiltersAndPaging(t *testing.T) {
	e := newUIEnv(t)
	company, ceo := seedDemo(e)
	seedGovernance(e, company, ceo)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	for i := 0; i < 105; i++ {
		e.api("POST", "/companies/"+cid+"/activity", map[string]any{"actorType": "system", "actorId": "audit", "action": "audit.note", "entityType": "company", "entityId": cid, "details": map[string]any{"n": i}})
	}
	e.open(p + "/activity")
	e.waitJS(`document.querySelectorAll("article.feed-row").length === 100`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn")].find(b => b.textContent.includes("Load more")).click()`))
	e.waitJS(`document.querySelectorAll("article.feed-row").length > 100 && ![...document.querySelectorAll(".btn")].some(b => b.textContent.includes("Load more"))`)
	// Entity filter: only goals, each linking to its goal page.
	e.do(chromedp.SetValue(chromedp.CSS("#act-entity"), "goal"))
	e.waitJS(`location.search.includes("entityType=goal") && document.querySelectorAll("article.feed-row").length === 4 && [...document.querySelectorAll("article.feed-row")].every(r => r.dataset.action.startsWith("goal."))`)
	href := eval[string](e, `document.querySelector("article.feed-row a.link").getAttribute("href")`)
	if len(href) < len(p+"/goals/") || href[:len(p+"/goals/")] != p+"/goals/" {
		t.Errorf("goal row links to %q", href)
	}
	// Text filter on top: "Launch" matches one goal's sentence.
	e.do(chromedp.SendKeys(chromedp.CSS("#act-text"), "Launch"))
	e.waitJS(`location.search.includes("q=Launch") && document.querySelectorAll("article.feed-row").length === 1`)
	// The filters survive a reload (they are the URL).
	e.do(chromedp.Reload())
	e.waitJS(`document.querySelectorAll("article.feed-row").length === 1 && document.querySelector("#act-entity").value === "goal"`)
	e.screenshot("activity-filtered")
	e.assertClean()
}

// Company settings: the general section and the hire-approval switch save on their
// own, a refused value shows the server's message, and archiving asks for the name.
func TestCompanySettingsSaveAndArchive(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/company/settings")
	e.waitJS(`document.querySelector("#cs-desc")`)
	e.do(chromedp.SendKeys(chromedp.CSS("#cs-desc"), "Robots for everyone."))
	e.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[aria-labelledby="cs-general"] .btn.primary').click()`))
	e.waitJS(`[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("General settings saved"))`)
	if got := e.get("/companies/" + cid)["description"]; got != "Robots for everyone." {
		t.Errorf("description = %v", got)
	}
	e.do(chromedp.Click(chromedp.CSS("#cs-approval")))
	e.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[aria-labelledby="cs-budget"] .btn.primary').click()`))
	e.waitField("/companies/"+cid, "requireBoardApprovalForNewAgents", true)
	// A brand colour the server refuses: its message shows under the field.
	e.do(chromedp.SendKeys(chromedp.CSS("#cs-color"), "not-a-colour"))
	e.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[aria-labelledby="cs-branding"] .btn.primary').click()`))
	e.waitJS(`document.querySelector('[aria-labelledby="cs-branding"] .err')`)
	if got := e.get("/companies/" + cid)["brandColor"]; got != nil {
		t.Errorf("brand colour saved despite the error: %v", got)
	}
	// Archive: the confirm button stays disabled until the name is typed.
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".danger-zone .btn")].find(b => b.textContent.includes("Archive company")).click()`))
	e.waitJS(`document.querySelector('[role="dialog"] .btn.danger.solid')`)
	if !eval[bool](e, `document.querySelector('[role="dialog"] .btn.danger.solid').disabled`) {
		t.Error("archive enabled before the name was typed")
	}
	e.do(chromedp.SendKeys(chromedp.CSS(`[role="dialog"] input`), "Horizon Labs"))
	e.waitJS(`!document.querySelector('[role="dialog"] .btn.danger.solid').disabled`)
	e.do(chromedp.Click(chromedp.CSS(`[role="dialog"] .btn.danger.solid`)))
	e.waitJS(`location.pathname === "/companies"`)
	e.waitField("/companies/"+cid, "status", "archived")
	e.assertClean()
}
