package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"paperclip/server"
	"paperclip/server/heartbeat"
	"paperclip/server/live"
	"paperclip/store"
	"paperclip/web"
)

// One Chromium per test binary, shared by every test through its own tab: starting a
// browser costs more than most tests, and tabs on different httptest origins share no
// storage.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	path   string
	dir    string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.dir != "" {
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

// chromiumPath finds Debian's Chromium (or another Chrome) on this machine.
func chromiumPath() string {
	if p := os.Getenv("PAPERCLIP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser launches the shared headless browser once.
func startBrowser(t testing.TB) context.Context {
	t.Helper()
	browser.once.Do(func() {
		browser.path = chromiumPath()
		if browser.path == "" {
			return
		}
		dir, err := os.MkdirTemp("", "paperclip-chromium-")
		if err != nil {
			return
		}
		browser.dir = dir
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(browser.path), chromedp.UserDataDir(dir),
			chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.Flag("hide-scrollbars", true), chromedp.Flag("mute-audio", true),
			chromedp.WindowSize(1400, 900),
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		// The first Run starts the browser; it must not carry a timeout.
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			cancelAlloc()
			browser.path = ""
			fmt.Fprintln(os.Stderr, "chromium failed to start:", err)
			return
		}
		browser.ctx = ctx
		browser.cancel = func() { cancel(); cancelAlloc() }
	})
	if browser.ctx == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium found (install it with: apt-get install -y chromium); browser tests are required under CI")
		}
		t.Skip("browser tests skipped: no Chromium found (apt-get install -y chromium, or set PAPERCLIP_CHROMIUM)")
	}
	return browser.ctx
}

// uiEnv is a real server over a real store in a temp dir, plus one browser tab on it.
type uiEnv struct {
	t     testing.TB
	url   string
	store *store.Store
	ctx   context.Context // the tab
	down  *atomic.Bool    // API unreachable (connections dropped) while set

	cookie string // authenticated mode: the session fixtures act as (a Cookie header value)

	mu       sync.Mutex
	console  []string // errors and exceptions the page reported
	failures []string // 5xx responses
}

func newUIEnv(t testing.TB) *uiEnv { t.Helper(); return newUIEnvWith(t, false) }

// newUIEnvRuntime is newUIEnv with the agent runtime and the live-events hub wired as the
// cli wires them, for tests that watch runs happen.
func newUIEnvRuntime(t testing.TB) *uiEnv { t.Helper(); return newUIEnvWith(t, true) }

func newUIEnvWith(t testing.TB, runtime bool) *uiEnv {
	t.Helper()
	return newUIEnvMode(t, runtime, server.ModeLocalTrusted)
}

// newUIEnvMode builds the env in a deployment mode; authenticated mode starts with no
// user, as a fresh instance does (bootstrap pending).
func newUIEnvMode(t testing.TB, runtime bool, mode string) *uiEnv {
	t.Helper()
	bctx := startBrowser(t)
	dir := t.TempDir()
	cfg := server.Config{
		Version: "test", DeploymentMode: mode, Exposure: server.ExposurePrivate,
		Host: "127.0.0.1", ServeUI: true, InstanceDir: dir, DatabasePath: filepath.Join(dir, "db", "paperclip.db"),
		StorageDir: filepath.Join(dir, "data", "storage"), BackupDir: filepath.Join(dir, "data", "backups"),
		RunLogDir: filepath.Join(dir, "data", "run-logs"), AgentJWTSecret: strings.Repeat("ab", 32),
	}
	// A cheaper scrypt cost for the passwords these tests hash (store tests pin the real one).
	st, err := store.Open(context.Background(), cfg.DatabasePath, store.Options{StorageDir: cfg.StorageDir, RunLogDir: cfg.RunLogDir, ScryptN: 1024})
	if err != nil {
		t.Fatal(err)
	}
	// The handler is set once everything is built; agents need the URL first. While
	// down is set, API requests get their connection dropped: the server is unreachable
	// as far as the page can tell, the offline banner's case. Only the browser's requests
	// are dropped; the test's own fixtures still reach the API.
	var handler http.Handler
	down := &atomic.Bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() && strings.HasPrefix(r.URL.Path, "/api/") && strings.Contains(r.UserAgent(), "Chrome") {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
		}
		handler.ServeHTTP(w, r)
	}))
	app := server.New(cfg, st, nil, web.FS())
	stopRuntime := func() {}
	if runtime {
		hub := live.New(live.Options{})
		sched := heartbeat.New(heartbeat.Config{RunLogDir: cfg.RunLogDir, InstanceDir: dir, APIURL: srv.URL, JWT: cfg.RunJWT(), ServerEnv: os.Environ(), ShutdownGrace: 2 * time.Second},
			st, server.BuiltinAdapters(), server.LiveEvents(hub, nil), nil, slog.New(slog.DiscardHandler))
		st.SetHooks(store.Hooks{Publisher: hub, Waker: sched, RunStopper: sched})
		app = app.WithRuntime(sched)
		app.SetLive(hub)
		ctx, cancel := context.WithCancel(context.Background())
		var rwg sync.WaitGroup
		for _, run := range []func(context.Context) error{hub.Run, sched.Run} {
			rwg.Add(1)
			go func() { defer rwg.Done(); run(ctx) }()
		}
		stopRuntime = func() { cancel(); rwg.Wait() }
	}
	// After SetHooks: the store refuses hooks once it has written.
	if mode == server.ModeLocalTrusted {
		if err := st.EnsureLocalBoard(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	handler = app.Handler()
	tab, cancelTab := chromedp.NewContext(bctx)
	e := &uiEnv{t: t, url: srv.URL, store: st, ctx: tab, down: down}
	messages := chromedp.Console(tab)
	responses := chromedp.Events(tab, network.ResponseReceived)
	// Background tabs of headless Chromium neither paint nor run timers at full rate.
	front := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.BringToFront, cdp.Empty{})
		return err
	})
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1400, 900), front); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for m, err := range messages {
			if err != nil {
				return
			}
			// Network-level log lines are the browser reporting expected 4xx answers (a
			// route the server does not have yet); page errors are what must not happen.
			if (m.Type == chromedp.ConsoleError || m.IsException() || m.Type == chromedp.ConsoleWarning) && m.Source != "network" {
				e.mu.Lock()
				e.console = append(e.console, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line))
				e.mu.Unlock()
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ev, err := range responses {
			if err != nil {
				return
			}
			if ev.Response != nil && ev.Response.Status >= 500 {
				e.mu.Lock()
				e.failures = append(e.failures, fmt.Sprintf("%d %s", ev.Response.Status, ev.Response.URL))
				e.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancelTab()
		wg.Wait()
		srv.Close()
		stopRuntime()
		st.Close()
	})
	return e
}

