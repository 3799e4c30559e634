package server_test

import (
	"encoding/base64"
	"os"
	"strconv"
	"strings"
	"testing"
)

// pngBytes is a 1x1 transparent PNG.
var pngBytes, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestLogoUploadAttachAndServe(t *testing.T) {
	e := newEnv(t)
	id := e.mustCompany("Logo Co")["id"].(string)
	up := e.upload("/api/companies/"+id+"/logo", "file", "logo.png", "image/png", pngBytes, nil)
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	a := up.JSON()
	assetID := a["assetId"].(string)
	if a["contentPath"] != "/api/assets/"+assetID+"/content" || a["byteSize"] != float64(len(pngBytes)) || a["provider"] != "local_disk" ||
		!strings.HasPrefix(a["objectKey"].(string), "assets/companies/") || a["createdByUserId"] != "local-board" {
		t.Fatalf("upload result %v", a)
	}
	// Uploading does not attach.
	if c := e.do("GET", "/api/companies/"+id, nil).JSON(); c["logoAssetId"] != nil {
		t.Fatalf("upload attached the logo: %v", c)
	}
	c := e.do("PATCH", "/api/companies/"+id+"/branding", map[string]any{"logoAssetId": assetID}).JSON()
	if c["logoAssetId"] != assetID || c["logoUrl"] != "/api/assets/"+assetID+"/content" {
		t.Fatalf("attach: %v", c)
	}
	r := e.do("GET", "/api/assets/"+assetID+"/content", nil)
	if r.Status != 200 || string(r.Body) != string(pngBytes) || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
		r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline;") {
		t.Fatalf("content: %d %v", r.Status, r.Header)
	}
	r = e.do("GET", "/api/assets/"+assetID+"/content", nil, "Range", "bytes=0-3")
	if r.Status != 206 || string(r.Body) != string(pngBytes[:4]) || r.Header.Get("Content-Range") != "bytes 0-3/"+itoa(len(pngBytes)) {
		t.Fatalf("range: %d %v %q", r.Status, r.Header, r.Body)
	}
	r = e.do("GET", "/api/assets/"+assetID+"/content", nil, "Range", "bytes=-5")
	if r.Status != 206 || string(r.Body) != string(pngBytes[len(pngBytes)-5:]) {
		t.Fatalf("suffix range: %d", r.Status)
	}
	for _, bad := range []string{"bytes=999999-", "bytes=5-2", "bytes=0-1,3-4", "items=0-1", "bytes=-0"} {
		r = e.do("GET", "/api/assets/"+assetID+"/content", nil, "Range", bad)
		if r.Status != 416 || r.Header.Get("Content-Range") != "bytes */"+itoa(len(pngBytes)) {
			t.Fatalf("range %q: %d %v", bad, r.Status, r.Header)
		}
	}
	// Replacing the logo deletes the previous asset and its file.
	up2 := e.upload("/api/companies/"+id+"/logo", "file", "logo2.png", "image/png", pngBytes, nil).JSON()
	e.do("PATCH", "/api/companies/"+id, map[string]any{"logoAssetId": up2["assetId"]})
	if r := e.do("GET", "/api/assets/"+assetID+"/content", nil); r.Status != 404 {
		t.Fatalf("old logo still served: %d", r.Status)
	}
	if fileExists(e.cfg.StorageDir + "/" + id + "/" + a["objectKey"].(string)) {
		t.Fatal("old logo file survived replacement")
	}
	// Clearing removes it too.
	if c := e.do("PATCH", "/api/companies/"+id, map[string]any{"logoAssetId": nil}).JSON(); c["logoAssetId"] != nil || c["logoUrl"] != nil {
		t.Fatalf("clear logo: %v", c)
	}
	if r := e.do("GET", "/api/assets/"+up2["assetId"].(string)+"/content", nil); r.Status != 404 {
		t.Fatalf("cleared logo still served: %d", r.Status)
	}
	// Another company's asset cannot become the logo.
	other := e.mustCompany("Other")["id"].(string)
	foreign := e.upload("/api/companies/"+other+"/logo", "file", "o.png", "image/png", pngBytes, nil).JSON()
	e.run(t, []scenario{
		{"foreign logo", "PATCH", "/api/companies/" + id + "/branding", map[string]any{"logoAssetId": foreign["assetId"]}, nil, 422, []string{"Logo asset must belong to the same company"}},
	})
}

