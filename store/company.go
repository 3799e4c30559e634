package store

import (
	"slices"
	"strings"
	"unicode"
)

// Company statuses and pause reasons.
const (
	CompanyActive   = "active"
	CompanyPaused   = "paused"
	CompanyArchived = "archived"

	PauseManual          = "manual"
	PauseBudget          = "budget"
	PauseSystem          = "system"
	PauseCompanyArchived = "company_archived"
)

// DefaultAttachmentMaxBytes is the per-file upload limit of a new company (10 MiB).
const DefaultAttachmentMaxBytes = 10485760

const maxAttachmentMaxBytes = 1073741824

// FeedbackTermsVersion is stamped when feedback sharing is turned on without a version.
const FeedbackTermsVersion = "feedback-data-sharing-v1"

// Company is the tenant: every business row belongs to exactly one.
type Company struct {
	ID                                 string  `json:"id"`
	Name                               string  `json:"name"`
	Description                        *string `json:"description"`
	Status                             string  `json:"status"`
	PauseReason                        *string `json:"pauseReason"`
	PausedAt                           *string `json:"pausedAt"`
	IssuePrefix                        string  `json:"issuePrefix"`
	IssueCounter                       int64   `json:"issueCounter"`
	BudgetMonthlyCents                 int64   `json:"budgetMonthlyCents"`
	SpentMonthlyCents                  int64   `json:"spentMonthlyCents"`
	AttachmentMaxBytes                 int64   `json:"attachmentMaxBytes"`
	RequireBoardApprovalForNewAgents   bool    `json:"requireBoardApprovalForNewAgents"`
	FeedbackDataSharingEnabled         bool    `json:"feedbackDataSharingEnabled"`
	FeedbackDataSharingConsentAt       *string `json:"feedbackDataSharingConsentAt"`
	FeedbackDataSharingConsentByUserID *string `json:"feedbackDataSharingConsentByUserId"`
	FeedbackDataSharingTermsVersion    *string `json:"feedbackDataSharingTermsVersion"`
	BrandColor                         *string `json:"brandColor"`
	LogoAssetID                        *string `json:"logoAssetId"`
	LogoURL                            *string `json:"logoUrl"`
	CreatedAt                          string  `json:"createdAt"`
	UpdatedAt                          string  `json:"updatedAt"`
}

// IssuePrefixBase derives the first prefix candidate (data-model §3.2): the company name
// upper-cased, letters A-Z only, first three; CMP when nothing is left.
func IssuePrefixBase(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
			if b.Len() == 3 {
				break
			}
		}
	}
	if b.Len() == 0 {
		return "CMP"
	}
	return b.String()
}

// IssuePrefixCandidate is attempt n (0-based) of the prefix search: base, then base
// with a letter counter (bijective base 26): ACM, ACMA … ACMZ, ACMAA … ACMZZ, ACMAAA.
// The spec's base+"A"×n grew by one letter per same-named company (94 characters
// after 111 "Fuzz …" companies) and ran out after 10000; this stays within two extra
// letters for 702 companies of one name and never runs out. The suffix is letters,
// not digits, because identifiers must match ^[A-Za-z]+-[0-9]+$ (ACM2-7 would not
// resolve as an issue id, here or in upstream clients).
func IssuePrefixCandidate(base string, n int) string {
	var suffix []byte
	for ; n > 0; n /= 26 {
		n--
		suffix = append(suffix, byte('A'+n%26))
	}
	slices.Reverse(suffix)
	return base + string(suffix)
}

// CompanyInput is the create body (companies.md §2.4).
type CompanyInput struct {
	Name                             Optional[string] `json:"name"`
	Description                      Optional[string] `json:"description" limit:"100000"`
	BudgetMonthlyCents               Optional[int64]  `json:"budgetMonthlyCents"`
	AttachmentMaxBytes               Optional[int64]  `json:"attachmentMaxBytes"`
	RequireBoardApprovalForNewAgents Optional[bool]   `json:"requireBoardApprovalForNewAgents"`
	BrandColor                       Optional[string] `json:"brandColor"`
}

// Validate checks the create body.
func (in *CompanyInput) Validate() error {
	var p Problems
	if !in.Name.Set || in.Name.Null {
		p.Required("name")
	} else {
		validateName(&p, "name", in.Name.Value)
	}
	validateBudget(&p, in.BudgetMonthlyCents)
	validateAttachmentMax(&p, in.AttachmentMaxBytes)
	if in.RequireBoardApprovalForNewAgents.Set && in.RequireBoardApprovalForNewAgents.Null {
		p.Add("invalid_type", "Expected boolean, received null", "requireBoardApprovalForNewAgents")
	}
	validateColor(&p, "brandColor", in.BrandColor)
	p.Limits(in)
	return p.Err()
}

func validateName(p *Problems, field, v string) {
	if strings.TrimFunc(v, unicode.IsSpace) == "" {
		p.Add("too_small", "String must contain at least 1 character(s)", field)
	}
}

