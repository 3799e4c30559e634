package store

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Issue is a task (issues.md §1).
type Issue struct {
	ID                       string   `json:"id"`
	CompanyID                string   `json:"companyId"`
	Identifier               string   `json:"identifier"`
	IssueNumber              int64    `json:"issueNumber"`
	Title                    string   `json:"title"`
	Description              *string  `json:"description"`
	Status                   string   `json:"status"`
	Priority                 string   `json:"priority"`
	ProjectID                *string  `json:"projectId"`
	ProjectWorkspaceID       *string  `json:"projectWorkspaceId"`
	GoalID                   *string  `json:"goalId"`
	ParentID                 *string  `json:"parentId"`
	AssigneeAgentID          *string  `json:"assigneeAgentId"`
	AssigneeUserID           *string  `json:"assigneeUserId"`
	CheckoutRunID            *string  `json:"checkoutRunId"`
	ExecutionRunID           *string  `json:"executionRunId"`
	ExecutionAgentNameKey    *string  `json:"executionAgentNameKey"`
	ExecutionLockedAt        *string  `json:"executionLockedAt"`
	CreatedByAgentID         *string  `json:"createdByAgentId"`
	CreatedByUserID          *string  `json:"createdByUserId"`
	OriginKind               string   `json:"originKind"`
	OriginID                 *string  `json:"originId"`
	OriginRunID              *string  `json:"originRunId"`
	RequestDepth             int      `json:"requestDepth"`
	BillingCode              *string  `json:"billingCode"`
	AssigneeAdapterOverrides JSONRaw  `json:"assigneeAdapterOverrides"`
	StartedAt                *string  `json:"startedAt"`
	CompletedAt              *string  `json:"completedAt"`
	CancelledAt              *string  `json:"cancelledAt"`
	HiddenAt                 *string  `json:"hiddenAt"`
	CreatedAt                string   `json:"createdAt"`
	UpdatedAt                string   `json:"updatedAt"`
	Labels                   []Label  `json:"labels"`
	LabelIDs                 []string `json:"labelIds"`
}

// IssueCreated is the create response: the issue, flagged when an earlier issue was
// returned instead of a new one.
type IssueCreated struct {
	Issue
	Deduplicated        bool   `json:"deduplicated,omitempty"`
	DeduplicationReason string `json:"deduplicationReason,omitempty"`
	// Created is false for a deduplicated answer (200 instead of 201).
	Created bool `json:"-"`
}

// FieldChange is one entry of a PATCH response's changes map.
type FieldChange struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// IssueUpdated is the PATCH response (issues.md §7.3).
type IssueUpdated struct {
	Issue
	Comment *Comment               `json:"comment"`
	Changes map[string]FieldChange `json:"changes"`
}

// IssueInput is the create body (issues.md §7.1) and, through IssuePatch, the PATCH
// body; the children route adds acceptanceCriteria and blockParentUntilDone.
type IssueInput struct {
	Title                    Optional[string]          `json:"title"`
	Description              Optional[string]          `json:"description" limit:"100000"`
	Status                   Optional[string]          `json:"status"`
	Priority                 Optional[string]          `json:"priority"`
	ProjectID                Optional[string]          `json:"projectId"`
	ProjectWorkspaceID       Optional[string]          `json:"projectWorkspaceId"`
	GoalID                   Optional[string]          `json:"goalId"`
	ParentID                 Optional[string]          `json:"parentId"`
	AssigneeAgentID          Optional[string]          `json:"assigneeAgentId"`
	AssigneeUserID           Optional[string]          `json:"assigneeUserId"`
	BlockedByIssueIDs        Optional[[]string]        `json:"blockedByIssueIds"`
	LabelIDs                 Optional[[]string]        `json:"labelIds"`
	RequestDepth             Optional[int]             `json:"requestDepth"`
	BillingCode              Optional[string]          `json:"billingCode"`
	AssigneeAdapterOverrides Optional[json.RawMessage] `json:"assigneeAdapterOverrides"`
	IdempotencyKey           Optional[string]          `json:"idempotencyKey" limit:"255"`
	AllowDuplicate           Optional[bool]            `json:"allowDuplicate"`
	AcceptanceCriteria       Optional[[]string]        `json:"acceptanceCriteria" items:"20"`
	BlockParentUntilDone     Optional[bool]            `json:"blockParentUntilDone"`
}