func TestLogoUploadRejections(t *testing.T) {
	e := newEnv(t)
	id := e.mustCompany("Rejects")["id"].(string)
	path := "/api/companies/" + id + "/logo"
	cases := []struct {
		name, field, filename, ct string
		data                      []byte
		status                    int
		want                      string
	}{
		{"no file", "", "", "", nil, 400, "Missing file field 'file'"},
		{"wrong type", "file", "a.txt", "text/plain", []byte("hi"), 422, "Unsupported image type: text/plain"},
		{"no type", "file", "a.bin", "", []byte("hi"), 422, "Unsupported image type: unknown"},
		{"empty", "file", "a.png", "image/png", []byte{}, 422, "Image is empty"},
		{"too big", "file", "a.png", "image/png", make([]byte, 10485761), 422, "Image exceeds 10485760 bytes"},
		{"script only svg", "file", "x.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 422, "SVG could not be sanitized"},
		{"not svg", "file", "x.svg", "image/svg+xml", []byte(`<html><body/></html>`), 422, "SVG could not be sanitized"},
		{"broken svg", "file", "x.svg", "image/svg+xml", []byte(`<svg><g>`), 422, "SVG could not be sanitized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.upload(path, c.field, c.filename, c.ct, c.data, nil)
			if r.Status != c.status || !strings.Contains(string(r.Body), c.want) {
				t.Fatalf("got %d %s, want %d %q", r.Status, r.Body, c.status, c.want)
			}
		})
	}
	if acts := e.do("GET", "/api/companies/"+id+"/activity?action=asset.created", nil).List(); len(acts) != 0 {
		t.Fatalf("rejected uploads wrote activity: %v", acts)
	}
}

func TestSVGLogoIsSanitized(t *testing.T) {
	e := newEnv(t)
	id := e.mustCompany("Svg")["id"].(string)
	dirty := `<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x "boom">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)">
  <script>alert(2)</script>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <a xlink:href="https://evil.example"><rect width="10" height="10" fill="url(#g)" onclick="steal()"/></a>
  <image href="data:text/html;base64,PHNjcmlwdD4=" width="1" height="1"/>
  <use href="#r"/>
  <circle style="fill: url(https://evil.example/x.svg)" r="2"/>
  <animate attributeName="href" values="javascript:alert(3)"/>
  <linearGradient id="g" gradientUnits="userSpaceOnUse"><stop offset="0" stop-color="red"/></linearGradient>
</svg>`
	up := e.upload("/api/companies/"+id+"/logo", "file", "logo.svg", "image/svg+xml", []byte(dirty), nil)
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	r := e.do("GET", up.JSON()["contentPath"].(string), nil)
	body := string(r.Body)
	for _, bad := range []string{"script", "onload", "onclick", "foreignObject", "evil.example", "data:text", "javascript", "ENTITY", "DOCTYPE", "alert"} {
		if strings.Contains(body, bad) {
			t.Errorf("sanitised SVG still contains %q: %s", bad, body)
		}
	}
	for _, good := range []string{`viewBox="0 0 10 10"`, `gradientUnits="userSpaceOnUse"`, `fill="url(#g)"`, `href="#r"`, "<rect", "<linearGradient"} {
		if !strings.Contains(body, good) {
			t.Errorf("sanitised SVG lost %q: %s", good, body)
		}
	}
	if !strings.HasPrefix(body, "<svg") {
		t.Errorf("does not start with <svg: %s", body)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("svg headers %v", r.Header)
	}
}

func TestImageAssetUpload(t *testing.T) {
	e := newEnv(t)
	id := e.mustCompany("Images")["id"].(string)
	path := "/api/companies/" + id + "/assets/images"
	r := e.upload(path, "file", "notes.md", "text/markdown", []byte("# hi"), map[string]string{"namespace": "issues/drafts"})
	if r.Status != 201 || !strings.HasPrefix(r.JSON()["objectKey"].(string), "assets/issues/drafts/") {
		t.Fatalf("image upload: %d %s", r.Status, r.Body)
	}
	html := e.upload(path, "file", "page.html", "text/html", []byte("<script>x</script>"), nil).JSON()
	c := e.do("GET", html["contentPath"].(string), nil)
	if !strings.HasPrefix(c.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("html served inline: %v", c.Header)
	}
	for _, c := range []struct {
		ct, ns string
		status int
		want   string
	}{
		{"application/x-msdownload", "", 422, "Unsupported file type: application/x-msdownload"},
		{"image/png", "Bad Namespace", 400, "Invalid image metadata"},
	} {
		fields := map[string]string{}
		if c.ns != "" {
			fields["namespace"] = c.ns
		}
		r := e.upload(path, "file", "f.bin", c.ct, []byte("x"), fields)
		if r.Status != c.status || !strings.Contains(string(r.Body), c.want) {
			t.Fatalf("%s: %d %s", c.ct, r.Status, r.Body)
		}
	}
	// The docx extension turns a generic type into the allowed Word type.
	r = e.upload(path, "file", "report.docx", "application/octet-stream", []byte("PK.."), nil)
	if r.Status != 201 || r.JSON()["contentType"] != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Fatalf("docx: %d %s", r.Status, r.Body)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
