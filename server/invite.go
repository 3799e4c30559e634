package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"paperclip/store"
)

func (s *Server) inviteRoutes() []route {
	return []route{
		{http.MethodPost, "/api/companies/{companyId}/invites", whoCWrite, "Create a company invite (token shown once)", s.handleInviteCreate},
		{http.MethodGet, "/api/companies/{companyId}/invites", whoCRead, "List a company's invites", s.handleInviteList},
		{http.MethodGet, "/api/invites/{token}", whoPublic, "Public summary of an active invite", s.handleInviteSummary},
		{http.MethodGet, "/api/invites/{token}/onboarding", whoPublic, "Onboarding instructions of an invite (JSON)", s.handleInviteOnboarding},
		{http.MethodGet, "/api/invites/{token}/onboarding.txt", whoPublic, "Onboarding instructions of an invite (text)", s.handleInviteOnboardingText},
		{http.MethodPost, "/api/invites/{token}/accept", whoPublic, "Accept an invite (humans: signed in)", s.handleInviteAccept},
		{http.MethodPost, "/api/invites/{inviteId}/revoke", whoCustom, "Revoke an invite", s.handleInviteRevoke},
	}
}

// inviteLinks are the paths and URLs of an invite token.
type inviteLinks struct {
	InvitePath         string `json:"invitePath"`
	InviteURL          string `json:"inviteUrl"`
	OnboardingTextPath string `json:"onboardingTextPath"`
	OnboardingTextURL  string `json:"onboardingTextUrl"`
}

func (s *Server) linksFor(r *http.Request, token string) inviteLinks {
	base := s.baseURL(r)
	esc := url.PathEscape(token)
	l := inviteLinks{InvitePath: "/invite/" + esc, OnboardingTextPath: "/api/invites/" + esc + "/onboarding.txt"}
	l.InviteURL, l.OnboardingTextURL = base+l.InvitePath, base+l.OnboardingTextPath
	return l
}

// createdInvite is the create answer: the invite, its token (once) and its links.
type createdInvite struct {
	store.NewInvite
	inviteLinks
}

// inviteSummary is the public view with its links.
type inviteSummary struct {
	store.InviteSummary
	inviteLinks
	SkillIndexPath string `json:"skillIndexPath"`
}

func (s *Server) handleInviteCreate(w http.ResponseWriter, r *http.Request) {
	var in store.InviteInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	inv, err := s.store.CreateInvite(r.Context(), mux.Vars(r)["companyId"], in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, createdInvite{NewInvite: inv, inviteLinks: s.linksFor(r, inv.Token)})
}

func (s *Server) handleInviteList(w http.ResponseWriter, r *http.Request) {
	companyID := mux.Vars(r)["companyId"]
	if err := s.store.Authorize(r.Context(), store.PermUsersInvite, store.Target{CompanyID: companyID}); err != nil {
		s.writeError(w, r, err)
		return
	}
	state := r.URL.Query().Get("state")
	if state != "" && state != "active" && state != "revoked" && state != "accepted" && state != "expired" {
		s.writeError(w, r, errorf(store.EINVALID, "Invalid state: expected active, revoked, accepted or expired"))
		return
	}
	limit, offset, err := page(r, 20, 100)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.FindInvites(r.Context(), store.InviteFilter{CompanyID: companyID, State: state, Limit: limit, Offset: offset})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) summaryOf(r *http.Request) (inviteSummary, error) {
	token := mux.Vars(r)["token"]
	sum, err := s.store.FindInviteSummary(r.Context(), token)
	if err != nil {
		return inviteSummary{}, err
	}
	return inviteSummary{InviteSummary: sum, inviteLinks: s.linksFor(r, token), SkillIndexPath: "/api/skills/index"}, nil
}

func (s *Server) handleInviteSummary(w http.ResponseWriter, r *http.Request) {
	sum, err := s.summaryOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}

func (s *Server) onboarding(r *http.Request) (map[string]any, error) {
	sum, err := s.summaryOf(r)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"invite":                  sum,
		"apiBaseUrl":              s.baseURL(r),
		"acceptPath":              "/api/invites/" + url.PathEscape(mux.Vars(r)["token"]) + "/accept",
		"claimApiKeyPathTemplate": "/api/join-requests/{requestId}/claim-api-key",
		"skill":                   map[string]string{"name": "paperclip", "path": "/api/skills/paperclip"},
	}, nil
}

func (s *Server) handleInviteOnboarding(w http.ResponseWriter, r *http.Request) {
	doc, err := s.onboarding(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// handleInviteOnboardingText is the same onboarding as steps an agent can follow.
func (s *Server) handleInviteOnboardingText(w http.ResponseWriter, r *http.Request) {
	doc, err := s.onboarding(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sum := doc["invite"].(inviteSummary)
	base := doc["apiBaseUrl"].(string)
	company := "a Paperclip company"
	if sum.CompanyName != nil {
		company = *sum.CompanyName
	}
	var b strings.Builder
	fmt.Fprintf(&b, "You are invited to join %s on Paperclip.\n\n", company)
	if sum.AgentMessage != nil && *sum.AgentMessage != "" {
		fmt.Fprintf(&b, "Message from the inviter:\n%s\n\n", *sum.AgentMessage)
	}
	fmt.Fprintf(&b, "This invite expires at %s and allows %s joins.\n\n", sum.ExpiresAt, sum.AllowedJoinTypes)
	fmt.Fprintf(&b, "1. Request to join:\n   POST %s%s\n   Content-Type: application/json\n   {\"requestType\": \"agent\", \"agentName\": \"<your name>\", \"adapterType\": \"http\", \"capabilities\": \"<what you do>\"}\n", base, doc["acceptPath"])
	b.WriteString("   The answer holds your join request id and a claimSecret. Keep the secret; it is shown once.\n\n")
	b.WriteString("2. Wait until a board member approves the request.\n\n")
	fmt.Fprintf(&b, "3. Claim your API key (poll until it succeeds; 409 means not approved yet):\n   POST %s/api/join-requests/<requestId>/claim-api-key\n   {\"claimSecret\": \"<claimSecret>\"}\n", base)
	b.WriteString("   The answer holds your API key token. Send it as Authorization: Bearer <token>.\n\n")
	fmt.Fprintf(&b, "4. Read the skill that explains how to work here:\n   GET %s/api/skills/paperclip\n", base)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(b.String()))
}

func (s *Server) handleInviteAccept(w http.ResponseWriter, r *http.Request) {
	var in store.AcceptInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.store.AcceptInvite(r.Context(), mux.Vars(r)["token"], in, s.clientIP(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch {
	case res.Bootstrap:
		s.logger.Info("instance bootstrap claimed", "user_id", res.UserID)
		writeJSON(w, http.StatusAccepted, map[string]any{"inviteId": res.InviteID, "inviteType": store.InviteBootstrapCEO,
			"bootstrapAccepted": true, "userId": res.UserID})
	case res.ClaimSecret != "":
		writeJSON(w, http.StatusAccepted, struct {
			store.JoinRequest
			ClaimSecret     string `json:"claimSecret"`
			ClaimAPIKeyPath string `json:"claimApiKeyPath"`
		}{res.JoinRequest, res.ClaimSecret, "/api/join-requests/" + res.JoinRequest.ID + "/claim-api-key"})
	default:
		writeJSON(w, http.StatusAccepted, res.JoinRequest)
	}
}

func (s *Server) handleInviteRevoke(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(mux.Vars(r)["inviteId"])
	if !store.IsUUID(id) {
		s.writeError(w, r, store.NotFound("Invite"))
		return
	}
	inv, err := s.store.RevokeInvite(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inv)
}
