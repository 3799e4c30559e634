package server

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"paperclip/store"
)

// inlineType reports whether a content type is served inline (issues.md §8.1): images
// except SVG, PDFs, plain text formats and common video. Everything else downloads.
func inlineType(ct string) bool {
	switch ct {
	case "application/pdf", "text/plain", "text/markdown", "application/json", "text/csv",
		"video/mp4", "video/webm", "video/quicktime", "video/x-m4v":
		return true
	}
	return strings.HasPrefix(ct, "image/") && ct != "image/svg+xml"
}

// parseRange parses a single "bytes=" range against size. ok=false means unsatisfiable
// or malformed (416); a missing header gives full=true.
func parseRange(h string, size int64) (start, end int64, full, ok bool) {
	if h == "" {
		return 0, size - 1, true, true
	}
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") || size == 0 {
		return 0, 0, false, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if a == "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false, false
		}
		return max(size-n, 0), size - 1, false, true
	}
	s, err := strconv.ParseInt(a, 10, 64)
	if err != nil || s < 0 || s >= size {
		return 0, 0, false, false
	}
	if b == "" {
		return s, size - 1, false, true
	}
	e, err := strconv.ParseInt(b, 10, 64)
	if err != nil || e < s {
		return 0, 0, false, false
	}
	return s, min(e, size-1), false, true
}

// serveFile streams a stored file with the safety headers of uploaded content:
// nosniff, a quoted filename without quotes inside, and single-range support.
func serveFile(w http.ResponseWriter, r *http.Request, f *os.File, contentType, filename string, inline bool) {
	st, err := f.Stat()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "Internal server error"})
		return
	}
	size := st.Size()
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	filename = strings.NewReplacer(`"`, "", "\r", "", "\n", "", `\`, "").Replace(filename)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "private, max-age=60")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", fmt.Sprintf("%s; filename=%q", disposition, filename))
	h.Set("Accept-Ranges", "bytes")
	if contentType == "image/svg+xml" {
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'")
	}
	start, end, full, ok := parseRange(r.Header.Get("Range"), size)
	if !ok {
		h.Del("Content-Type")
		h.Set("Content-Range", fmt.Sprintf("bytes */%d", size))
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	}
	if full {
		h.Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			io.Copy(w, f)
		}
		return
	}
	length := end - start + 1
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, size))
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(http.StatusPartialContent)
	if r.Method != http.MethodHead {
		io.Copy(w, io.NewSectionReader(f, start, length))
	}
}

var _ = store.EINVALID
