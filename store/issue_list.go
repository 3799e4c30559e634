package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
)

// IssueRow is one entry of the company issue list: the issue (description cut to
// 1200 characters) with its live run and, for user-context lists, read state.
type IssueRow struct {
	Issue
	ActiveRun *RunSummary `json:"activeRun"`
	user      *IssueUserContext
}

// IssueUserContext is the per-user read state of a list row (issues.md §14).
type IssueUserContext struct {
	MyLastTouchAt         *string `json:"myLastTouchAt"`
	LastExternalCommentAt *string `json:"lastExternalCommentAt"`
	IsUnreadForMe         bool    `json:"isUnreadForMe"`
}

// UserContext returns the row's read state, or nil when the list had no user context.
func (r IssueRow) UserContext() *IssueUserContext { return r.user }

// MarshalJSON adds the user-context keys only to lists that have a user context.
func (r IssueRow) MarshalJSON() ([]byte, error) {
	type plain IssueRow
	b, err := json.Marshal(plain(r))
	if err != nil || r.user == nil {
		return b, err
	}
	extra, err := json.Marshal(r.user)
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], ','), extra[1:]...), nil
}

// IssueFilter selects issues of one company (issues.md §3). Empty fields do not filter.
type IssueFilter struct {
	CompanyID  string
	Statuses   []string
	Priorities []string
	// AssigneeAgent is a UUID, an agent shortname, or "null" for no agent assignee.
	AssigneeAgent   string
	AssigneeUserID  string
	TouchedByUserID string
	UnreadForUserID string
	ProjectID       string
	GoalID          string
	LabelID         string
	// ApprovalID lists the issues linked to an approval.
	ApprovalID string
	// ParentID lists direct children; ParentNull lists root issues.
	ParentID      string
	ParentNull    bool
	DescendantOf  string // issue id or identifier
	Q             string
	IncludeHidden bool
	SortField     string // priority (default), updated, created
	SortDir       string // asc, desc
	Limit, Offset int
	// scanSearch makes Q scan with LIKE even where the index could answer, so tests
	// can check the index answers exactly as the scan does; searchPlan, when set,
	// receives the statements of a ranked search, so a test can check their plans.
	scanSearch bool
	searchPlan *[]searchQuery
}

