package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
)

// agentColumns reads spentMonthlyCents from the agent's month rollup, as companySelect
// does; its two arguments are the MonthWindow bounds.
const agentColumns = `a.id, a.company_id, a.name, a.url_key, a.role, a.title, a.icon, a.status, a.reports_to, a.capabilities,
	a.adapter_type, a.adapter_config, a.runtime_config, a.budget_monthly_cents,
	(SELECT COALESCE(SUM(r.cost_cents), 0) FROM cost_rollups r WHERE r.company_id = a.company_id AND r.scope_type = 'agent'
		AND r.scope_id = a.id AND r.period = substr(?, 1, 7) AND ? > r.period),
	a.pause_reason, a.paused_at, a.error_reason, a.permissions, a.last_heartbeat_at, a.metadata, a.created_at, a.updated_at`

const agentSelect = `SELECT ` + agentColumns + ` FROM agents a`

func scanAgent(sc scanner) (Agent, error) { return scanAgentWith(sc) }

// scanAgentWith reads agentColumns, then any extra columns a query selects after them.
func scanAgentWith(sc scanner, extra ...any) (Agent, error) {
	var a Agent
	var title, icon, reportsTo, caps, pauseReason, pausedAt, errReason, lastHB, metadata sql.NullString
	var adapterCfg, runtimeCfg, perms string
	err := sc.Scan(append([]any{&a.ID, &a.CompanyID, &a.Name, &a.URLKey, &a.Role, &title, &icon, &a.Status, &reportsTo, &caps,
		&a.AdapterType, &adapterCfg, &runtimeCfg, &a.BudgetMonthlyCents, &a.SpentMonthlyCents,
		&pauseReason, &pausedAt, &errReason, &perms, &lastHB, &metadata, &a.CreatedAt, &a.UpdatedAt}, extra...)...)
	if err != nil {
		return a, err
	}
	a.Title, a.Icon, a.ReportsTo, a.Capabilities = strPtr(title), strPtr(icon), strPtr(reportsTo), strPtr(caps)
	a.PauseReason, a.PausedAt, a.ErrorReason, a.LastHeartbeatAt = strPtr(pauseReason), strPtr(pausedAt), strPtr(errReason), strPtr(lastHB)
	a.AdapterConfig = decodeObject(adapterCfg)
	a.RuntimeConfig = decodeObject(runtimeCfg)
	json.Unmarshal([]byte(perms), &a.Permissions)
	if metadata.Valid {
		var m map[string]any
		if json.Unmarshal([]byte(metadata.String), &m) == nil {
			a.Metadata = m
		}
	}
	return a, nil
}

func (s *Store) findAgent(ctx context.Context, q querier, id string) (Agent, error) {
	start, end := MonthWindow(s.Now())
	a, err := scanAgent(q.QueryRowContext(ctx, agentSelect+` WHERE a.id = ?`, start, end, id))
	return a, translate(err, "Agent")
}

// FindAgentByID returns one agent or "Agent not found".
func (s *Store) FindAgentByID(ctx context.Context, id string) (Agent, error) {
	if !IsUUID(id) {
		return Agent{}, NotFound("Agent")
	}
	return s.findAgent(ctx, s.reader, id)
}

// FindAgentByShortname resolves a url key among the live (not terminated) agents of a
// company (README §7).
func (s *Store) FindAgentByShortname(ctx context.Context, companyID, shortname string) (Agent, error) {
	key := URLKey(shortname)
	if key == "" {
		key = strings.ToLower(strings.TrimSpace(shortname))
	}
	start, end := MonthWindow(s.Now())
	found, err := queryAll(ctx, s.reader, scanAgent, agentSelect+` WHERE a.company_id = ? AND a.url_key = ? AND a.status <> 'terminated'
		ORDER BY a.created_at, a.id LIMIT 2`, start, end, companyID, key)
	if err != nil {
		return Agent{}, err
	}
	switch len(found) {
	case 0:
		return Agent{}, NotFound("Agent")
	case 1:
		return found[0], nil
	}
	return Agent{}, Errorf(ECONFLICT, "Agent shortname is ambiguous in this company. Use the agent ID.")
}

