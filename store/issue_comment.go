package store

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Comment is one issue comment (issues.md §9).
type Comment struct {
	ID             string  `json:"id"`
	CompanyID      string  `json:"companyId"`
	IssueID        string  `json:"issueId"`
	AuthorAgentID  *string `json:"authorAgentId"`
	AuthorUserID   *string `json:"authorUserId"`
	AuthorType     string  `json:"authorType"`
	CreatedByRunID *string `json:"createdByRunId"`
	Body           string  `json:"body"`
	CreatedAt      string  `json:"createdAt"`
	UpdatedAt      string  `json:"updatedAt"`
}

// CommentInput is the POST comment body.
type CommentInput struct {
	Body      Optional[string] `json:"body" limit:"100000"`
	Reopen    Optional[bool]   `json:"reopen"`
	Interrupt Optional[bool]   `json:"interrupt"`
}

// Validate checks the comment body: non-blank, at most 100000 characters.
func (in *CommentInput) Validate() error {
	var p Problems
	switch {
	case !in.Body.Set:
		p.Required("body")
	case in.Body.Null:
		p.Add("invalid_type", "Expected string, received null", "body")
	case blank(in.Body.Value):
		p.Add("too_small", "String must contain at least 1 character(s)", "body")
	case utf8.RuneCountInString(in.Body.Value) > maxCommentBody:
		p.Add("too_big", "String must contain at most 100000 character(s)", "body")
	}
	for name, v := range map[string]Optional[bool]{"reopen": in.Reopen, "interrupt": in.Interrupt} {
		if v.Set && v.Null {
			p.Add("invalid_type", "Expected boolean, received null", name)
		}
	}
	p.Limits(in)
	return p.Err()
}

var (
	fencedCodeRe = regexp.MustCompile("(?s)(```|~~~).*?(```|~~~|$)")
	inlineCodeRe = regexp.MustCompile("`[^`\n]*`")
	agentLinkRe  = regexp.MustCompile(`\]\(agent://([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\)`)
	atTokenRe    = regexp.MustCompile(`(^|[\s(\[])@([A-Za-z0-9][A-Za-z0-9_-]*)`)
)

// ExtractMentions finds the agent references of a comment body (issues.md §9): ids of
// agent:// markdown links and @tokens (lower-cased), outside fenced and inline code,
// each deduplicated in order of appearance. Resolution against agents happens later.
func ExtractMentions(body string) (ids, tokens []string) {
	text := fencedCodeRe.ReplaceAllString(body, " ")
	text = inlineCodeRe.ReplaceAllString(text, " ")
	seen := map[string]bool{}
	for _, m := range agentLinkRe.FindAllStringSubmatch(text, -1) {
		id := strings.ToLower(m[1])
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	seen = map[string]bool{}
	// The pattern consumes the character before "@", so adjacent mentions ("@a @b")
	// need a second pass over what the first match swallowed; scan by index instead.
	for i := 0; i < len(text); {
		loc := atTokenRe.FindStringSubmatchIndex(text[i:])
		if loc == nil {
			break
		}
		tok := strings.ToLower(text[i+loc[4] : i+loc[5]])
		if !seen[tok] {
			seen[tok] = true
			tokens = append(tokens, tok)
		}
		i += loc[5]
	}
	return ids, tokens
}

// resolveMentions maps extracted references to agents of the company that can be
// woken (not terminated or pending approval), excluding the commenter.
func (tx *Tx) resolveMentions(companyID, body string) ([]string, error) {
	ids, tokens := ExtractMentions(body)
	if len(ids) == 0 && len(tokens) == 0 {
		return nil, nil
	}
	agents, err := queryAll(tx.ctx, tx, scanIDPair, `SELECT id, url_key FROM agents WHERE company_id = ? AND status NOT IN ('terminated', 'pending_approval')`, companyID)
	if err != nil {
		return nil, err
	}
	byID, byKey := map[string]bool{}, map[string]string{}
	for _, a := range agents {
		id, key := a[0], a[1]
		byID[id] = true
		byKey[strings.ToLower(key)] = id
	}
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if id == "" || seen[id] || (tx.actor.IsAgent() && id == tx.actor.AgentID) {
			return
		}
		seen[id] = true
		out = append(out, id)
	}
	for _, id := range ids {
		if byID[id] {
			add(id)
		}
	}
	for _, t := range tokens {
		add(byKey[t])
	}
	return out, nil
}

