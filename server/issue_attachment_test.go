package server_test

import (
	"strings"
	"testing"

	"paperclip/server"
	"paperclip/store"
)

func TestIssueAttachments(t *testing.T) {
	e := newEnv(t)
	co := e.mustCompany("Files")
	cid := co["id"].(string)
	is := e.mustIssue(cid, map[string]any{"title": "files"})
	id := is["id"].(string)
	path := "/api/companies/" + cid + "/issues/" + id + "/attachments"
	data := []byte("hello attachment world")
	r := e.upload(path, "file", "report.txt", "text/plain; charset=utf-8", data, nil)
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	a := r.JSON()
	aid := a["id"].(string)
	if a["contentPath"] != "/api/attachments/"+aid+"/content" || a["downloadPath"] != "/api/attachments/"+aid+"/content?download=1" ||
		a["contentType"] != "text/plain" || a["byteSize"] != float64(len(data)) || a["issueCommentId"] != nil ||
		!strings.HasPrefix(a["objectKey"].(string), "issues/"+id+"/"+a["assetId"].(string)+"-") || a["createdByUserId"] != "local-board" {
		t.Fatalf("attachment %v", a)
	}
	c := e.do("GET", a["contentPath"].(string), nil)
	if c.Status != 200 || string(c.Body) != string(data) || c.Header.Get("Content-Disposition") != `inline; filename="report.txt"` ||
		c.Header.Get("X-Content-Type-Options") != "nosniff" || c.Header.Get("Cache-Control") != "private, max-age=60" || c.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("content: %d %v", c.Status, c.Header)
	}
	if d := e.do("GET", a["downloadPath"].(string), nil); !strings.HasPrefix(d.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("download disposition %v", d.Header)
	}
	rg := e.do("GET", a["contentPath"].(string), nil, "Range", "bytes=6-15")
	if rg.Status != 206 || string(rg.Body) != "attachment" || rg.Header.Get("Content-Range") != "bytes 6-15/22" {
		t.Fatalf("range: %d %v %q", rg.Status, rg.Header, rg.Body)
	}
	if bad := e.do("GET", a["contentPath"].(string), nil, "Range", "bytes=50-"); bad.Status != 416 || bad.Header.Get("Content-Range") != "bytes */22" {
		t.Fatalf("416: %d %v", bad.Status, bad.Header)
	}
	html := e.upload(path, "file", "page.html", "text/html", []byte("<script>1</script>"), nil).JSON()
	if h := e.do("GET", html["contentPath"].(string), nil); !strings.HasPrefix(h.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("html inline %v", h.Header)
	}
	mov := e.upload(path, "file", "clip.mov", "application/octet-stream", []byte("moov"), nil).JSON()
	if mov["contentType"] != "video/quicktime" {
		t.Fatalf("mov type %v", mov)
	}
	comment := e.do("POST", "/api/issues/"+id+"/comments", map[string]any{"body": "see file"}).JSON()["id"].(string)
	withComment := e.upload(path, "file", "a.png", "image/png", pngBytes, map[string]string{"issueCommentId": comment})
	if withComment.Status != 201 || withComment.JSON()["issueCommentId"] != comment {
		t.Fatalf("with comment: %d %s", withComment.Status, withComment.Body)
	}
	list := e.do("GET", "/api/issues/"+id+"/attachments", nil).List()
	if len(list) != 4 || list[0]["id"] != withComment.JSON()["id"] {
		t.Fatalf("list %v", list)
	}
	other := e.mustCompany("Other")["id"].(string)
	otherIssue := e.mustIssue(other, map[string]any{"title": "x"})["id"].(string)
	otherComment := e.do("POST", "/api/issues/"+otherIssue+"/comments", map[string]any{"body": "x"}).JSON()["id"].(string)
	for _, tc := range []struct {
		name, path, field, filename, ct string
		data                            []byte
		fields                          map[string]string
		status                          int
		want                            string
	}{
		{"no file", path, "", "", "", nil, nil, 400, "Missing file field 'file'"},
		{"empty", path, "file", "e.txt", "text/plain", []byte{}, nil, 422, "Attachment is empty"},
		{"type", path, "file", "x.exe", "application/x-msdownload", []byte("MZ"), nil, 422, "Unsupported attachment type: application/x-msdownload"},
		{"no type", path, "file", "x.bin", "", []byte("??"), nil, 422, "Unsupported attachment type: unknown"},
		{"too big", path, "file", "big.txt", "text/plain", make([]byte, store.DefaultAttachmentMaxBytes+1), nil, 422, "Attachment exceeds 10485760 bytes"},
		{"bad comment id", path, "file", "a.txt", "text/plain", []byte("x"), map[string]string{"issueCommentId": "nope"}, 400, "Invalid attachment metadata"},
		{"foreign comment", path, "file", "a.txt", "text/plain", []byte("x"), map[string]string{"issueCommentId": otherComment}, 422, "Attachment comment must belong to same issue and company"},
		{"issue of other company", "/api/companies/" + cid + "/issues/" + otherIssue + "/attachments", "file", "a.txt", "text/plain", []byte("x"), nil, 422, "Issue does not belong to company"},
		{"missing issue", "/api/companies/" + cid + "/issues/" + store.NewID() + "/attachments", "file", "a.txt", "text/plain", []byte("x"), nil, 404, "Issue not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.upload(tc.path, tc.field, tc.filename, tc.ct, tc.data, tc.fields)
			if r.Status != tc.status || !strings.Contains(string(r.Body), tc.want) {
				t.Fatalf("got %d %s, want %d %q", r.Status, r.Body, tc.status, tc.want)
			}
		})
	}
	// Two file parts.
	two := e.do("POST", path, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\na\r\n"+
		"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.txt\"\r\nContent-Type: text/plain\r\n\r\nb\r\n--B--\r\n",
		"Content-Type", "multipart/form-data; boundary=B")
	if two.Status != 400 || !strings.Contains(string(two.Body), "Only one file may be uploaded per request") {
		t.Fatalf("two files: %d %s", two.Status, two.Body)
	}
	// The company limit applies when it is below the instance limit.
	e.do("PATCH", "/api/companies/"+cid, map[string]any{"attachmentMaxBytes": 5})
	if r := e.upload(path, "file", "six.txt", "text/plain", []byte("123456"), nil); r.Status != 422 || !strings.Contains(string(r.Body), "Attachment exceeds 5 bytes") {
		t.Fatalf("company limit: %d %s", r.Status, r.Body)
	}
	// Delete removes the row, the asset and the file.
	file := e.cfg.StorageDir + "/" + cid + "/" + a["objectKey"].(string)
	if !fileExists(file) {
		t.Fatalf("file missing at %s", file)
	}
	e.run(t, []scenario{
		{"delete", "DELETE", "/api/attachments/" + aid, nil, nil, 200, []string{`{"ok":true}`}},
		{"delete again", "DELETE", "/api/attachments/" + aid, nil, nil, 404, []string{"Attachment not found"}},
		{"content gone", "GET", "/api/attachments/" + aid + "/content", nil, nil, 404, []string{"Attachment not found"}},
		{"asset gone", "GET", "/api/assets/" + a["assetId"].(string) + "/content", nil, nil, 404, nil},
	})
	if fileExists(file) {
		t.Fatal("attachment file survived delete")
	}
	acts := map[string]bool{}
	for _, x := range e.do("GET", "/api/issues/"+id+"/activity", nil).List() {
		acts[x["action"].(string)] = true
	}
	if !acts["issue.attachment_added"] || !acts["issue.attachment_removed"] {
		t.Fatalf("activity %v", acts)
	}
	// Deleting the issue removes its remaining attachment files.
	remaining := e.cfg.StorageDir + "/" + cid + "/" + html["objectKey"].(string)
	e.do("DELETE", "/api/issues/"+id, nil)
	if fileExists(remaining) {
		t.Fatal("issue delete left attachment files")
	}
}

func TestIssueAttachmentTypeOverride(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.AllowedAttachmentTypes = []string{"application/*"} })
	cid := e.mustCompany("Types")["id"].(string)
	id := e.mustIssue(cid, map[string]any{"title": "x"})["id"].(string)
	path := "/api/companies/" + cid + "/issues/" + id + "/attachments"
	if r := e.upload(path, "file", "a.bin", "application/x-custom", []byte("x"), nil); r.Status != 201 {
		t.Fatalf("custom allowed type: %d %s", r.Status, r.Body)
	}
	if r := e.upload(path, "file", "a.png", "image/png", pngBytes, nil); r.Status != 422 {
		t.Fatalf("png outside override: %d %s", r.Status, r.Body)
	}
}
