package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fakeAgent writes a process agent script that prints a line, then holds the run open
// until the test creates the release file, so the page is watched mid-run. The filler
// after the line matters: the runtime's secret redactor holds back the last
// (longest secret − 1) bytes of a stream until more output or the end of the run, and
// the run JWT is a secret, so a lone short line would only appear when the run ends.
func fakeAgent(t *testing.T) (script, release string) {
	dir := t.TempDir()
	script = filepath.Join(dir, "agent.sh")
	release = filepath.Join(dir, "release")
	body := "#!/bin/sh\necho 'hello from the fake agent'\ni=0; while [ $i -lt 40 ]; do echo '.................................................. working'; i=$((i+1)); done\nwhile [ ! -f '" + release + "' ]; do sleep 0.05; done\necho 'finishing up'\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, release
}

// Run detail: a heartbeat started from the agent page streams its transcript while the
// fake agent runs, ends Succeeded; a second run is cancelled from the run page; the
// issue page shows the live run panel while its assignee works on it.
func TestRunTranscriptStreamsLiveAndCancel(t *testing.T) {
	e := newUIEnvRuntime(t)
	company := e.seedCompany("Live Labs")
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	script, release := fakeAgent(t)
	agent := e.api("POST", "/companies/"+cid+"/agents", map[string]any{"name": "Runner", "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": script}})
	e.open(p + "/agents/" + agent["urlKey"].(string))
	e.waitJS(`[...document.querySelectorAll(".btn")].some(b => b.textContent.includes("Run heartbeat"))`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".btn")].find(b => b.textContent.includes("Run heartbeat")).click()`))
	e.waitJS(`[...document.querySelectorAll(".toast a")].some(a => a.textContent.includes("View run"))`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".toast a")].find(a => a.textContent.includes("View run")).click()`))
	e.waitJS(`/\/runs\/[0-9a-f-]+$/.test(location.pathname)`)
	// The line arrives while the run is still running.
	e.waitJS(`document.body.innerText.includes("hello from the fake agent") && document.querySelector(".badge.blue[role=status]")`)
	e.screenshot("run-live")
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e.waitJS(`document.body.innerText.includes("finishing up") && [...document.querySelectorAll(".badge")].some(b => b.textContent.trim() === "Succeeded")`)
	os.Remove(release)

	// A second run, assigned through an issue: the issue page shows the live panel, and
	// the run page cancels it.
	issue := e.seedIssue(cid, map[string]any{"title": "Do the thing", "assigneeAgentId": agent["id"], "status": "todo"})
	e.open(p + "/issues/" + issue["identifier"].(string))
	e.waitJS(`document.querySelector('section.live-panel') && document.querySelector('section.live-panel').innerText.includes("hello from the fake agent")`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("section.live-panel a")].find(a => a.textContent.includes("Open run")).click()`))
	e.waitJS(`/\/runs\/[0-9a-f-]+$/.test(location.pathname) && [...document.querySelectorAll("header.topbar .btn")].some(b => b.textContent.includes("Cancel run"))`)
	e.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("header.topbar .btn")].find(b => b.textContent.includes("Cancel run")).click()`))
	e.waitJS(`document.querySelector('[role="dialog"] .btn.danger.solid')`)
	e.do(chromedp.Click(chromedp.CSS(`[role="dialog"] .btn.danger.solid`)))
	e.waitJS(`[...document.querySelectorAll(".badge")].some(b => b.textContent.trim() === "Cancelled")`)
	e.assertClean()
}

// The live transcript pages the run log by byte offsets. Output with multi-byte
// characters arriving in several reads while the run is live must show each line once
// and never a fragment of the log's JSON lines (an offset counted in UTF-16 units instead
// of bytes reads from inside an earlier line).
func TestLiveTranscriptWithMultiByteOutput(t *testing.T) {
	e := newUIEnvRuntime(t)
	company := e.seedCompany("Unicode Labs")
	cid := company["id"].(string)
	p := "/" + company["issuePrefix"].(string)
	dir := t.TempDir()
	script, release := filepath.Join(dir, "agent.sh"), filepath.Join(dir, "release")
	filler := "i=0; while [ $i -lt 40 ]; do echo 'ééééééééééééééééééééééééé ✓✓✓✓✓✓✓✓ working'; i=$((i+1)); done\n"
	body := "#!/bin/sh\necho 'première ligne — naïve café 日本語'\n" + filler +
		"while [ ! -f '" + release + "' ]; do sleep 0.05; done\necho 'deuxième ligne ✓ après la pause'\n" + filler +
		"while [ -f '" + release + "' ]; do sleep 0.05; done\necho 'fin'\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	agent := e.api("POST", "/companies/"+cid+"/agents", map[string]any{"name": "Runner", "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": script}})
	run := e.api("POST", "/agents/"+agent["id"].(string)+"/heartbeat/invoke", nil)
	e.open(p + "/agents/" + agent["urlKey"].(string) + "/runs/" + run["id"].(string))
	e.waitJS(`document.body.innerText.includes("première ligne — naïve café 日本語") && document.querySelector(".badge.blue[role=status]")`)
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Still live: the second read appended after the first one's end, exactly.
	e.waitJS(`document.body.innerText.includes("deuxième ligne ✓ après la pause") && document.querySelector(".badge.blue[role=status]")`)
	text := eval[string](e, `document.querySelector("main").innerText`)
	if n := strings.Count(text, "première ligne"); n != 1 {
		t.Errorf("first line shown %d times", n)
	}
	for _, frag := range []string{`"}`, `"chunk"`, `"stream"`} {
		if strings.Contains(text, frag) {
			t.Errorf("transcript shows a fragment of the log's JSON (%s):\n%s", frag, text)
		}
	}
	os.Remove(release)
	e.waitJS(`document.body.innerText.includes("fin") && [...document.querySelectorAll(".badge")].some(b => b.textContent.trim() === "Succeeded")`)
	e.assertClean()
}
