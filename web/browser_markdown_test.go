package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// xssCorpus is untrusted markdown an agent could write: raw HTML, event attributes,
// javascript: and data: links, SVG payloads, images from elsewhere.
var xssCorpus = strings.Join([]string{
	`<script>window.__xss = "script"</script>`,
	`<img src=x onerror="window.__xss='img'">`,
	`<svg onload="window.__xss='svg'"><script>alert(1)</script></svg>`,
	`[click me](javascript:window.__xss='link')`,
	`[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+PC9zdmc+)`,
	`![tracker](https://tracker.example/pixel.png)`,
	`<a href="javascript:alert(1)" onclick="alert(2)">raw anchor</a>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<div style="background:url(javascript:alert(1))" id="pwn" class="evil">styled</div>`,
	"```html\n<script>alert(1)</script>\n```",
	`- [x] done task`,
	`See [the docs](https://example.com/docs) and [agent](agent://00000000-0000-0000-0000-000000000000).`,
}, "\n\n")

// The corpus renders as inert text and safe elements: no script runs, no dialog
// opens, no event attribute, javascript: or data: URL, or third-party image survives.
func TestMarkdownXSSCorpusRendersInert(t *testing.T) {
	e := newUIEnv(t)
	company := e.seedCompany("Inert Inc")
	cid := company["id"].(string)
	issue := e.seedIssue(cid, map[string]any{"title": "Corpus", "description": xssCorpus})
	e.api("POST", "/issues/"+issue["id"].(string)+"/comments", map[string]any{"body": xssCorpus})
	dialogs := chromedp.Events(e.ctx, page.JavascriptDialogOpening)
	opened := make(chan string, 4)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			opened <- ev.Message
		}
	}()
	e.open("/" + company["issuePrefix"].(string) + "/issues/" + issue["identifier"].(string))
	e.waitJS(`document.querySelectorAll("article.comment .md p").length > 0 && document.querySelectorAll(".md").length >= 2`)
	checks := map[string]string{
		"no script ran":              `window.__xss === undefined`,
		"no script elements":         `document.querySelectorAll(".md script, .md iframe, .md svg, .md div, .md style").length === 0`,
		"no event attributes":        `[...document.querySelectorAll(".md *")].every(el => [...el.attributes].every(a => !a.name.startsWith("on")))`,
		"no style, id or class":      `[...document.querySelectorAll(".md *")].every(el => !el.hasAttribute("style") && !el.hasAttribute("id") && (!el.className || ["mention","issue-ref"].includes(el.className)))`,
		"no javascript or data URLs": `[...document.querySelectorAll(".md a, .md img")].every(el => !/^(javascript|data):/i.test(el.getAttribute("href") || el.getAttribute("src") || ""))`,
		"no third-party images":      `[...document.querySelectorAll(".md img")].length === 0`,
		"tracker shown as link":      `[...document.querySelectorAll(".md a")].some(a => a.textContent === "image: https://tracker.example/pixel.png" && a.rel.includes("noopener"))`,
		"raw HTML shown as text":     `document.querySelector(".md").textContent.includes("<script>window.__xss")`,
		"external links are safe":    `[...document.querySelectorAll('.md a[href^="https://example.com"]')].every(a => a.target === "_blank" && a.rel === "noopener noreferrer nofollow")`,
		"agent link is a chip":       `!!document.querySelector(".md a.mention")`,
		"checkbox read-only":         `[...document.querySelectorAll(".md input")].every(i => i.type === "checkbox" && i.disabled)`,
	}
	for name, js := range checks {
		if !eval[bool](e, js) {
			t.Errorf("%s: failed (%s)", name, js)
		}
	}
	select {
	case m := <-opened:
		t.Errorf("a JavaScript dialog opened: %q", m)
	default:
	}
	e.screenshot("markdown-corpus")
	e.assertClean()
}