func validateBudget(p *Problems, v Optional[int64]) {
	if !v.Set {
		return
	}
	if v.Null {
		p.Add("invalid_type", "Expected number, received null", "budgetMonthlyCents")
	} else if v.Value < 0 {
		p.Add("too_small", "Number must be greater than or equal to 0", "budgetMonthlyCents")
	}
}

func validateAttachmentMax(p *Problems, v Optional[int64]) {
	if !v.Set {
		return
	}
	switch {
	case v.Null:
		p.Add("invalid_type", "Expected number, received null", "attachmentMaxBytes")
	case v.Value < 1:
		p.Add("too_small", "Number must be greater than or equal to 1", "attachmentMaxBytes")
	case v.Value > maxAttachmentMaxBytes:
		p.Add("too_big", "Number must be less than or equal to 1073741824", "attachmentMaxBytes")
	}
}

func validateColor(p *Problems, field string, v Optional[string]) {
	if v.Set && !v.Null && !IsHexColor(v.Value) {
		p.Add("invalid_string", "Invalid color: expected #RRGGBB", field)
	}
}

// CompanyPatch is the board PATCH body (companies.md §2.5). Absent fields are untouched.
type CompanyPatch struct {
	Name                             Optional[string] `json:"name"`
	Description                      Optional[string] `json:"description" limit:"100000"`
	Status                           Optional[string] `json:"status"`
	BudgetMonthlyCents               Optional[int64]  `json:"budgetMonthlyCents"`
	AttachmentMaxBytes               Optional[int64]  `json:"attachmentMaxBytes"`
	RequireBoardApprovalForNewAgents Optional[bool]   `json:"requireBoardApprovalForNewAgents"`
	FeedbackDataSharingEnabled       Optional[bool]   `json:"feedbackDataSharingEnabled"`
	FeedbackDataSharingTermsVersion  Optional[string] `json:"feedbackDataSharingTermsVersion"`
	BrandColor                       Optional[string] `json:"brandColor"`
	LogoAssetID                      Optional[string] `json:"logoAssetId"`
}

// BrandingPatch is the strict branding body (companies.md §2.6), also what a CEO agent
// may send to PATCH /companies/{id}.
type BrandingPatch struct {
	Name        Optional[string] `json:"name"`
	Description Optional[string] `json:"description" limit:"100000"`
	BrandColor  Optional[string] `json:"brandColor"`
	LogoAssetID Optional[string] `json:"logoAssetId"`
}

// Empty reports whether no branding field was given.
func (b *BrandingPatch) Empty() bool {
	return !b.Name.Set && !b.Description.Set && !b.BrandColor.Set && !b.LogoAssetID.Set
}

// Patch widens the branding body to a company patch.
func (b *BrandingPatch) Patch() CompanyPatch {
	return CompanyPatch{Name: b.Name, Description: b.Description, BrandColor: b.BrandColor, LogoAssetID: b.LogoAssetID}
}

// Validate checks the PATCH body.
func (in *CompanyPatch) Validate() error {
	var p Problems
	if in.Name.Set {
		if in.Name.Null {
			p.Add("invalid_type", "Expected string, received null", "name")
		} else {
			validateName(&p, "name", in.Name.Value)
		}
	}
	if in.Status.Set {
		switch {
		case in.Status.Null:
			p.Add("invalid_type", "Expected string, received null", "status")
		case in.Status.Value != CompanyActive && in.Status.Value != CompanyPaused && in.Status.Value != CompanyArchived:
			p.Add("invalid_enum_value", "Invalid enum value. Expected 'active' | 'paused' | 'archived', received '"+in.Status.Value+"'", "status")
		}
	}
	validateBudget(&p, in.BudgetMonthlyCents)
	validateAttachmentMax(&p, in.AttachmentMaxBytes)
	for _, b := range []struct {
		name string
		v    Optional[bool]
	}{{"requireBoardApprovalForNewAgents", in.RequireBoardApprovalForNewAgents}, {"feedbackDataSharingEnabled", in.FeedbackDataSharingEnabled}} {
		if b.v.Set && b.v.Null {
			p.Add("invalid_type", "Expected boolean, received null", b.name)
		}
	}
	if v := in.FeedbackDataSharingTermsVersion; v.Set && !v.Null && v.Value == "" {
		p.Add("too_small", "String must contain at least 1 character(s)", "feedbackDataSharingTermsVersion")
	}
	validateColor(&p, "brandColor", in.BrandColor)
	if v := in.LogoAssetID.Ptr(); v != nil && !IsUUID(*v) {
		p.Add("invalid_string", "Invalid uuid", "logoAssetId")
	}
	p.Limits(in)
	return p.Err()
}

// CompanyStats is one entry of GET /companies/stats.
type CompanyStats struct {
	AgentCount int64 `json:"agentCount"`
	IssueCount int64 `json:"issueCount"`
}

// CompanyFilter selects companies for a list.
type CompanyFilter struct {
	IncludeArchived bool
	// UserID restricts the list to companies where this user has an active membership;
	// empty means every company (local board, instance admins).
	UserID string
	Limit  int
	Offset int
}
