package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) issueAttachmentRoutes() []route {
	return []route{
		{http.MethodGet, "/api/issues/{id}/attachments", whoCustom, "List issue attachments", s.handleAttachmentList},
		{http.MethodPost, "/api/companies/{companyId}/issues/{issueId}/attachments", whoCWrite, "Upload an issue attachment", s.handleAttachmentUpload},
		{http.MethodGet, "/api/attachments/{attachmentId}/content", whoCustom, "Attachment bytes (Range supported)", s.handleAttachmentContent},
		{http.MethodDelete, "/api/attachments/{attachmentId}", whoCustom, "Delete an attachment", s.handleAttachmentDelete},
	}
}

func (s *Server) handleAttachmentList(w http.ResponseWriter, r *http.Request) {
	is, err := s.issueFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindIssueAttachments(r.Context(), is.ID)
	s.respond(w, r, http.StatusOK, list, err)
}

// handleAttachmentUpload applies the checks of issues.md §8.2 in their order; the
// agent write rules are checked before the body is read.
func (s *Server) handleAttachmentUpload(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	is, err := s.issueFor(r, whoCWrite)
	if err == nil && is.CompanyID != companyID {
		err = errorf(store.EUNPROCESSABLE, "Issue does not belong to company")
	}
	if err == nil {
		err = s.store.CheckIssueWrite(r.Context(), is.ID)
	}
	var c store.Company
	if err == nil {
		c, err = s.store.FindCompanyByID(r.Context(), companyID)
	}
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
	allowed := s.attachmentTypes()
	up.ContentType = resolveUploadType(up.ContentType, up.Filename, allowed)
	commentID := up.Fields["issueCommentId"]
	switch {
	case up.FileCount > 1:
		err = errorf(store.EINVALID, "Only one file may be uploaded per request")
	case up.TooLarge:
		err = errorf(store.EUNPROCESSABLE, "Attachment exceeds %d bytes", limit)
	case len(up.Data) == 0:
		err = errorf(store.EUNPROCESSABLE, "Attachment is empty")
	case !typeAllowed(up.ContentType, allowed):
		err = errorf(store.EUNPROCESSABLE, "Unsupported attachment type: %s", orUnknown(up.ContentType))
	case commentID != "" && !store.IsUUID(commentID):
		err = errorf(store.EINVALID, "Invalid attachment metadata")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := s.store.CreateAttachment(r.Context(), store.NewAttachment{CompanyID: companyID, IssueKey: is.ID,
		IssueCommentID: commentID, ContentType: up.ContentType, OriginalFilename: up.Filename, Data: up.Data})
	s.respond(w, r, http.StatusCreated, t, err)
}

func (s *Server) attachmentFor(r *http.Request, level string) (store.Attachment, error) {
	t, err := s.store.FindAttachmentByID(r.Context(), mux.Vars(r)["attachmentId"])
	if err != nil {
		return t, err
	}
	return t, s.entityAccess(r, t.CompanyID, level, store.NotFound("Attachment"))
}

var videoTypes = []string{"video/*"}

func (s *Server) handleAttachmentContent(w http.ResponseWriter, r *http.Request) {
	t, err := s.attachmentFor(r, whoCRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	download := false
	switch r.URL.Query().Get("download") {
	case "1", "true":
		download = true
	}
	f, err := s.store.OpenAttachment(t)
	if err != nil {
		s.writeError(w, r, store.NotFound("Attachment"))
		return
	}
	defer f.Close()
	name := "attachment"
	if t.OriginalFilename != nil && *t.OriginalFilename != "" {
		name = *t.OriginalFilename
	}
	ct := resolveUploadType(t.ContentType, name, videoTypes)
	serveFile(w, r, f, ct, name, !download && inlineType(ct))
}

func (s *Server) handleAttachmentDelete(w http.ResponseWriter, r *http.Request) {
	t, err := s.attachmentFor(r, whoCWrite)
	if err == nil {
		err = s.store.DeleteAttachment(r.Context(), t.ID)
	}
	s.respond(w, r, http.StatusOK, map[string]bool{"ok": true}, err)
}