const commentColumns = `id, company_id, issue_id, author_agent_id, author_user_id, author_type, created_by_run_id, body, created_at, updated_at`

func scanComment(sc scanner) (Comment, error) {
	var c Comment
	var agent, user, run nullString
	err := sc.Scan(&c.ID, &c.CompanyID, &c.IssueID, &agent, &user, &c.AuthorType, &run, &c.Body, &c.CreatedAt, &c.UpdatedAt)
	c.AuthorAgentID, c.AuthorUserID, c.CreatedByRunID = strPtr(agent), strPtr(user), strPtr(run)
	return c, err
}

// commentEffects are the extras of a comment written together with other changes.
type commentEffects struct {
	reopenedFrom     string // set when this comment reopened the issue
	interruptedRunID string
	viaPatch         bool
}

// addComment writes a comment on is (already in its final state), its mentions, its
// activity row and its wakes.
func (tx *Tx) addComment(is *Issue, body string, fx commentEffects) (Comment, error) {
	now := tx.Now()
	c := Comment{ID: NewID(), CompanyID: is.CompanyID, IssueID: is.ID, Body: body, CreatedAt: now, UpdatedAt: now}
	switch tx.actor.Kind {
	case ActorAgent:
		c.AuthorType = "agent"
		id := tx.actor.AgentID
		c.AuthorAgentID = &id
	case ActorBoard:
		c.AuthorType = "user"
		id := tx.actor.UserID
		c.AuthorUserID = &id
	default:
		c.AuthorType = "system"
	}
	if tx.actor.RunID != "" {
		run := tx.actor.RunID
		c.CreatedByRunID = &run
	}
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_comments (`+commentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.CompanyID, c.IssueID, nullStr(c.AuthorAgentID), nullStr(c.AuthorUserID), c.AuthorType,
		nullStr(c.CreatedByRunID), c.Body, c.CreatedAt, c.UpdatedAt); err != nil {
		return c, err
	}
	mentioned, err := tx.resolveMentions(is.CompanyID, body)
	if err != nil {
		return c, err
	}
	for _, agentID := range mentioned {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_comment_mentions (company_id, comment_id, issue_id, agent_id, created_at)
			VALUES (?, ?, ?, ?, ?)`, is.CompanyID, c.ID, is.ID, agentID, now); err != nil {
			return c, err
		}
	}
	if err := tx.touchIssue(is.ID); err != nil {
		return c, err
	}
	is.UpdatedAt = now
	details := map[string]any{"commentId": c.ID, "bodySnippet": truncateRunes(body, 120), "identifier": is.Identifier, "issueTitle": activityTitle(is.Title)}
	if fx.reopenedFrom != "" {
		details["reopened"], details["reopenedFrom"] = true, fx.reopenedFrom
	}
	if fx.interruptedRunID != "" {
		details["interruptedRunId"] = fx.interruptedRunID
	}
	if fx.viaPatch {
		details["updated"] = true
	}
	if err := tx.logActivity(is.CompanyID, "issue.comment_added", "issue", is.ID, details); err != nil {
		return c, err
	}
	tx.commentWakes(is, c, mentioned, fx)
	return c, nil
}

// commentWakes: the assignee agent unless it wrote the comment or the issue is in
// backlog or closed; every mentioned agent.
func (tx *Tx) commentWakes(is *Issue, c Comment, mentioned []string, fx commentEffects) {
	for _, id := range mentioned {
		tx.wake(Wake{CompanyID: is.CompanyID, AgentID: id, Source: WakeSourceAutomation, Reason: WakeIssueCommentMentioned,
			IssueID: is.ID, CommentID: c.ID})
	}
	a := is.AssigneeAgentID
	if a == nil || (tx.actor.IsAgent() && tx.actor.AgentID == *a) || is.Status == IssueBacklog || IsClosedStatus(is.Status) {
		return
	}
	reason := WakeIssueCommented
	if fx.reopenedFrom != "" {
		reason = WakeIssueReopenedViaComment
	}
	payload := map[string]any{}
	if fx.interruptedRunID != "" {
		payload["interruptedRunId"] = fx.interruptedRunID
	}
	tx.wake(Wake{CompanyID: is.CompanyID, AgentID: *a, Source: WakeSourceAutomation, Reason: reason,
		IssueID: is.ID, CommentID: c.ID, Payload: payload})
}