// IssuePatch is the PATCH body: every create field optional, plus comment, reopen and
// hiddenAt (idempotencyKey, allowDuplicate and the children fields are ignored).
type IssuePatch struct {
	Title                    Optional[string]          `json:"title"`
	Description              Optional[string]          `json:"description" limit:"100000"`
	Status                   Optional[string]          `json:"status"`
	Priority                 Optional[string]          `json:"priority"`
	ProjectID                Optional[string]          `json:"projectId"`
	ProjectWorkspaceID       Optional[string]          `json:"projectWorkspaceId"`
	GoalID                   Optional[string]          `json:"goalId"`
	ParentID                 Optional[string]          `json:"parentId"`
	AssigneeAgentID          Optional[string]          `json:"assigneeAgentId"`
	AssigneeUserID           Optional[string]          `json:"assigneeUserId"`
	BlockedByIssueIDs        Optional[[]string]        `json:"blockedByIssueIds"`
	LabelIDs                 Optional[[]string]        `json:"labelIds"`
	RequestDepth             Optional[int]             `json:"requestDepth"`
	BillingCode              Optional[string]          `json:"billingCode"`
	AssigneeAdapterOverrides Optional[json.RawMessage] `json:"assigneeAdapterOverrides"`
	Comment                  Optional[string]          `json:"comment" limit:"100000"`
	Reopen                   Optional[bool]            `json:"reopen"`
	HiddenAt                 Optional[string]          `json:"hiddenAt"`
}

const (
	maxCommentBody   = 100000
	maxIdempotentKey = 255
	maxRequestDepth  = 1024
)

func blank(s string) bool { return strings.TrimFunc(s, unicode.IsSpace) == "" }

// issueFieldChecks validates the fields shared by create and PATCH.
func issueFieldChecks(p *Problems, title, status, priority Optional[string], uuids map[string]Optional[string],
	lists map[string]Optional[[]string], depth Optional[int], overrides Optional[json.RawMessage]) {
	if title.Set {
		if title.Null {
			p.Add("invalid_type", "Expected string, received null", "title")
		} else if blank(title.Value) {
			p.Add("too_small", "String must contain at least 1 character(s)", "title")
		}
	}
	if status.Set {
		if status.Null {
			p.Add("invalid_type", "Expected string, received null", "status")
		} else if !IsIssueStatus(status.Value) {
			p.Add("invalid_enum_value", enumMessage(IssueStatuses, status.Value), "status")
		}
	}
	if priority.Set {
		if priority.Null {
			p.Add("invalid_type", "Expected string, received null", "priority")
		} else if !IsIssuePriority(priority.Value) {
			p.Add("invalid_enum_value", enumMessage(IssuePriorities, priority.Value), "priority")
		}
	}
	for _, name := range []string{"projectId", "projectWorkspaceId", "goalId", "parentId"} {
		if v, ok := uuids[name]; ok && v.Set && !v.Null && !IsUUID(v.Value) {
			p.Add("invalid_string", "Invalid uuid", name)
		}
	}
	for _, name := range []string{"blockedByIssueIds", "labelIds"} {
		v := lists[name]
		if !v.Set {
			continue
		}
		if v.Null {
			p.Add("invalid_type", "Expected array, received null", name)
			continue
		}
		for i, id := range v.Value {
			if !IsUUID(id) {
				p.Add("invalid_string", "Invalid uuid", name, i)
			}
		}
	}
	if depth.Set {
		switch {
		case depth.Null:
			p.Add("invalid_type", "Expected number, received null", "requestDepth")
		case depth.Value < 0:
			p.Add("too_small", "Number must be greater than or equal to 0", "requestDepth")
		case depth.Value > maxRequestDepth:
			p.Add("too_big", "Number must be less than or equal to 1024", "requestDepth")
		}
	}
	if overrides.Set && !overrides.Null {
		validateAdapterOverrides(p, overrides.Value)
	}
}

// validateAdapterOverrides checks the strict {adapterConfig?: object, useProjectWorkspace?: bool}.
func validateAdapterOverrides(p *Problems, raw json.RawMessage) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		p.Add("invalid_type", "Expected object, received "+JSONKind(raw), "assigneeAdapterOverrides")
		return
	}
	var extra []string
	for k, v := range m {
		switch k {
		case "adapterConfig":
			if JSONKind(v) != "object" {
				p.Add("invalid_type", "Expected object, received "+JSONKind(v), "assigneeAdapterOverrides", "adapterConfig")
			}
		case "useProjectWorkspace":
			if JSONKind(v) != "boolean" {
				p.Add("invalid_type", "Expected boolean, received "+JSONKind(v), "assigneeAdapterOverrides", "useProjectWorkspace")
			}
		default:
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		p.Add("unrecognized_keys", "Unrecognized key(s) in object: '"+strings.Join(extra, "', '")+"'", "assigneeAdapterOverrides")
	}
}

