package web_test

import (
	"strconv"
	"testing"
)

// Issue documents: create one with a markdown body, edit and save it (the revision
// number moves), then the optimistic-concurrency conflict: the document changes through
// the API while the page edits it, saving answers 409, and the dialog shows the server's
// words and resolves either way (overwrite with mine, reload theirs). The runtime env
// brings the live socket: the page learns of the newer revision while editing, which
// must not make it the base of the save.
func TestIssueDocumentCreateEditAndConflict(t *testing.T) {
	e := newUIEnvRuntime(t)
	company, _ := seedDemo(e)
	pfx := company["issuePrefix"].(string)
	ident := pfx + "-2"
	docPath := "/issues/" + ident + "/documents/plan"
	const card = ".card.card-pad"
	const dialog = `[role="dialog"][aria-modal="true"]`
	const editor = `textarea[aria-label="Document plan"]`
	// shows: the open document reads rev n and renders text (not editing).
	shows := func(rev, text string) {
		t.Helper()
		e.waitJS(`(() => { const c = document.querySelector(` + jsString(card) + `); return c && c.textContent.includes("plan · rev ` + rev + `")
			&& !c.querySelector("textarea") && c.querySelector(".md") !== null && c.textContent.includes(` + jsString(text) + `); })()`)
	}
	server := func(wantRev float64, wantBody string) {
		t.Helper()
		d := e.get(docPath)
		if d["body"] != wantBody || d["latestRevisionNumber"] != wantRev {
			t.Errorf("server document: rev %v body %q, want rev %v body %q", d["latestRevisionNumber"], d["body"], wantRev, wantBody)
		}
	}
	e.open("/" + pfx + "/issues/" + ident + "?tab=documents")

	// Create: key, title and a markdown body; the new document opens rendered.
	e.clickButton(".toolbar", "New document")
	e.waitJS(`document.querySelector("#doc-key")`)
	e.fill("#doc-key", "plan")
	e.fill("#doc-title", "Launch plan")
	e.fill("#doc-body", "Ship **v1** first.")
	e.clickButton(dialog, "Create")
	e.waitJS(`!document.querySelector(` + jsString(dialog) + `)`)
	shows("1", "v1 first.")
	if n := eval[int](e, `document.querySelectorAll(`+jsString(card+" strong")+`).length`); n < 2 { // the title and the bold v1
		t.Errorf("rendered document has %d strong elements, want the title and **v1**", n)
	}
	server(1, "Ship **v1** first.")
	e.waitJS(`[...document.querySelectorAll(".list-row")].some(r => r.textContent.includes("Launch plan") && r.textContent.includes("rev 1"))`)

	// Edit and save: revision 2.
	e.clickButton(card, "Edit")
	e.waitJS(`document.querySelector(` + jsString(editor) + `)`)
	e.fill(editor, "Ship v2 next.")
	e.clickButton(card, "Save")
	shows("2", "Ship v2 next.")
	server(2, "Ship v2 next.")

	// conflict starts an edit, saves a newer revision behind the page's back, then saves
	// from the page: the dialog names the server's reason.
	conflict := func(mine, theirs string) {
		t.Helper()
		e.clickButton(card, "Edit")
		e.waitJS(`document.querySelector(` + jsString(editor) + `)`)
		e.fill(editor, mine)
		head := e.get(docPath)
		e.api("PUT", docPath, map[string]any{"format": "markdown", "body": theirs, "baseRevisionId": head["latestRevisionId"]})
		// The live update refetches the document under the open editor.
		newer := strconv.Itoa(int(head["latestRevisionNumber"].(float64)) + 1)
		e.waitJS(`(() => { const c = document.querySelector(` + jsString(card) + `); return c.querySelector("textarea") && c.textContent.includes("plan · rev ` + newer + `"); })()`)
		e.clickButton(card, "Save")
		e.waitJS(`(() => { const d = document.querySelector(` + jsString(dialog) + `); return d && d.textContent.includes("Document was updated by someone else"); })()`)
	}
	conflict("Mine: ship v3.", "Theirs: ship v2.1.")
	// The dialog answers the 409; no toast blames someone "working on this issue".
	if n := eval[int](e, `[...document.querySelectorAll(".toast")].filter(t => t.textContent.includes("working on this issue")).length`); n != 0 {
		t.Errorf("a document conflict also toasted %d checkout-conflict messages", n)
	}
	e.clickButton(dialog, "Overwrite with mine")
	e.waitJS(`!document.querySelector(` + jsString(dialog) + `)`)
	shows("4", "Mine: ship v3.")
	server(4, "Mine: ship v3.")

	conflict("Throw this away.", "Theirs again.")
	e.clickButton(dialog, "Reload latest")
	e.waitJS(`!document.querySelector(` + jsString(dialog) + `)`)
	shows("5", "Theirs again.")
	server(5, "Theirs again.")
	if got := eval[bool](e, `document.body.textContent.includes("Throw this away.")`); got {
		t.Error("the discarded edit is still on the page after reload")
	}
	e.assertClean()
}