// FindAgents lists a company's agents oldest first.
func (s *Store) FindAgents(ctx context.Context, f AgentFilter) ([]Agent, error) {
	start, end := MonthWindow(s.Now())
	query := agentSelect + ` WHERE a.company_id = ?`
	args := []any{start, end, f.CompanyID}
	if !f.IncludeTerminated {
		query += ` AND a.status <> 'terminated'`
	}
	query += ` ORDER BY a.created_at, a.id`
	paging, pagingArgs := limitOffset(f.Limit, f.Offset)
	query += paging
	args = append(args, pagingArgs...)
	return queryAll(ctx, s.reader, scanAgent, query, args...)
}

// FindAgentDetail returns the detail view of an agent.
func (s *Store) FindAgentDetail(ctx context.Context, id string) (AgentDetail, error) {
	a, err := s.FindAgentByID(ctx, id)
	if err != nil {
		return AgentDetail{}, err
	}
	return s.AgentDetailOf(ctx, a)
}

// AgentDetailOf adds the chain of command and access summary to a loaded agent.
func (s *Store) AgentDetailOf(ctx context.Context, a Agent) (AgentDetail, error) {
	d := AgentDetail{Agent: a, ChainOfCommand: []ChainEntry{}}
	seen := map[string]bool{a.ID: true}
	next := a.ReportsTo
	for next != nil && len(d.ChainOfCommand) < 50 && !seen[*next] {
		seen[*next] = true
		var e ChainEntry
		var title, up sql.NullString
		err := s.reader.QueryRowContext(ctx, `SELECT id, name, role, title, reports_to FROM agents WHERE id = ? AND company_id = ?`,
			*next, a.CompanyID).Scan(&e.ID, &e.Name, &e.Role, &title, &up)
		if err == sql.ErrNoRows {
			break
		}
		if err != nil {
			return d, err
		}
		e.Title = strPtr(title)
		d.ChainOfCommand = append(d.ChainOfCommand, e)
		next = strPtr(up)
	}
	grant, err := s.principalHasGrant(ctx, s.reader, a.CompanyID, "agent", a.ID, PermTasksAssign)
	if err != nil {
		return d, err
	}
	switch {
	case a.Role == RoleCEO:
		d.Access = AgentAccess{true, "ceo_role"}
	case grant:
		d.Access = AgentAccess{true, "explicit_grant"}
	case a.Permissions.CanCreateAgents:
		d.Access = AgentAccess{true, "agent_creator"}
	default:
		d.Access = AgentAccess{false, "none"}
	}
	return d, nil
}

func (s *Store) principalHasGrant(ctx context.Context, q querier, companyID, principalType, principalID, key string) (bool, error) {
	return hasGrant(ctx, q, companyID, principalType, principalID, key)
}

// AgentHasGrant reports whether an agent holds an explicit permission grant.
func (s *Store) AgentHasGrant(ctx context.Context, companyID, agentID, key string) (bool, error) {
	return hasGrant(ctx, s.reader, companyID, "agent", agentID, key)
}

// UserHasPermission decides a permission for a board user that is not an instance admin:
// an active membership whose role carries the key by default, or an explicit grant.
func (s *Store) UserHasPermission(ctx context.Context, companyID, userID, key string) (bool, error) {
	return actorCan(ctx, s.reader, Actor{Kind: ActorBoard, UserID: userID}, companyID, key)
}