// CreateComment adds a comment by the context's actor (issues.md §9), with the
// optional board reopen and interrupt.
func (s *Store) CreateComment(ctx context.Context, issueKey string, in CommentInput) (Comment, error) {
	if err := in.Validate(); err != nil {
		return Comment{}, err
	}
	var c Comment
	err := s.write(ctx, func(tx *Tx) error {
		is, err := tx.loadIssue(issueKey)
		if err != nil {
			return err
		}
		if in.Interrupt.Value && !tx.actor.IsBoard() {
			return Errorf(EFORBIDDEN, "Only board users can interrupt active runs from issue comments")
		}
		// An agent may comment anywhere in its company, but on its own running issue it
		// must own the checkout.
		if tx.actor.IsAgent() && is.AssigneeAgentID != nil && *is.AssigneeAgentID == tx.actor.AgentID {
			if err := tx.enforceAgentWrite(&is, false); err != nil {
				return err
			}
		}
		var fx commentEffects
		if in.Reopen.Value && IsClosedStatus(is.Status) {
			if !tx.actor.IsBoard() {
				return &Error{Code: EUNPROCESSABLE, Message: "Only board users can reopen closed issues", Tag: "invalid_status_transition"}
			}
			from := is.Status
			applyStatus(&is, IssueTodo, tx.Now())
			is.UpdatedAt = tx.Now()
			if err := tx.writeIssue(&is); err != nil {
				return err
			}
			if err := tx.logActivity(is.CompanyID, "issue.updated", "issue", is.ID, map[string]any{
				"status": IssueTodo, "reopened": true, "reopenedFrom": from, "source": "comment", "identifier": is.Identifier}); err != nil {
				return err
			}
			fx.reopenedFrom = from
		}
		if in.Interrupt.Value {
			if fx.interruptedRunID, err = tx.cancelIssueRun(&is, "Interrupted by board comment"); err != nil {
				return err
			}
		}
		c, err = tx.addComment(&is, in.Body.Value, fx)
		return err
	})
	return c, err
}

// CommentFilter selects comments of one issue.
type CommentFilter struct {
	IssueID string
	Desc    bool
	After   string // comment id anchor; only later comments
	Limit   int    // 0 = all
}

// FindComments lists an issue's comments in the requested order; an unknown anchor
// gives an empty list.
func (s *Store) FindComments(ctx context.Context, f CommentFilter) ([]Comment, error) {
	args := []any{f.IssueID}
	if f.After != "" {
		var at, id string
		err := s.reader.QueryRowContext(ctx, `SELECT created_at, id FROM issue_comments WHERE id = ? AND issue_id = ?`, strings.ToLower(f.After), f.IssueID).Scan(&at, &id)
		if err == sql.ErrNoRows {
			return []Comment{}, nil
		}
		if err != nil { // a failing database is not an unknown anchor
			return nil, err
		}
		args = append(args, at, at, id)
	}
	if f.Limit > 0 {
		args = append(args, f.Limit)
	}
	return queryAll(ctx, s.reader, scanComment, commentListSQL(f.Desc, f.After != "", f.Limit > 0), args...)
}

// commentListSQL is FindComments' query (args: the issue; with after, the anchor's
// created_at twice and its id; with limit, the limit). The issue's comment index
// (issue_id, created_at, id) gives the rows in order, so a page reads only its rows.
func commentListSQL(desc, after, limit bool) string {
	q := `SELECT ` + commentColumns + ` FROM issue_comments WHERE issue_id = ?`
	if after {
		q += ` AND (created_at > ? OR (created_at = ? AND id > ?))`
	}
	if desc {
		q += ` ORDER BY created_at DESC, id DESC`
	} else {
		q += ` ORDER BY created_at, id`
	}
	if limit {
		q += ` LIMIT ?`
	}
	return q
}

// FindCommentByID returns one comment of an issue, or "Comment not found".
func (s *Store) FindCommentByID(ctx context.Context, issueID, commentID string) (Comment, error) {
	c, err := scanComment(s.reader.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM issue_comments WHERE id = ? AND issue_id = ?`,
		strings.ToLower(commentID), issueID))
	return c, translate(err, "Comment")
}
