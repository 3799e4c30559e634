package storetest

import (
	"fmt"
	"time"

	"paperclip/store"
)

// seedPlan is what every part of a seed must agree on, decided before any of them
// starts: the ids of the rows, who wrote each comment and when, and the search
// document ids. The seed's transaction and the builds beside it (seed_scratch.go)
// only read it.
type seedPlan struct {
	company, prefix                    string
	agents, projects, issues, comments []string
	// docBase is the largest issue_search_docs id before the seed: the i-th issue's
	// search document is docBase+i+1, then the comments' follow.
	docBase int64
	base    time.Time // the first row's time; rows spread over the 60 days after it
}

func newSeedPlan(c store.Company, spec LargeSpec, docBase int64) *seedPlan {
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = store.NewID()
		}
		return out
	}
	p := &seedPlan{company: c.ID, prefix: c.IssuePrefix, agents: ids(spec.Agents), projects: ids(spec.Projects),
		issues: ids(spec.Issues), docBase: docBase, base: time.Now().UTC().Add(-60 * 24 * time.Hour)}
	if len(p.issues) > 0 {
		p.comments = ids(spec.Comments)
	}
	return p
}

// at is the time of the i-th of n rows: spread over the 60 days, in creation order.
func (p *seedPlan) at(i, n int) string {
	return store.FormatTime(p.base.Add(time.Duration(float64(60*24*time.Hour) * float64(i) / float64(max(n, 1)))))
}

func (p *seedPlan) issueDoc(i int) int64      { return p.docBase + int64(i) + 1 }
func (p *seedPlan) commentDoc(i int) int64    { return p.docBase + int64(len(p.issues)) + int64(i) + 1 }
func (p *seedPlan) commentIssue(i int) string { return p.issues[(i*7919)%len(p.issues)] }

// commentAgent is the agent who wrote the i-th comment, or "" for the board's user
// (every third comment, and all of them in a company without agents).
func (p *seedPlan) commentAgent(i int) string {
	if len(p.agents) == 0 || i%3 == 0 {
		return ""
	}
	return p.agents[i%len(p.agents)]
}

// activityColumns are the seeded activity rows' columns, in activityRow's order.
const activityColumns = `id, company_id, actor_type, actor_id, action, entity_type, entity_id, agent_id, details, created_at`

// activityRow is the i-th seeded activity row: issue.created for each issue, then
// issue.comment_added for each comment.
func (p *seedPlan) activityRow(i int) []any {
	if i < len(p.issues) {
		return []any{store.NewID(), p.company, "user", store.LocalBoardUserID, "issue.created", "issue", p.issues[i], nil,
			fmt.Sprintf(`{"title":%q,"identifier":%q}`, seedTitle(i), seedIdentifier(p.prefix, i)), p.at(i, len(p.issues))}
	}
	i -= len(p.issues)
	actorType, actorID, agent := "user", store.LocalBoardUserID, any(nil)
	if a := p.commentAgent(i); a != "" {
		actorType, actorID, agent = "agent", a, a
	}
	return []any{store.NewID(), p.company, actorType, actorID, "issue.comment_added", "issue", p.commentIssue(i), agent,
		fmt.Sprintf(`{"commentId":%q}`, p.comments[i]), p.at(i, len(p.comments))}
}

// The seeded texts, each a pure function of its row's index.
func seedTitle(i int) string                     { return sentence(i, 6) }
func seedDescription(i int) string               { return sentence(i*7+3, 30) }
func seedComment(i int) string                   { return sentence(i*13+1, 12) }
func seedIdentifier(prefix string, i int) string { return fmt.Sprintf("%s-%d", prefix, i+1) }