// JSONKind names the JSON type of a raw value the way validation messages do
// ("Expected object, received array").
func JSONKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "undefined"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// Validate checks the create body (children fields included).
func (in *IssueInput) Validate() error {
	var p Problems
	if !in.Title.Set {
		p.Required("title")
	}
	issueFieldChecks(&p, in.Title, in.Status, in.Priority,
		map[string]Optional[string]{"projectId": in.ProjectID, "projectWorkspaceId": in.ProjectWorkspaceID, "goalId": in.GoalID, "parentId": in.ParentID},
		map[string]Optional[[]string]{"blockedByIssueIds": in.BlockedByIssueIDs, "labelIds": in.LabelIDs},
		in.RequestDepth, in.AssigneeAdapterOverrides)
	if v := in.IdempotencyKey; v.Set && !v.Null {
		k := strings.TrimSpace(v.Value)
		if k == "" {
			p.Add("too_small", "String must contain at least 1 character(s)", "idempotencyKey")
		} else if len(k) > maxIdempotentKey {
			p.Add("too_big", "String must contain at most 255 character(s)", "idempotencyKey")
		}
	}
	if v := in.AcceptanceCriteria; v.Set && !v.Null {
		if len(v.Value) > 20 {
			p.Add("too_big", "Array must contain at most 20 element(s)", "acceptanceCriteria")
		}
		for i, c := range v.Value {
			n := utf8.RuneCountInString(strings.TrimSpace(c))
			if n == 0 {
				p.Add("too_small", "String must contain at least 1 character(s)", "acceptanceCriteria", i)
			} else if n > 500 {
				p.Add("too_big", "String must contain at most 500 character(s)", "acceptanceCriteria", i)
			}
		}
	}
	p.Limits(in)
	return p.Err()
}

// Validate checks the PATCH body.
func (in *IssuePatch) Validate() error {
	var p Problems
	issueFieldChecks(&p, in.Title, in.Status, in.Priority,
		map[string]Optional[string]{"projectId": in.ProjectID, "projectWorkspaceId": in.ProjectWorkspaceID, "goalId": in.GoalID, "parentId": in.ParentID},
		map[string]Optional[[]string]{"blockedByIssueIds": in.BlockedByIssueIDs, "labelIds": in.LabelIDs},
		in.RequestDepth, in.AssigneeAdapterOverrides)
	if v := in.Comment; v.Set {
		if v.Null {
			p.Add("invalid_type", "Expected string, received null", "comment")
		} else if blank(v.Value) {
			p.Add("too_small", "String must contain at least 1 character(s)", "comment")
		} else if utf8.RuneCountInString(v.Value) > maxCommentBody {
			p.Add("too_big", "String must contain at most 100000 character(s)", "comment")
		}
	}
	if in.Reopen.Set && in.Reopen.Null {
		p.Add("invalid_type", "Expected boolean, received null", "reopen")
	}
	if v := in.HiddenAt; v.Set && !v.Null {
		if _, ok := NormalizeTime(v.Value); !ok {
			p.Add("invalid_string", "Invalid datetime", "hiddenAt")
		}
	}
	p.Limits(in)
	return p.Err()
}

// fieldCount counts the issue fields a patch names (comment excluded).
func (in *IssuePatch) fieldCount() int {
	n := 0
	for _, set := range []bool{in.Title.Set, in.Description.Set, in.Status.Set, in.Priority.Set, in.ProjectID.Set,
		in.ProjectWorkspaceID.Set, in.GoalID.Set, in.ParentID.Set, in.AssigneeAgentID.Set, in.AssigneeUserID.Set,
		in.BlockedByIssueIDs.Set, in.LabelIDs.Set, in.RequestDepth.Set, in.BillingCode.Set,
		in.AssigneeAdapterOverrides.Set, in.HiddenAt.Set, in.Reopen.Set && in.Reopen.Value} {
		if set {
			n++
		}
	}
	return n
}

var wsRe = regexp.MustCompile(`\s+`)

// NormalizeTitle is the dedupe form of a title: lower-cased, trimmed, whitespace runs
// collapsed to one space.
func NormalizeTitle(t string) string {
	return wsRe.ReplaceAllString(strings.ToLower(strings.TrimSpace(t)), " ")
}

var identifierRe = regexp.MustCompile(`^[A-Za-z]+-[0-9]+$`)

// IsIssueIdentifier reports whether s has the PREFIX-n shape of an issue identifier.
func IsIssueIdentifier(s string) bool { return identifierRe.MatchString(s) }

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		s = strings.ToLower(s)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
