package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// perfProbe runs in every document before the app: it records when the first h1 enters
// the DOM and every long task (> 50 ms on the main thread) the browser reports.
const perfProbe = `
window.__perf = { long: [], h1: 0 };
try {
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__perf.long.push([e.startTime, e.duration]); })
    .observe({ type: "longtask", buffered: true });
} catch (e) {}
new MutationObserver(() => {
  if (!window.__perf.h1 && document.querySelector("h1")) window.__perf.h1 = performance.now();
}).observe(document, { subtree: true, childList: true });
`

// pageFigures are what one page load measured, in milliseconds from navigation start.
type pageFigures struct {
	FCP      float64     `json:"fcp"`      // first-contentful-paint
	H1       float64     `json:"h1"`       // the page's heading is in the DOM
	Settled  float64     `json:"settled"`  // when the test saw no request in flight
	Long     [][]float64 `json:"long"`     // [start, duration] of long tasks
	DOMNodes int         `json:"domNodes"` // elements in the document once settled
}

// scrollFigures are a scroll of #main from top to bottom, one step per frame.
type scrollFigures struct {
	Frames   int         `json:"frames"`
	MaxFrame float64     `json:"maxFrame"` // the longest gap between two frames
	Long     [][]float64 `json:"long"`
	Rows     int         `json:"rows"` // rows in the DOM at the end (windowing keeps it small)
}

func newPerfEnv(b *testing.B) *uiEnv {
	e := newUIEnv(b)
	e.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: perfProbe})
		return err
	}))
	return e
}

// setCacheDisabled makes the tab ignore its HTTP cache (a first visit) or use it.
func (e *uiEnv) setCacheDisabled(off bool) {
	e.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: off})
		return err
	}))
}

// load navigates to path and returns its figures once the page has settled.
func (e *uiEnv) load(path, ready string) pageFigures {
	e.do(chromedp.Navigate(e.url + path))
	e.waitJS(ready + ` && document.documentElement.dataset.busy !== "1"`)
	f := eval[pageFigures](e, `(() => {
		const p = performance.getEntriesByName("first-contentful-paint")[0];
		return { fcp: p ? p.startTime : -1, h1: window.__perf.h1, settled: performance.now(),
			long: window.__perf.long, domNodes: document.getElementsByTagName("*").length };
	})()`)
	return f
}

// scroll scrolls the element scrollerJS names to the bottom in 300 px steps, one per
// animation frame.
func (e *uiEnv) scroll(scrollerJS, rowSel string) scrollFigures {
	return eval[scrollFigures](e, `new Promise((done) => {
		const m = `+scrollerJS+`;
		const t0 = performance.now(), gaps = [];
		window.__perf.long = [];
		let last = t0;
		const step = (now) => {
			gaps.push(now - last); last = now;
			if (m.scrollTop + m.clientHeight >= m.scrollHeight - 2) {
				setTimeout(() => done({ frames: gaps.length, maxFrame: Math.max(...gaps.slice(1)),
					long: window.__perf.long.filter(([s]) => s >= t0), rows: document.querySelectorAll(`+jsString(rowSel)+`).length }), 100);
				return;
			}
			m.scrollTop += 300;
			requestAnimationFrame(step);
		};
		requestAnimationFrame(step);
	})`)
}

func longest(l [][]float64) float64 {
	m := 0.0
	for _, x := range l {
		if x[1] > m {
			m = x[1]
		}
	}
	return m
}

// seedMany creates n issues spread over the statuses and priorities (status "" spreads),
// assigned to agent (in_progress needs an assignee).
func seedMany(e *uiEnv, cid, agent string, n int, status string) {
	statuses := []string{"backlog", "todo", "in_progress", "in_review", "blocked"}
	prios := []string{"critical", "high", "medium", "low"}
	for i := 0; i < n; i++ {
		s := status
		if s == "" {
			s = statuses[i%len(statuses)]
		}
		e.seedIssue(cid, map[string]any{"title": fmt.Sprintf("Issue number %d with a title long enough to wrap on a phone", i+1),
			"status": s, "priority": prios[i%len(prios)], "assigneeAgentId": agent})
	}
}

// BenchmarkUIFirstPaint loads the dashboard of a seeded company, with an empty HTTP cache
// (cold) and with the hashed assets cached (warm), and reports first-contentful-paint and
// the time until the page heading is rendered from API data.
//
//	go test -run '^$' -bench BenchmarkUI -benchtime 10x ./web
func BenchmarkUIFirstPaint(b *testing.B) {
	e := newPerfEnv(b)
	company, _ := seedDemo(e)
	p := "/" + company["issuePrefix"].(string)
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			e.setCacheDisabled(mode == "cold")
			e.load(p+"/dashboard", `document.querySelector("h1")`) // warms the server and, for warm, the cache
			var fcp, h1, long float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := e.load(p+"/dashboard", `document.querySelector(".metric")`)
				fcp += f.FCP
				h1 += f.H1
				long = max(long, longest(f.Long))
			}
			b.ReportMetric(fcp/float64(b.N), "fcp-ms")
			b.ReportMetric(h1/float64(b.N), "h1-ms")
			b.ReportMetric(long, "max-longtask-ms")
		})
	}
	e.setCacheDisabled(false)
}

// BenchmarkUIIssues500 loads the issues list and the board with 500 issues, then scrolls
// each to the bottom, reporting load time, long tasks and the longest frame.
func BenchmarkUIIssues500(b *testing.B) {
	e := newPerfEnv(b)
	company, ceo := seedDemo(e)
	seedMany(e, company["id"].(string), ceo["id"].(string), 497, "") // 500 with seedDemo's three; 100 or so per open column
	p := "/" + company["issuePrefix"].(string)
	// The list scrolls the page; a board column scrolls itself (the longest one).
	views := []struct{ name, path, ready, rows, scroller string }{
		{"list", p + "/issues?status=all", `document.querySelector(".list-row")`, ".list-row", `document.getElementById("main")`},
		{"board", p + "/issues?view=board", `document.querySelector(".kcard")`, ".kcard",
			`[...document.querySelectorAll(".board-col-body")].sort((a, b) => b.scrollHeight - a.scrollHeight)[0]`},
	}
	for _, v := range views {
		b.Run(v.name, func(b *testing.B) {
			e.load(v.path, v.ready)
			var ready, loadLong, frame, scrollLong float64
			var nodes, rows int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := e.load(v.path, v.ready)
				ready += f.Settled
				loadLong = max(loadLong, longest(f.Long))
				nodes = f.DOMNodes
				s := e.scroll(v.scroller, v.rows)
				frame = max(frame, s.MaxFrame)
				scrollLong = max(scrollLong, longest(s.Long))
				rows = s.Rows
			}
			b.ReportMetric(ready/float64(b.N), "settled-ms")
			b.ReportMetric(loadLong, "load-max-longtask-ms")
			b.ReportMetric(frame, "scroll-max-frame-ms")
			b.ReportMetric(scrollLong, "scroll-max-longtask-ms")
			b.ReportMetric(float64(nodes), "dom-nodes")
			b.ReportMetric(float64(rows), "rows-in-dom")
		})
	}
}
