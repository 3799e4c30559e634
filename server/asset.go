package server

import (
	"net/http"
	"regexp"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) assetRoutes() []route {
	return []route{
		{http.MethodPost, "/api/companies/{companyId}/logo", whoCWrite, "Upload a company logo image", s.handleLogoUpload},
		{http.MethodPost, "/api/companies/{companyId}/assets/images", whoCWrite, "Upload an image asset", s.handleImageUpload},
		{http.MethodGet, "/api/assets/{assetId}/content", whoAny, "Asset bytes", s.handleAssetContent},
	}
}

var logoTypes = []string{"image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif", "image/svg+xml"}

var namespaceRe = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,63}$`)

// handleLogoUpload stores a logo image without attaching it (companies.md §2.7).
func (s *Server) handleLogoUpload(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	limit := s.cfg.AttachmentMaxBytes
	up, err := readUpload(w, r, "file", limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !typeAllowed(up.ContentType, logoTypes) {
		s.writeError(w, r, errorf(store.EUNPROCESSABLE, "Unsupported image type: %s", orUnknown(up.ContentType)))
		return
	}
	if up.TooLarge {
		s.writeError(w, r, errorf(store.EUNPROCESSABLE, "Image exceeds %d bytes", limit))
		return
	}
	s.storeUpload(w, r, companyID, "assets/companies", up, "Image is empty", map[string]any{"namespace": "assets/companies"})
}

// handleImageUpload stores an editor image or file (companies.md §2.8).
func (s *Server) handleImageUpload(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	c, err := s.store.FindCompanyByID(r.Context(), companyID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit := min(s.cfg.AttachmentMaxBytes, c.AttachmentMaxBytes)
	up, err := readUpload(w, r, "file", limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	namespace := "general"
	if v, ok := up.Fields["namespace"]; ok && v != "" {
		if !namespaceRe.MatchString(v) {
			s.writeError(w, r, errorf(store.EINVALID, "Invalid image metadata"))
			return
		}
		namespace = v
	}
	allowed := append([]string{"image/svg+xml"}, s.attachmentTypes()...)
	up.ContentType = resolveUploadType(up.ContentType, up.Filename, allowed)
	if !typeAllowed(up.ContentType, allowed) {
		s.writeError(w, r, errorf(store.EUNPROCESSABLE, "Unsupported file type: %s", orUnknown(up.ContentType)))
		return
	}
	if up.TooLarge {
		s.writeError(w, r, errorf(store.EUNPROCESSABLE, "File exceeds %d bytes", limit))
		return
	}
	s.storeUpload(w, r, companyID, "assets/"+namespace, up, "Image is empty", nil)
}

// storeUpload sanitises SVG, refuses empty files, and writes the asset.
func (s *Server) storeUpload(w http.ResponseWriter, r *http.Request, companyID, namespace string, up *upload, emptyMsg string, details map[string]any) {
	data := up.Data
	if up.ContentType == "image/svg+xml" && len(data) > 0 {
		clean, err := sanitizeSVG(data)
		if err != nil {
			s.writeError(w, r, errorf(store.EUNPROCESSABLE, "SVG could not be sanitized"))
			return
		}
		data = clean
	}
	if len(data) == 0 {
		s.writeError(w, r, errorf(store.EUNPROCESSABLE, "%s", emptyMsg))
		return
	}
	a, err := s.store.CreateAsset(r.Context(), store.NewAsset{
		CompanyID: companyID, Namespace: namespace, ContentType: up.ContentType,
		OriginalFilename: up.Filename, Data: data, ActivityDetails: details,
	})
	s.respond(w, r, http.StatusCreated, a, err)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// handleAssetContent serves an asset's bytes to callers who can read its company.
func (s *Server) handleAssetContent(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.FindAssetByID(r.Context(), mux.Vars(r)["assetId"])
	if err == nil {
		err = s.entityAccess(r, a.CompanyID, whoCRead, store.NotFound("Asset"))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := s.store.OpenAsset(a)
	if err != nil {
		s.writeError(w, r, store.NotFound("Asset"))
		return
	}
	defer f.Close()
	name := "asset"
	if a.OriginalFilename != nil && *a.OriginalFilename != "" {
		name = *a.OriginalFilename
	}
	serveFile(w, r, f, a.ContentType, name, inlineType(a.ContentType))
}