// FindOrgTree builds the org chart forest (agents.md §3.4): terminated agents left out,
// agents whose manager is missing or terminated become roots, siblings oldest first.
func (s *Store) FindOrgTree(ctx context.Context, companyID string) ([]OrgNode, error) {
	type row struct {
		node OrgNode
		up   string
	}
	all, err := queryAll(ctx, s.reader, func(sc scanner) (row, error) {
		var r row
		var up sql.NullString
		err := sc.Scan(&r.node.ID, &r.node.Name, &r.node.Role, &r.node.Status, &up)
		r.up = up.String
		return r, err
	}, `SELECT id, name, role, status, reports_to FROM agents
		WHERE company_id = ? AND status <> 'terminated' ORDER BY created_at, id`, companyID)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	for i, r := range all {
		index[r.node.ID] = i
	}
	children := map[string][]int{}
	var roots []int
	for i, r := range all {
		if _, ok := index[r.up]; ok && r.up != r.node.ID {
			children[r.up] = append(children[r.up], i)
		} else {
			roots = append(roots, i)
		}
	}
	// A reporting cycle (impossible through the API) would leave agents unreachable;
	// they are surfaced as roots rather than dropped.
	placed := map[int]bool{}
	var build func(i int, depth int) OrgNode
	build = func(i int, depth int) OrgNode {
		placed[i] = true
		n := all[i].node
		n.Reports = []OrgNode{}
		if depth < 1000 {
			for _, c := range children[n.ID] {
				if !placed[c] {
					n.Reports = append(n.Reports, build(c, depth+1))
				}
			}
		}
		return n
	}
	out := []OrgNode{}
	for _, i := range roots {
		out = append(out, build(i, 0))
	}
	for i := range all {
		if !placed[i] {
			out = append(out, build(i, 0))
		}
	}
	return out, nil
}

// checkManager applies the reportsTo rules (data-model §3.5) for agentID ("" on create).
func (tx *Tx) checkManager(companyID, agentID, managerID string) error {
	if agentID != "" && managerID == agentID {
		return Errorf(EUNPROCESSABLE, "Agent cannot report to itself")
	}
	var mc string
	err := tx.QueryRowContext(tx.ctx, `SELECT company_id FROM agents WHERE id = ?`, managerID).Scan(&mc)
	if err == sql.ErrNoRows {
		return NotFound("Manager")
	}
	if err != nil {
		return err
	}
	if mc != companyID {
		return Errorf(EUNPROCESSABLE, "Manager must belong to same company")
	}
	if agentID == "" {
		return nil
	}
	seen := map[string]bool{}
	cur := managerID
	for !seen[cur] {
		seen[cur] = true
		var up sql.NullString
		if err := tx.QueryRowContext(tx.ctx, `SELECT reports_to FROM agents WHERE id = ?`, cur).Scan(&up); err != nil {
			if err == sql.ErrNoRows {
				return nil
			}
			return err
		}
		if !up.Valid {
			return nil
		}
		if up.String == agentID {
			return Errorf(EUNPROCESSABLE, "Reporting relationship would create cycle")
		}
		cur = up.String
	}
	return nil
}

// urlKeyTaken reports whether a live agent of the company other than exceptID holds key
// (a point lookup on the partial unique index).
func (tx *Tx) urlKeyTaken(companyID, exceptID, key string) (bool, error) {
	var n int
	err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM agents WHERE company_id = ? AND url_key = ? AND status <> 'terminated' AND id <> ?`,
		companyID, key, exceptID).Scan(&n)
	return n > 0, err
}

// uniqueAgentName de-duplicates a new agent's name (data-model §3.5): a shortname taken
// by a live agent gets " 2" … " 100", then " <unix ms>". A name without any [a-z0-9]
// gets the agent id as url key (README §7), which cannot collide.
func (tx *Tx) uniqueAgentName(companyID, agentID, name string) (string, string, error) {
	key := URLKey(name)
	if key == "" {
		return name, agentID, nil
	}
	for n := 1; n <= 100; n++ {
		cand := name
		if n > 1 {
			cand = name + " " + strconv.Itoa(n)
		}
		k := URLKey(cand)
		taken, err := tx.urlKeyTaken(companyID, agentID, k)
		if err != nil {
			return "", "", err
		}
		if !taken {
			return cand, k, nil
		}
	}
	cand := name + " " + strconv.FormatInt(tx.now.UnixMilli(), 10)
	return cand, URLKey(cand), nil
}

// agentURLKey is the url key for a renamed agent: its derivation, or its id when empty.
func agentURLKey(name, id string) string {
	if k := URLKey(name); k != "" {
		return k
	}
	return id
}
