package server

import (
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// maxPackageBody bounds an export or import request body, JSON or zip.
const maxPackageBody = 64 << 20

// Import modes recorded in the company.imported activity row.
const (
	importModeBoard = "board"
	importModeSafe  = "company_scoped"
)

func (s *Server) portabilityRoutes() []route {
	return []route{
		{http.MethodPost, "/api/companies/import/preview", whoBoard, "Preview a package import into a new or existing company", s.handleImportPreview},
		{http.MethodPost, "/api/companies/import", whoBoard, "Import a package into a new or existing company (?async=1: as a job)", s.handleImportApply},
		{http.MethodGet, "/api/companies/import/jobs/{jobId}", whoBoard, "Status of the caller's async import job", s.handleImportJob},
		{http.MethodPost, "/api/companies/{companyId}/export", whoCRead, "Export a company package", s.handleExport},
		{http.MethodPost, "/api/companies/{companyId}/exports/preview", whoCExport, "Preview a company export", s.handleExportPreview},
		{http.MethodPost, "/api/companies/{companyId}/exports", whoCExport, "Export a company package (board or CEO)", s.handleExport},
		{http.MethodPost, "/api/companies/{companyId}/imports/preview", whoCImport, "Preview an import into this company (no replace)", s.handleSafeImportPreview},
		{http.MethodPost, "/api/companies/{companyId}/imports/apply", whoCImport, "Import a package into this company (no replace)", s.handleSafeImportApply},
		{http.MethodGet, "/api/companies/{companyId}/skills", whoCRead, "List company skills", s.handleSkillList},
		{http.MethodGet, "/api/companies/{companyId}/skills/{slug}", whoCRead, "A company skill's SKILL.md", s.handleSkillGet},
		{http.MethodDelete, "/api/companies/{companyId}/skills/{slug}", whoCBoard, "Delete a company skill", s.handleSkillDelete},
	}
}

// portabilityAccess is the guard of whoCExport and whoCImport routes: company access
// first (foreign company 403, missing 404), then the store's board-or-CEO rule.
func (s *Server) portabilityAccess(r *http.Request, who string) error {
	companyID := mux.Vars(r)["companyId"]
	if err := s.companyAccess(r, companyID, whoCRead); err != nil {
		return err
	}
	action := store.ActCompanyExport
	if who == whoCImport {
		action = store.ActCompanyImport
	}
	return s.store.Authorize(r.Context(), action, store.Target{CompanyID: companyID})
}

func (s *Server) decodeExport(w http.ResponseWriter, r *http.Request) (store.ExportInput, error) {
	var in store.ExportInput
	body, err := readBody(w, r, maxJSONBody)
	if err != nil {
		return in, err
	}
	if err := decodeJSONObject(body, &in, false); err != nil {
		return in, err
	}
	in.Version = s.cfg.Version
	return in, nil
}

func wantsZip(r *http.Request) bool {
	return r.URL.Query().Get("format") == "zip" || strings.Contains(r.Header.Get("Accept"), "application/zip")
}

// exportOf decodes an export body and builds the path company's package; on failure
// it has answered the request.
func (s *Server) exportOf(w http.ResponseWriter, r *http.Request) (store.Export, bool) {
	in, err := s.decodeExport(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return store.Export{}, false
	}
	ex, err := s.store.ExportCompany(r.Context(), mux.Vars(r)["companyId"], in)
	if err != nil {
		s.writeError(w, r, err)
		return store.Export{}, false
	}
	return ex, true
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	ex, ok := s.exportOf(w, r)
	if !ok {
		return
	}
	if wantsZip(r) {
		writePackageZip(w, ex, s.store.Now())
		return
	}
	writeJSON(w, http.StatusOK, ex)
}

// exportPreview is the export preview answer: the export plus an inventory.
type exportPreview struct {
	store.Export
	FileInventory []fileKind       `json:"fileInventory"`
	Counts        map[string]int64 `json:"counts"`
}

type fileKind struct {
	Path string `json:"path"`
	Kind string `json:"kind"`
}

// packageFileKind classifies a package path for the inventory.
func packageFileKind(p string) string {
	first, _, _ := strings.Cut(p, "/")
	switch {
	case p == "COMPANY.md":
		return "company"
	case p == store.SidecarPath:
		return "extension"
	case p == "README.md":
		return "readme"
	case first == "agents":
		return "agent"
	case first == "projects":
		return "project"
	case first == "tasks":
		return "issue"
	case first == "skills":
		return "skill"
	case first == "assets":
		return "asset"
	}
	return "other"
}

func (s *Server) handleExportPreview(w http.ResponseWriter, r *http.Request) {
	ex, ok := s.exportOf(w, r)
	if !ok {
		return
	}
	out := exportPreview{Export: ex, FileInventory: []fileKind{}}
	for _, p := range ex.Files.Paths() {
		out.FileInventory = append(out.FileInventory, fileKind{p, packageFileKind(p)})
	}
	m := ex.Manifest
	out.Counts = map[string]int64{"files": int64(len(ex.Files)), "agents": int64(len(m.Agents)), "projects": int64(len(m.Projects)),
		"issues": int64(len(m.Issues)), "skills": int64(len(m.Skills)), "goals": int64(len(m.Goals))}
	writeJSON(w, http.StatusOK, out)
}

// decodeImport reads an import body: JSON with an inline source, a raw zip
// (application/zip, the rest of the body in ?meta=), or multipart with a "package"
// zip part and a "meta" JSON part.
func (s *Server) decodeImport(w http.ResponseWriter, r *http.Request) (store.ImportInput, error) {
	var in store.ImportInput
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/zip", "application/x-zip-compressed":
		data, err := readBody(w, r, maxPackageBody)
		if err != nil {
			return in, err
		}
		if meta := r.URL.Query().Get("meta"); meta != "" {
			if err := decodeJSONObject([]byte(meta), &in, false); err != nil {
				return in, err
			}
		}
		return in, zipSource(&in, data)
	case "multipart/form-data":
		return in, decodeMultipartImport(w, r, &in)
	}
	body, err := readBody(w, r, maxPackageBody)
	if err != nil {
		return in, err
	}
	return in, decodeJSONObject(body, &in, false)
}