const maxListDescription = 1200

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// FindIssues lists issues with the filters, search ranking and order of issues.md §3.
func (s *Store) FindIssues(ctx context.Context, f IssueFilter) ([]IssueRow, error) {
	query, all, userContext, err := s.issueListQuery(ctx, f)
	if err != nil {
		return nil, err
	}
	if query == "" {
		return []IssueRow{}, nil
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	out, err := queryIssueRows(ctx, s.reader, userContext, limit, query, all...)
	if err != nil {
		return nil, err
	}
	if err := loadLiveRuns(ctx, s.reader, out); err != nil {
		return nil, err
	}
	ptrs := make([]*Issue, len(out))
	for i := range out {
		ptrs[i] = &out[i].Issue
	}
	return out, loadIssueLabels(ctx, s.reader, ptrs)
}

// issueListQuery builds the list query of f and its arguments; an empty query means
// the filter names nothing (an unknown parent), so the list is empty. It is separate
// so the query-plan test can check every filter combination reads through an index.
func (s *Store) issueListQuery(ctx context.Context, f IssueFilter) (query string, args []any, userContext bool, err error) {
	where := []string{"i.company_id = ?"}
	args = []any{f.CompanyID}
	with := ""
	var withArgs []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		a := make([]any, len(vals))
		for i, v := range vals {
			a[i] = v
		}
		add(col+" IN ("+placeholders(len(vals))+")", a...)
	}
	in("i.status", f.Statuses)
	in("i.priority", f.Priorities)
	switch a := f.AssigneeAgent; {
	case a == "":
	case a == "null":
		add("i.assignee_agent_id IS NULL")
	case IsUUID(a):
		add("i.assignee_agent_id = ?", strings.ToLower(a))
	default:
		ag, err := findAgentByKey(ctx, s.reader, f.CompanyID, a)
		if err == sql.ErrNoRows {
			return "", nil, false, Errorf(EUNPROCESSABLE, "assigneeAgentId must be a UUID or 'null'")
		}
		if err != nil {
			return "", nil, false, err
		}
		add("i.assignee_agent_id = ?", ag.ID)
	}
	if f.AssigneeUserID != "" {
		add("i.assignee_user_id = ?", f.AssigneeUserID)
	}
	// One agent's issues are a few dozen, a project's thousands, yet without statistics
	// SQLite rates the two-column project index above the agent's four-column one (the
	// status IN list counts as several searches) and reads every issue of the project:
	// 11 ms instead of 0.3 at 100 000 issues. The unary + takes the project term off
	// its index when an agent is named.
	agentNamed := f.AssigneeAgent != "" && f.AssigneeAgent != "null"
	for col, v := range map[string]string{"i.project_id": f.ProjectID, "i.goal_id": f.GoalID} {
		if v != "" {
			if col == "i.project_id" && agentNamed {
				col = "+" + col
			}
			add(col+" = ?", strings.ToLower(v))
		}
	}
	if f.LabelID != "" {
		add("EXISTS (SELECT 1 FROM issue_labels il WHERE il.issue_id = i.id AND il.label_id = ?)", strings.ToLower(f.LabelID))
	}
	if f.ApprovalID != "" {
		add("EXISTS (SELECT 1 FROM issue_approvals ia WHERE ia.issue_id = i.id AND ia.approval_id = ?)", strings.ToLower(f.ApprovalID))
	}
	if f.ParentNull {
		add("i.parent_id IS NULL")
	} else if f.ParentID != "" {
		p, err := findIssue(ctx, s.reader, f.ParentID)
		if err != nil {
			return "", nil, false, nil
		}
		add("i.parent_id = ?", p.ID)
	}
	if f.DescendantOf != "" {
		root, err := findIssue(ctx, s.reader, f.DescendantOf)
		if err != nil || root.CompanyID != f.CompanyID {
			return "", nil, false, nil
		}
		// The company term lets both steps search issues_company_parent_idx (a tree
		// never leaves its company); CROSS JOIN keeps the queue as the outer loop.
		with = `WITH RECURSIVE descendants(id) AS (SELECT id FROM issues WHERE company_id = ? AND parent_id = ?
			UNION SELECT c.id FROM descendants d CROSS JOIN issues c ON c.company_id = ? AND c.parent_id = d.id) `
		withArgs = append(withArgs, f.CompanyID, root.ID, f.CompanyID)
		add("i.id IN (SELECT id FROM descendants)")
	}
	if !f.IncludeHidden {
		add("i.hidden_at IS NULL")
	}
	user := f.UnreadForUserID
	if user == "" {
		user = f.TouchedByUserID
	}
	// Every comment and read-state subquery names the issue's company: their indexes
	// lead with company_id, and without it each listed issue scanned the whole table
	// (TestIssueListFilterPlansUseIndexes).
	const (
		touchCreated  = `(CASE WHEN i.created_by_user_id = ? THEN i.created_at END)`
		touchComment  = `(SELECT max(c.created_at) FROM issue_comments c WHERE c.company_id = i.company_id AND c.issue_id = i.id AND c.author_user_id = ?)`
		touchRead     = `(SELECT rs.last_read_at FROM issue_read_states rs WHERE rs.company_id = i.company_id AND rs.issue_id = i.id AND rs.user_id = ?)`
		externalComnt = `(SELECT max(c.created_at) FROM issue_comments c WHERE c.company_id = i.company_id AND c.issue_id = i.id AND (c.author_user_id IS NULL OR c.author_user_id <> ?))`
	)
	touched := `(i.created_by_user_id = ? OR i.assignee_user_id = ? OR
		EXISTS (SELECT 1 FROM issue_comments c WHERE c.company_id = i.company_id AND c.issue_id = i.id AND c.author_user_id = ?) OR
		EXISTS (SELECT 1 FROM issue_read_states rs WHERE rs.company_id = i.company_id AND rs.issue_id = i.id AND rs.user_id = ?))`
	if f.TouchedByUserID != "" || f.UnreadForUserID != "" {
		add(touched, user, user, user, user)
	}
	if f.UnreadForUserID != "" {
		add(externalComnt+` IS NOT NULL AND coalesce(`+touchCreated+`, '') < `+externalComnt+
			` AND coalesce(`+touchComment+`, '') < `+externalComnt+` AND coalesce(`+touchRead+`, '') < `+externalComnt,
			user, user, user, user, user, user, user)
	}
	selective := f.AssigneeAgent != "" || f.AssigneeUserID != "" || f.ProjectID != "" || f.GoalID != "" || f.ParentID != ""
	var orderArgs []any
	order := ""
	dir := strings.ToUpper(f.SortDir)
	switch f.SortField {
	case "updated", "created":
		if dir == "" {
			dir = "DESC"
		}
		col := "i.updated_at"
		if f.SortField == "created" {
			col = "i.created_at"
		}
		// Ids are UUIDv7, so the id tie-break runs in the timestamp's direction: rows
		// stamped in the same millisecond still come newest first under desc.
		order = col + " " + dir + ", i.id " + dir
	default:
		if dir == "" {
			dir = "ASC"
		}
		// The index issues_company_rank_updated_idx keeps id ascending; SQLite still reads
		// in its order and sorts only rows that tie on rank and updated_at.
		rank := priorityRankSQL("i.priority")
		if selective {
			// A filter on an indexed column (assignee, project, goal, parent) is better
			// served by its own index and a sort of the few rows it finds; without
			// statistics SQLite otherwise walks the rank index through every issue of
			// the company to fill the page. The unary + makes the term no longer match
			// the rank index, so the planner picks the filter's index.
			rank = "+" + rank
		}
		order = rank + " " + dir + ", i.updated_at DESC, i.id DESC"
	}
	limit, offset := f.Limit, f.Offset
	if limit <= 0 {
		limit = 500
	}
	from := "issues i"
	if q := strings.TrimSpace(f.Q); q != "" {
		lq := likeEscaper.Replace(strings.ToLower(q))
		pat, prefix := "%"+lq+"%", lq+"%"
		ranked := f.SortField == "" || f.SortField == "priority"
		phrase, indexed := searchPhrase(q)
		indexed = indexed && !f.scanSearch
		switch {
		case indexed && ranked:
			// Field by field, best rank first, until the page is full (issue_search.go);
			// the list query then reads the page's rows in that order.
			r := rankedSearch{with: with, withArgs: withArgs, filters: strings.Join(where, " AND "), args: args, order: order,
				phrase: phrase, pat: pat, prefix: prefix, need: offset + limit, plan: f.searchPlan,
				companyIssues: func() (n int, err error) {
					err = s.reader.QueryRowContext(ctx, `SELECT issue_counter FROM companies WHERE id = ?`, f.CompanyID).Scan(&n)
					return n, err
				}}
			ids, err := r.run(ctx, s)
			if err != nil {
				return "", nil, false, err
			}
			if offset >= len(ids) {
				return "", nil, false, nil
			}
			with, withArgs = searchPageCTE, []any{searchPageJSON(ids[offset:])}
			from = "page p CROSS JOIN issues i ON i.id = p.id"
			where, args = []string{"i.company_id = ?"}, []any{f.CompanyID}
			order, offset = "p.pos", 0
		case indexed:
			add(searchAnyCondition, searchAnyArgs(phrase, pat)...)
		default:
			add(`(lower(i.title) LIKE ? ESCAPE '\' OR lower(i.identifier) LIKE ? ESCAPE '\' OR lower(coalesce(i.description, '')) LIKE ? ESCAPE '\'
			OR EXISTS (SELECT 1 FROM issue_comments c WHERE c.company_id = i.company_id AND c.issue_id = i.id AND lower(c.body) LIKE ? ESCAPE '\'))`, pat, pat, pat, pat)
			if ranked {
				order = `CASE WHEN lower(i.title) LIKE ? ESCAPE '\' THEN 0 WHEN lower(i.title) LIKE ? ESCAPE '\' THEN 1
				WHEN lower(i.identifier) LIKE ? ESCAPE '\' THEN 2 WHEN lower(i.identifier) LIKE ? ESCAPE '\' THEN 3
				WHEN lower(coalesce(i.description, '')) LIKE ? ESCAPE '\' THEN 4 ELSE 5 END, ` + order
				orderArgs = append(orderArgs, prefix, pat, prefix, pat, pat)
			}
		}
	}
	// Cut descriptions in SQL: scanning each in full only to keep 1200 characters made
	// every list row cost its whole description in transient memory. The live run is
	// not joined here but read for the rows that have one (loadLiveRuns).
	cols := strings.Replace(issueColumns, "i.description,", listDescriptionSQL("i.description")+",", 1)
	var colArgs []any
	if user != "" {
		cols += ", " + touchCreated + ", " + touchComment + ", " + touchRead + ", " + externalComnt
		colArgs = append(colArgs, user, user, user, user)
	}
	query = with + `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	all := append(append(append(append(withArgs, colArgs...), args...), orderArgs...), limit, offset)
	return query, all, user != "", nil
}