// assertClean fails the test when the page logged errors or the server answered 5xx.
func (e *uiEnv) assertClean() {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range e.console {
		e.t.Errorf("console: %s", c)
	}
	for _, f := range e.failures {
		e.t.Errorf("server error: %s", f)
	}
}

// api calls the JSON API directly (fixtures go through the same routes the UI uses).
func (e *uiEnv) api(method, path string, body any) map[string]any {
	e.t.Helper()
	var m map[string]any
	json.Unmarshal(e.apiRaw(method, path, body), &m)
	return m
}

// get reads one JSON object.
func (e *uiEnv) get(path string) map[string]any { e.t.Helper(); return e.api("GET", path, nil) }

// list reads a JSON array of objects.
func (e *uiEnv) list(path string) []map[string]any {
	e.t.Helper()
	var l []map[string]any
	if err := json.Unmarshal(e.apiRaw("GET", path, nil), &l); err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
	return l
}

// listAt is list for routes outside a company.
func (e *uiEnv) listAt(path string) []map[string]any { e.t.Helper(); return e.list(path) }

func (e *uiEnv) apiRaw(method, path string, body any) []byte {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+"/api"+path, r)
	req.Header.Set("Content-Type", "application/json")
	if e.cookie != "" {
		req.Header.Set("Cookie", e.cookie)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		e.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	return raw
}

// do runs browser actions with a deadline, failing the test with a screenshot path on error.
func (e *uiEnv) do(steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		e.t.Fatalf("browser: %v\npage text: %s", err, e.text())
	}
}

// text is the visible text of the page, for failure messages.
func (e *uiEnv) text() string {
	ctx, cancel := context.WithTimeout(e.ctx, 3*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText.slice(0, 2000) : ''"))
	return s
}

// eval evaluates a JS expression and returns its value.
func eval[T any](e *uiEnv, expr string) T {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		e.t.Fatalf("eval %q: %v", expr, err)
	}
	return v
}

// waitJS polls a JS condition until it is truthy (a deadline, never a sleep).
func (e *uiEnv) waitJS(cond string) { e.t.Helper(); e.waitJSFor(cond, 15*time.Second) }

// waitJSFor is waitJS with its own deadline, for conditions that wait on a poll cycle.
func (e *uiEnv) waitJSFor(cond string, d time.Duration) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, d)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!("+cond+")", chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		e.t.Fatalf("waiting for %s: %v\npage text: %s", cond, err, e.text())
	}
}

// open navigates to a UI path and waits for the app to render something.
func (e *uiEnv) open(path string) {
	e.t.Helper()
	e.do(chromedp.Navigate(e.url + path))
	e.waitJS(`document.querySelector("h1") || document.querySelector(".empty")`)
}

// seedCompany creates a company and returns it.
func (e *uiEnv) seedCompany(name string) map[string]any {
	return e.api("POST", "/companies", map[string]any{"name": name})
}

// seedAgent creates a process agent (no CLI needed).
func (e *uiEnv) seedAgent(companyID, name, role string) map[string]any {
	return e.api("POST", "/companies/"+companyID+"/agents", map[string]any{
		"name": name, "role": role, "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/true"},
	})
}

func (e *uiEnv) seedIssue(companyID string, body map[string]any) map[string]any {
	return e.api("POST", "/companies/"+companyID+"/issues", body)
}

// waitField polls an API object until field equals want: the UI updates optimistically,
// so the screen can be ahead of the server.
func (e *uiEnv) waitField(path, field string, want any) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var got any
	for time.Now().Before(deadline) {
		if got = e.get(path)[field]; got == want {
			return
		}
		time.Sleep(25 * time.Millisecond) // a poll interval, not synchronisation: the deadline decides
	}
	e.t.Fatalf("%s: %s = %v, want %v (%v)", path, field, got, want, e.get(path)["error"])
}

// screenshot writes a PNG of the current page when PAPERCLIP_SCREENSHOTS names a folder.
func (e *uiEnv) screenshot(name string) {
	dir := os.Getenv("PAPERCLIP_SCREENSHOTS")
	if dir == "" {
		return
	}
	// Wait for loads to settle so the picture shows data, not skeletons.
	e.waitJS(`document.documentElement.dataset.busy !== "1" && !document.querySelector('[aria-busy="true"], .skeleton')`)
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}