func zipSource(in *store.ImportInput, data []byte) error {
	files, err := readZipPackage(data)
	if err != nil {
		return err
	}
	in.Source = store.ImportSource{Type: "inline", RootPath: in.Source.RootPath, Files: files}
	return nil
}

// checkBoardTarget applies the board routes' target rules: a new company needs an
// instance admin, an existing one write access to it.
func (s *Server) checkBoardTarget(r *http.Request, in store.ImportInput) error {
	switch in.Target.Mode {
	case store.TargetNewCompany:
		return checkWho(actorOf(r), whoAdmin)
	case store.TargetExistingCompany:
		return s.companyAccess(r, strings.ToLower(strings.TrimSpace(in.Target.CompanyID)), whoCWrite)
	}
	return nil
}

// checkSafeTarget applies the company-scoped routes' rules: only the route company,
// and never replace (an agent or member must not overwrite what exists).
func checkSafeTarget(r *http.Request, in store.ImportInput) error {
	if in.CollisionStrategy == store.CollisionReplace {
		return errorf(store.EFORBIDDEN, "Safe import route does not allow replace collision strategy")
	}
	if in.Target.Mode != store.TargetExistingCompany || !strings.EqualFold(strings.TrimSpace(in.Target.CompanyID), mux.Vars(r)["companyId"]) {
		return errorf(store.EFORBIDDEN, "Safe import route can only target the route company")
	}
	return nil
}

// importOf decodes and checks an import body; on failure it has answered.
func (s *Server) importOf(w http.ResponseWriter, r *http.Request, check func(store.ImportInput) error) (store.ImportInput, bool) {
	in, err := s.decodeImport(w, r)
	if err == nil {
		err = in.Validate()
	}
	if err == nil {
		err = check(in)
	}
	if err != nil {
		s.writeError(w, r, err)
		return in, false
	}
	sanitizePackageSVG(in.Source.Files)
	return in, true
}

// sanitizePackageSVG cleans SVG assets as a logo upload would; one that cannot be made
// safe is dropped, and the import then reports the logo as missing.
func sanitizePackageSVG(files store.PackageFiles) {
	for p, f := range files {
		if !isAssetPath(p) || !strings.EqualFold(path.Ext(p), ".svg") {
			continue
		}
		clean, err := sanitizeSVG(f.Bytes())
		if err != nil {
			delete(files, p)
			continue
		}
		files[p] = store.PackageFile{Data: clean, ContentType: "image/svg+xml", Binary: true}
	}
}

func (s *Server) importPreview(w http.ResponseWriter, r *http.Request, check func(store.ImportInput) error) {
	in, ok := s.importOf(w, r, check)
	if !ok {
		return
	}
	pv, err := s.store.PreviewImport(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pv)
}

// importApply runs an import; async (board route only) hands the checked body to a
// job instead and answers 202 at once.
func (s *Server) importApply(w http.ResponseWriter, r *http.Request, mode string, async bool, check func(store.ImportInput) error) {
	in, ok := s.importOf(w, r, check)
	if !ok {
		return
	}
	in.Mode = mode
	var key *store.SecretKey
	var err error
	if len(in.SecretValues) > 0 {
		if key, err = s.masterKey(); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if async {
		s.startImportJob(w, r, key, in)
		return
	}
	res, err := s.store.ApplyImport(r.Context(), key, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Created() {
		status = http.StatusCreated
	}
	writeJSON(w, status, res)
}

func (s *Server) handleImportPreview(w http.ResponseWriter, r *http.Request) {
	s.importPreview(w, r, func(in store.ImportInput) error { return s.checkBoardTarget(r, in) })
}

func (s *Server) handleImportApply(w http.ResponseWriter, r *http.Request) {
	s.importApply(w, r, importModeBoard, r.URL.Query().Get("async") == "1", func(in store.ImportInput) error { return s.checkBoardTarget(r, in) })
}

func (s *Server) handleSafeImportPreview(w http.ResponseWriter, r *http.Request) {
	s.importPreview(w, r, func(in store.ImportInput) error { return checkSafeTarget(r, in) })
}

func (s *Server) handleSafeImportApply(w http.ResponseWriter, r *http.Request) {
	s.importApply(w, r, importModeSafe, false, func(in store.ImportInput) error { return checkSafeTarget(r, in) })
}

func (s *Server) handleSkillList(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.FindCompanySkills(r.Context(), mux.Vars(r)["companyId"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) handleSkillGet(w http.ResponseWriter, r *http.Request) {
	k, err := s.store.FindCompanySkill(r.Context(), mux.Vars(r)["companyId"], mux.Vars(r)["slug"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(k.Files["SKILL.md"]))
}

func (s *Server) handleSkillDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.store.DeleteCompanySkill(r.Context(), mux.Vars(r)["companyId"], mux.Vars(r)["slug"]); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
