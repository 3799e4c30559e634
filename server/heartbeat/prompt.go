package heartbeat

import (
	"fmt"
	"regexp"
	"strings"

	"paperclip/store"
)

// DefaultPromptTemplate is the prompt of agents without a promptTemplate (§15.2).
const DefaultPromptTemplate = `You are {{agent.name}}, an AI agent ({{agent.role}}) at {{company.name}}, coordinated by Paperclip.
Agent id {{agent.id}}, heartbeat run {{run.id}}, woken because: {{context.wakeReason}}.
Follow the paperclip skill: handle what this wake is about, work only on issues assigned to you,
record progress as issue comments, and exit when done.`

var placeholderRe = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// RenderTemplate replaces {{dotted.path}} with the value at that path of vars;
// unknown paths render empty. There is no logic: templates are data.
func RenderTemplate(tpl string, vars map[string]any) string {
	return placeholderRe.ReplaceAllStringFunc(tpl, func(m string) string {
		path := placeholderRe.FindStringSubmatch(m)[1]
		var cur any = vars
		for _, part := range strings.Split(path, ".") {
			obj, ok := cur.(map[string]any)
			if !ok {
				return ""
			}
			cur = obj[part]
		}
		switch v := cur.(type) {
		case nil:
			return ""
		case string:
			return v
		case float64:
			if v == float64(int64(v)) {
				return fmt.Sprint(int64(v))
			}
		}
		if _, ok := cur.(map[string]any); ok {
			return ""
		}
		return fmt.Sprint(cur)
	})
}

// WakePayload is what the agent is told about why it woke (§15.1).
type WakePayload struct {
	Reason    *string             `json:"reason"`
	Source    *string             `json:"source"`
	Issue     *store.WakeIssue    `json:"issue"`
	Comments  []store.WakeComment `json:"comments"`
	Approval  *store.WakeApproval `json:"approval"`
	Truncated bool                `json:"truncated"`
}

// Bounds of the wake payload's comments.
const (
	wakeMaxComments     = 8
	wakeMaxCommentChars = 4000
	wakeMaxTotalChars   = 12000
)

// boundComments keeps at most 8 comments, each body ≤ 4000 characters and all ≤
// 12000, marking cuts; it reports whether anything was cut.
func boundComments(in []store.WakeComment) ([]store.WakeComment, bool) {
	cut := false
	if len(in) > wakeMaxComments {
		in, cut = in[len(in)-wakeMaxComments:], true
	}
	out := make([]store.WakeComment, 0, len(in))
	total := 0
	for _, c := range in {
		r := []rune(c.Body)
		if len(r) > wakeMaxCommentChars {
			c.Body, c.BodyTruncated, cut = string(r[:wakeMaxCommentChars]), true, true
			r = r[:wakeMaxCommentChars]
		}
		if total+len(r) > wakeMaxTotalChars {
			room := max(wakeMaxTotalChars-total, 0)
			c.Body, c.BodyTruncated, cut = string(r[:room]), true, true
			r = r[:room]
		}
		total += len(r)
		out = append(out, c)
	}
	return out, cut
}

// WakeSection is the markdown appended to every prompt (§15.2).
func WakeSection(p WakePayload) string {
	var b strings.Builder
	b.WriteString("## Paperclip wake\n\n")
	reason := "(none)"
	if p.Reason != nil && *p.Reason != "" {
		reason = *p.Reason
	}
	fmt.Fprintf(&b, "Reason: %s\n", reason)
	if p.Issue != nil {
		fmt.Fprintf(&b, "Issue: %s — %s (%s)\n", p.Issue.Identifier, p.Issue.Title, p.Issue.Status)
	}
	for _, c := range p.Comments {
		author := c.AuthorType
		if c.AuthorAgentID != nil {
			author += " " + *c.AuthorAgentID
		} else if c.AuthorUserID != nil {
			author += " " + *c.AuthorUserID
		}
		fmt.Fprintf(&b, "\nComment by %s at %s:\n", author, c.CreatedAt)
		for _, line := range strings.Split(c.Body, "\n") {
			b.WriteString("> " + line + "\n")
		}
	}
	if p.Approval != nil {
		fmt.Fprintf(&b, "Approval: %s %s\n", p.Approval.Type, p.Approval.Status)
	}
	switch {
	case p.Issue != nil:
		fmt.Fprintf(&b, "\nFull details: GET $PAPERCLIP_API_URL/api/issues/%s\n", p.Issue.ID)
	case p.Approval != nil:
		fmt.Fprintf(&b, "\nFull details: GET $PAPERCLIP_API_URL/api/approvals/%s\n", p.Approval.ID)
	default:
		b.WriteString("\nFull details: GET $PAPERCLIP_API_URL/api/agents/me/inbox-lite\n")
	}
	return b.String()
}
