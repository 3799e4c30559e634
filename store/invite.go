package store

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// Invite types and join types (data-model invites).
const (
	InviteCompanyJoin  = "company_join"
	InviteBootstrapCEO = "bootstrap_ceo"
	JoinHuman          = "human"
	JoinAgent          = "agent"
	JoinBoth           = "both"
)

// InviteTokenPrefix starts company invite tokens; bootstrap invites use pcp_bootstrap_.
const InviteTokenPrefix = "pcp_invite_"

// HumanRoles are the membership roles of board users, most powerful first.
var HumanRoles = []string{"owner", "admin", "operator", "viewer"}

// Invite is an invite as the API shows it; its token is never stored or listed.
type Invite struct {
	ID               string         `json:"id"`
	CompanyID        *string        `json:"companyId"`
	InviteType       string         `json:"inviteType"`
	AllowedJoinTypes string         `json:"allowedJoinTypes"`
	HumanRole        *string        `json:"humanRole"`
	AgentMessage     *string        `json:"agentMessage"`
	DefaultsPayload  map[string]any `json:"defaultsPayload"`
	ExpiresAt        string         `json:"expiresAt"`
	InvitedByUserID  *string        `json:"invitedByUserId"`
	RevokedAt        *string        `json:"revokedAt"`
	AcceptedAt       *string        `json:"acceptedAt"`
	State            string         `json:"state"`
	CreatedAt        string         `json:"createdAt"`
	UpdatedAt        string         `json:"updatedAt"`
}

// inviteState derives the state of an invite at now.
func inviteState(revokedAt, acceptedAt *string, expiresAt string, now time.Time) string {
	switch {
	case revokedAt != nil:
		return "revoked"
	case acceptedAt != nil:
		return "accepted"
	}
	if t, err := ParseTime(expiresAt); err != nil || !t.After(now) {
		return "expired"
	}
	return "active"
}

// NewInvite is a created invite with its token, shown once, and the company's name.
type NewInvite struct {
	Invite
	Token       string `json:"token"`
	CompanyName string `json:"companyName"`
}

// InviteInput is the create body of a company invite.
type InviteInput struct {
	AllowedJoinTypes Optional[string]         `json:"allowedJoinTypes"`
	HumanRole        Optional[string]         `json:"humanRole"`
	DefaultsPayload  Optional[map[string]any] `json:"defaultsPayload"`
	AgentMessage     Optional[string]         `json:"agentMessage"`
	ExpiresInHours   Optional[int]            `json:"expiresInHours"`
}

// Validate checks enums and bounds, filling defaults.
func (in *InviteInput) Validate() error {
	var p Problems
	if !in.AllowedJoinTypes.Set || in.AllowedJoinTypes.Null {
		in.AllowedJoinTypes = Some(JoinBoth)
	} else if !contains([]string{JoinHuman, JoinAgent, JoinBoth}, in.AllowedJoinTypes.Value) {
		p.Add("invalid_enum_value", "Invalid enum value. Expected 'human' | 'agent' | 'both'", "allowedJoinTypes")
	}
	if !in.HumanRole.Set || in.HumanRole.Null {
		in.HumanRole = Some("operator")
	} else if !contains(HumanRoles, in.HumanRole.Value) {
		p.Add("invalid_enum_value", "Invalid enum value. Expected 'owner' | 'admin' | 'operator' | 'viewer'", "humanRole")
	}
	if in.AgentMessage.Set && !in.AgentMessage.Null && len([]rune(in.AgentMessage.Value)) > 4000 {
		p.Add("too_big", "String must contain at most 4000 character(s)", "agentMessage")
	}
	if !in.ExpiresInHours.Set || in.ExpiresInHours.Null {
		in.ExpiresInHours = Some(72)
	} else if in.ExpiresInHours.Value < 1 || in.ExpiresInHours.Value > 720 {
		p.Add("too_small", "Number must be between 1 and 720", "expiresInHours")
	}
	return p.Err()
}

// InviteFilter selects a company's invites.
type InviteFilter struct {
	CompanyID string
	State     string
	Limit     int
	Offset    int
}

// InviteSummary is the public view of an active invite, for the person holding its
// token.
type InviteSummary struct {
	ID                string  `json:"id"`
	CompanyID         *string `json:"companyId"`
	CompanyName       *string `json:"companyName"`
	CompanyLogoURL    *string `json:"companyLogoUrl"`
	CompanyBrandColor *string `json:"companyBrandColor"`
	InviteType        string  `json:"inviteType"`
	AllowedJoinTypes  string  `json:"allowedJoinTypes"`
	HumanRole         *string `json:"humanRole"`
	ExpiresAt         string  `json:"expiresAt"`
	InvitedByUserName *string `json:"invitedByUserName"`
	AgentMessage      *string `json:"agentMessage"`
}

// AcceptInput is the accept body.
type AcceptInput struct {
	RequestType          Optional[string]         `json:"requestType"`
	AgentName            Optional[string]         `json:"agentName"`
	AdapterType          Optional[string]         `json:"adapterType"`
	Capabilities         Optional[string]         `json:"capabilities"`
	AgentDefaultsPayload Optional[map[string]any] `json:"agentDefaultsPayload"`
}

// Validate checks the shape of the accept body; the invite decides the rest.
func (in *AcceptInput) Validate() error {
	var p Problems
	if !in.RequestType.Set || in.RequestType.Null {
		p.Required("requestType")
	} else if in.RequestType.Value != JoinHuman && in.RequestType.Value != JoinAgent {
		p.Add("invalid_enum_value", "Invalid enum value. Expected 'human' | 'agent'", "requestType")
	}
	if in.AgentName.Set && !in.AgentName.Null && len([]rune(in.AgentName.Value)) > 120 {
		p.Add("too_big", "String must contain at most 120 character(s)", "agentName")
	}
	if in.Capabilities.Set && !in.Capabilities.Null && len([]rune(in.Capabilities.Value)) > 4000 {
		p.Add("too_big", "String must contain at most 4000 character(s)", "capabilities")
	}
	if in.AdapterType.Set && !in.AdapterType.Null && len(in.AdapterType.Value) > 120 {
		p.Add("too_big", "String must contain at most 120 character(s)", "adapterType")
	}
	return p.Err()
}

// AcceptResult is what accepting an invite produced: a bootstrap claim, or a join
// request (with the agent's claim secret, shown once).
type AcceptResult struct {
	Bootstrap   bool
	UserID      string
	InviteID    string
	JoinRequest JoinRequest
	ClaimSecret string
}

func newInviteToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return InviteTokenPrefix + base64.RawURLEncoding.EncodeToString(raw), nil
}
