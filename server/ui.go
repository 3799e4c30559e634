package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
)

// uiCSP is the board's Content-Security-Policy: only our own scripts, no inline script,
// connections to ourselves (fetch and the live-events WebSocket).
const uiCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob: https:; connect-src 'self' ws: wss:; object-src 'none'; " +
	"frame-ancestors 'none'; base-uri 'self'"

// uiAssetsRoot is the URL folder the content-hashed UI files are served under.
const uiAssetsRoot = "/assets/"

// uiBundle is the embedded UI prepared once at startup. Every file is served under
// /assets/<hash>/, where the hash covers the content of every file: the ES modules import
// each other by relative paths, so one tree hash busts every cache on any change while
// each file stays byte-for-byte what is in the repository, and browsers may keep them
// forever (immutable).
type uiBundle struct {
	files  fs.FS
	hash   string
	prefix string // "/assets/<hash>/"
	index  []byte
}

// newUIBundle hashes the tree and renders index.html: %DEPLOYMENT_MODE% becomes the
// server's mode (public, as in /api/health; the app skips waiting for health when nothing
// is gated), %ASSETS% the hashed folder
// and <!--modulepreload--> one preload link per module the entry point imports statically,
// so the browser fetches the shell's module graph in parallel instead of discovering it
// import by import. Pages are imported on demand (web/app/lazy.js) and not preloaded: a
// first visit would otherwise download and compile every page before the first paint.
// For those, a JSON map (not a script: the CSP allows none inline) lists what each one
// imports beyond the shell, so lazy.js fetches a page and its imports in parallel.
func newUIBundle(files fs.FS, deploymentMode string) (*uiBundle, error) {
	var names []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk ui files: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, fmt.Errorf("read ui file %s: %w", n, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	b := &uiBundle{files: files, hash: hex.EncodeToString(h.Sum(nil))[:16]}
	b.prefix = uiAssetsRoot + b.hash + "/"
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return nil, fmt.Errorf("read ui index: %w", err)
	}
	var preload strings.Builder
	mods := newModuleImports(files) // each file parsed once for both lists
	shell := mods.graph("app.js")
	for _, n := range shell {
		fmt.Fprintf(&preload, "<link rel=\"modulepreload\" href=\"%s%s\">\n", b.prefix, n)
	}
	deps, err := json.Marshal(lazyModuleDeps(mods, names, shell))
	if err != nil {
		return nil, fmt.Errorf("ui module deps: %w", err)
	}
	fmt.Fprintf(&preload, "<script type=\"application/json\" id=\"module-deps\">%s</script>\n", deps)
	index = bytes.ReplaceAll(index, []byte("<!--modulepreload-->"), []byte(preload.String()))
	index = bytes.ReplaceAll(index, []byte("%DEPLOYMENT_MODE%"), []byte(html.EscapeString(deploymentMode)))
	b.index = bytes.ReplaceAll(index, []byte("%ASSETS%"), []byte(strings.TrimSuffix(b.prefix, "/")))
	return b, nil
}

// setUISecurityHeaders applies the board's security headers to every UI response.
func setUISecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", uiCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

// uiHandler serves the embedded board UI: hashed assets with a year-long immutable cache,
// and index.html (never cached) for every other path so client-side routes survive a
// reload.
func (s *Server) uiHandler() http.Handler {
	if s.ui == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "UI disabled (SERVE_UI=false); the API is at /api", http.StatusNotFound)
		})
	}
	bundle, err := newUIBundle(s.ui, s.cfg.DeploymentMode)
	if err != nil {
		s.logger.Error("ui bundle", "error", err)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "UI not built", http.StatusNotFound)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setUISecurityHeaders(w.Header())
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if strings.HasPrefix(r.URL.Path, uiAssetsRoot) {
			bundle.serveAsset(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(bundle.index)
	})
}

// serveAsset answers /assets/<hash>/<file>. A stale hash is a 404, not the current file:
// an immutable cache entry must never hold bytes other than its URL promised.
func (b *uiBundle) serveAsset(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, uiAssetsRoot)
	hash, name, ok := strings.Cut(rest, "/")
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	if !ok || hash != b.hash || name == "" || name == "index.html" {
		http.Error(w, "asset not found", http.StatusNotFound)
		return
	}
	data, err := fs.ReadFile(b.files, name)
	if err != nil {
		http.Error(w, "asset not found", http.StatusNotFound)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", `"`+b.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+b.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(data)
}
