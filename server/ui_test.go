package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The UI is served with the CSP and security headers; index.html is never cached, the
// content-hashed assets forever, and a stale hash is a 404 rather than other bytes.
func TestUIServingHeadersAndCaching(t *testing.T) {
	e := newEnv(t)
	get := func(path string) (*http.Response, string) {
		res, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return res, b.String()
	}
	for _, path := range []string{"/", "/PAP/issues/PAP-1", "/onboarding"} {
		res, body := get(path)
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" || !strings.Contains(body, `<div id="root">`) {
			t.Fatalf("%s: %d cache=%q", path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "connect-src 'self' ws: wss:"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-eval") || strings.Contains(strings.SplitN(csp, "style-src", 2)[0], "unsafe-inline") {
			t.Errorf("%s: CSP allows inline or eval scripts: %q", path, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", path, res.Header)
		}
	}
	_, index := get("/")
	if !strings.Contains(index, `<meta name="paperclip-deployment-mode" content="local_trusted">`) {
		t.Error("index.html does not name the deployment mode")
	}
	if strings.Contains(index, "%ASSETS%") || strings.Contains(index, "%DEPLOYMENT_MODE%") || strings.Contains(index, "<!--modulepreload-->") {
		t.Fatal("index placeholders not rendered")
	}
	if regexp.MustCompile(`<script>|<script type="module">\s*\S`).MatchString(index) {
		t.Error("index.html has an inline script, which the CSP would block")
	}
	// The shell's modules are preloaded; pages and the markdown libraries only they use are
	// imported on demand, so a first visit never waits for them.
	for _, want := range []string{"/app.js\"", "/vendor/preact.module.js\"", "/components/sidebar.js\""} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html does not preload %s", want)
		}
	}
	for _, lazy := range []string{"/pages/issue.js\"", "/vendor/marked.esm.js\"", "/vendor/purify.es.js\""} {
		if strings.Contains(index, lazy) {
			t.Errorf("index.html preloads %s, which only some pages need", lazy)
		}
	}
	// What an on-demand page imports beyond the shell is listed for lazy.js to preload.
	if !regexp.MustCompile(`<script type="application/json" id="module-deps">\{.*"pages/issue\.js":\[[^\]]*"vendor/marked\.esm\.js"`).MatchString(index) {
		t.Error("index.html lacks the on-demand module map with the issue page's imports")
	}
	m := regexp.MustCompile(`/assets/([0-9a-f]{16})/app\.js`).FindStringSubmatch(index)
	if m == nil {
		t.Fatalf("no hashed app.js in index: %s", index)
	}
	res, body := get(m[0])
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(res.Header.Get("Content-Type"), "javascript") || !strings.Contains(body, "import") {
		t.Errorf("asset: %d %q %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
	if res, _ := get("/assets/0000000000000000/app.js"); res.StatusCode != 404 {
		t.Errorf("stale hash: %d, want 404", res.StatusCode)
	}
	// Dot segments are cleaned before routing: never a file outside the UI tree.
	if _, body := get("/assets/" + m[1] + "/../../server.go"); strings.Contains(body, "package server") {
		t.Error("path escape served a file outside the UI tree")
	}
	if res, _ := get("/assets/" + m[1] + "/nope.js"); res.StatusCode != 404 {
		t.Errorf("missing asset: %d, want 404", res.StatusCode)
	}
}
