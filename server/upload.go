package server

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"paperclip/store"
	"path/filepath"
	"strings"
)

// upload is one multipart request: its single file part and small text fields.
type upload struct {
	Data        []byte
	ContentType string // from the part header, lower-cased, parameters dropped
	Filename    string
	Fields      map[string]string
	FileCount   int
	TooLarge    bool // the file part was larger than the limit
}

// readUpload streams a multipart body, keeping at most limit bytes of the "file" part
// so an oversized upload is refused without buffering it (spec: enforced while streaming).
// A body without that part is refused (400).
func readUpload(w http.ResponseWriter, r *http.Request, fileField string, limit int64) (*upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+(1<<20))
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, missingFile(fileField) // not multipart: no file part at all
	}
	up := &upload{Fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			up.TooLarge = true
			break
		}
		if errors.Is(err, errBodyTimeout) {
			return nil, errBodyTimeout
		}
		if err != nil {
			return nil, errorf("invalid", "Invalid multipart body")
		}
		name := part.FormName()
		if part.FileName() == "" && name != fileField {
			v, _ := io.ReadAll(io.LimitReader(part, 4096))
			up.Fields[name] = string(v)
			continue
		}
		if name != fileField {
			io.Copy(io.Discard, part)
			continue
		}
		up.FileCount++
		if up.FileCount > 1 {
			io.Copy(io.Discard, part)
			continue
		}
		up.Filename = part.FileName()
		if ct, _, err := mime.ParseMediaType(part.Header.Get("Content-Type")); err == nil {
			up.ContentType = strings.ToLower(ct)
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		if errors.Is(err, errBodyTimeout) {
			return nil, errBodyTimeout
		}
		if errors.As(err, &tooBig) || int64(len(data)) > limit {
			up.TooLarge = true
			io.Copy(io.Discard, part)
			continue
		}
		if err != nil {
			return nil, errorf("invalid", "Invalid multipart body")
		}
		up.Data = data
	}
	if up.FileCount == 0 {
		return nil, missingFile(fileField)
	}
	return up, nil
}

// defaultAttachmentTypes is the upload allowlist of issues.md §8.1.
var defaultAttachmentTypes = []string{
	"image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif", "application/pdf",
	"application/zip", "text/markdown", "text/plain", "application/json", "text/csv", "text/html",
	"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"video/mp4", "video/webm", "video/quicktime", "video/x-m4v",
}

// typeAllowed matches a content type against allowlist patterns: exact types,
// "type/*", prefixes ending in ".*", or "*".
func typeAllowed(ct string, patterns []string) bool {
	if ct == "" {
		return false
	}
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		switch {
		case p == "*" || p == ct:
			return true
		case strings.HasSuffix(p, "/*") && strings.HasPrefix(ct, strings.TrimSuffix(p, "*")):
			return true
		case strings.HasSuffix(p, ".*") && strings.HasPrefix(ct, strings.TrimSuffix(p, "*")):
			return true
		}
	}
	return false
}

var extensionTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".doc":  "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".mp4": "video/mp4", ".m4v": "video/x-m4v", ".webm": "video/webm", ".mov": "video/quicktime",
}

// resolveUploadType replaces a generic content type with the one implied by the file
// extension when that type is allowed (issues.md §8.1).
func resolveUploadType(ct, filename string, patterns []string) string {
	switch ct {
	case "", "application/octet-stream", "binary/octet-stream", "application/x-binary":
		if t, ok := extensionTypes[strings.ToLower(filepath.Ext(filename))]; ok && typeAllowed(t, patterns) {
			return t
		}
	}
	return ct
}

// attachmentTypes is the effective allowlist (PAPERCLIP_ALLOWED_ATTACHMENT_TYPES replaces it).
func (s *Server) attachmentTypes() []string {
	if len(s.cfg.AllowedAttachmentTypes) > 0 {
		return s.cfg.AllowedAttachmentTypes
	}
	return defaultAttachmentTypes
}

// missingFile is the answer to an upload without its file part; every upload route
// needs one, so readUpload refuses it for them.
func missingFile(field string) error {
	return errorf(store.EINVALID, "Missing file field '%s'", field)
}
