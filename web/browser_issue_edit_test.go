package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A property edit the server refuses rolls back on screen and toasts the server's own
// words; an accepted one sticks.
func TestIssuePropertyEditRollsBackOnRefusal(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	issue := e.seedIssue(company["id"].(string), map[string]any{"title": "Nobody owns this yet", "status": "todo"})
	ident := issue["identifier"].(string)
	p := "/" + company["issuePrefix"].(string)
	e.open(p + "/issues/" + ident)
	e.waitJS(`document.querySelector("#prop-status") && document.querySelector("#prop-status").textContent.includes("Todo")`)
	pick := func(label string) {
		t.Helper()
		e.do(chromedp.Click(chromedp.CSS("#prop-status")))
		e.waitJS(`document.querySelector('[role="listbox"][aria-label="Status"]')`)
		e.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`[...document.querySelectorAll('[aria-label="Status"] [role="option"]')].find(o => o.textContent.trim() === %q).click()`, label)))
	}
	// In progress needs an assignee: the server answers 422 and the panel goes back.
	pick("In progress")
	e.waitJS(`[...document.querySelectorAll(".toast.error")].some(t => t.textContent.includes("in_progress issues require an assignee"))`)
	e.waitJS(`document.querySelector("#prop-status").textContent.includes("Todo")`)
	if got := e.get("/issues/" + ident)["status"]; got != "todo" {
		t.Errorf("status after a refused edit = %v, want todo", got)
	}
	// Blocked is allowed from todo without an assignee.
	pick("Blocked")
	e.waitJS(`document.querySelector("#prop-status").textContent.includes("Blocked")`)
	e.waitField("/issues/"+ident, "status", "blocked")
	e.assertClean()
}

// Attachments: the upload button sends a file, the tab lists it, its link downloads the
// same bytes (as an attachment).
func TestIssueAttachmentUploadAndDownload(t *testing.T) {
	e := newUIEnv(t)
	company, _ := seedDemo(e)
	pfx := company["issuePrefix"].(string)
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("first findings\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.open("/" + company["issuePrefix"].(string) + "/issues/" + pfx + "-2?tab=attachments")
	e.waitJS(`document.querySelector('input[type="file"]')`)
	e.do(chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{notes}))
	e.waitJS(`[...document.querySelectorAll("a.link")].some(a => a.textContent.includes("notes.txt"))`)
	href := eval[string](e, `[...document.querySelectorAll("a.link")].find(a => a.textContent.includes("notes.txt")).getAttribute("href")`)
	if !strings.Contains(href, "download=1") {
		t.Errorf("attachment link %q does not ask for a download", href)
	}
	got := eval[string](e, `fetch(`+jsString(href)+`).then(r => r.headers.get("Content-Disposition").startsWith("attachment") ? r.text() : "not an attachment: " + r.headers.get("Content-Disposition"))`)
	if got != "first findings\n" {
		t.Errorf("downloaded %q", got)
	}
	e.assertClean()
}
