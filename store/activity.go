package store

import (
	"context"
	"database/sql"
	"strings"
)

// Activity is one row of the append-only audit trail.
type Activity struct {
	ID         string  `json:"id"`
	CompanyID  string  `json:"companyId"`
	ActorType  string  `json:"actorType"`
	ActorID    string  `json:"actorId"`
	Action     string  `json:"action"`
	EntityType string  `json:"entityType"`
	EntityID   string  `json:"entityId"`
	AgentID    *string `json:"agentId"`
	RunID      *string `json:"runId"`
	Details    JSONRaw `json:"details"`
	CreatedAt  string  `json:"createdAt"`
}

// logActivity writes the activity row of a mutation inside its transaction (spec README
// §9): the audit trail can never disagree with the data.
func (tx *Tx) logActivity(companyID, action, entityType, entityID string, details any) error {
	actorType, actorID, agentID := tx.actor.activityActor()
	return tx.insertActivity(Activity{
		CompanyID: companyID, ActorType: actorType, ActorID: actorID, Action: action,
		EntityType: entityType, EntityID: entityID, AgentID: agentID,
	}, details)
}

func (tx *Tx) insertActivity(a Activity, details any) error {
	raw, err := RedactJSON(details)
	if err != nil {
		return err
	}
	a.ID = NewID()
	a.Details = raw
	a.CreatedAt = tx.Now()
	if tx.actor.RunID != "" {
		run := tx.actor.RunID
		a.RunID = &run
	}
	var detailsText any
	if raw != nil {
		detailsText = string(raw)
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO activity_log
		(id, company_id, actor_type, actor_id, action, entity_type, entity_id, agent_id, run_id, details, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.CompanyID, a.ActorType, a.ActorID, a.Action, a.EntityType, a.EntityID,
		nullStr(a.AgentID), nullStr(a.RunID), detailsText, a.CreatedAt)
	if err != nil {
		return err
	}
	tx.activities = append(tx.activities, a)
	return nil
}

// ActivityFilter selects activity rows; empty fields do not filter.
type ActivityFilter struct {
	CompanyID  string
	AgentID    string
	ActorType  string
	ActorID    string
	Action     string // exact, or a prefix when it ends with ".*"
	EntityType string
	EntityID   string
	RunID      string
	From, To   string // normalised timestamps
	Limit      int
	Offset     int
}

const activityColumns = `id, company_id, actor_type, actor_id, action, entity_type, entity_id, agent_id, run_id, details, created_at`

func scanActivity(sc scanner) (Activity, error) {
	var a Activity
	var agentID, runID, details sql.NullString
	err := sc.Scan(&a.ID, &a.CompanyID, &a.ActorType, &a.ActorID, &a.Action, &a.EntityType, &a.EntityID,
		&agentID, &runID, &details, &a.CreatedAt)
	if agentID.Valid {
		a.AgentID = &agentID.String
	}
	if runID.Valid {
		a.RunID = &runID.String
	}
	if details.Valid {
		a.Details = JSONRaw(details.String)
	}
	return a, err
}

// FindActivity lists a company's activity newest first, hiding rows about hidden issues.
func (s *Store) FindActivity(ctx context.Context, f ActivityFilter) ([]Activity, error) {
	query, args := activityQuery(f)
	return queryAll(ctx, s.reader, scanActivity, query, args...)
}

// activityQuery is FindActivity's query and arguments (the plan tests read its plan).
func activityQuery(f ActivityFilter) (string, []any) {
	var c conds
	if f.RunID != "" {
		// A run's activity is a few rows, found by the run index; left to itself SQLite
		// walks the company's activity by date for the ORDER BY. The unary + keeps the
		// company's indexes out of it.
		c.add("+company_id = ?", f.CompanyID)
	} else {
		c.add("company_id = ?", f.CompanyID)
	}
	c.eq("agent_id", f.AgentID)
	c.eq("actor_type", f.ActorType)
	c.eq("actor_id", f.ActorID)
	c.eq("entity_type", f.EntityType)
	c.eq("entity_id", f.EntityID)
	c.eq("run_id", f.RunID)
	if prefix, ok := strings.CutSuffix(f.Action, ".*"); ok {
		c.add("substr(action, 1, ?) = ?", len(prefix)+1, prefix+".")
	} else {
		c.eq("action", f.Action)
	}
	c.since("created_at", f.From)
	c.until("created_at", f.To)
	c.add(`NOT (entity_type = 'issue' AND entity_id IN (SELECT id FROM issues WHERE company_id = ? AND hidden_at IS NOT NULL))`, f.CompanyID)
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args := append(c.args, limit, f.Offset)
	return `SELECT ` + activityColumns + ` FROM activity_log WHERE ` + c.sql() + ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, args
}

// ActivityInput is a manual audit entry posted by the board or an integration.
type ActivityInput struct {
	ActorType  Optional[string]         `json:"actorType"`
	ActorID    Optional[string]         `json:"actorId"`
	Action     Optional[string]         `json:"action"`
	EntityType Optional[string]         `json:"entityType"`
	EntityID   Optional[string]         `json:"entityId"`
	AgentID    Optional[string]         `json:"agentId"`
	Details    Optional[map[string]any] `json:"details"`
}

// Validate checks the manual entry body.
func (in *ActivityInput) Validate() error {
	var p Problems
	if in.ActorType.Set && !in.ActorType.Null {
		switch in.ActorType.Value {
		case "agent", "user", "system":
		default:
			p.Add("invalid_enum_value", "Invalid enum value. Expected 'agent' | 'user' | 'system'", "actorType")
		}
	}
	for _, f := range []struct {
		name string
		v    Optional[string]
	}{{"actorId", in.ActorID}, {"action", in.Action}, {"entityType", in.EntityType}, {"entityId", in.EntityID}} {
		switch {
		case !f.v.Set || f.v.Null:
			p.Required(f.name)
		case f.v.Value == "":
			p.Add("too_small", "String must contain at least 1 character(s)", f.name)
		}
	}
	if v := in.AgentID.Ptr(); v != nil && !IsUUID(*v) {
		p.Add("invalid_string", "Invalid uuid", "agentId")
	}
	p.Limits(in)
	return p.Err()
}

// CreateActivity writes a manual audit row as given (plus the caller's run id).
func (s *Store) CreateActivity(ctx context.Context, companyID string, in ActivityInput) (Activity, error) {
	if err := in.Validate(); err != nil {
		return Activity{}, err
	}
	var out Activity
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		actorType := "system"
		if v := in.ActorType.Ptr(); v != nil {
			actorType = *v
		}
		a := Activity{CompanyID: companyID, ActorType: actorType, ActorID: in.ActorID.Value,
			Action: in.Action.Value, EntityType: in.EntityType.Value, EntityID: in.EntityID.Value}
		if id := in.AgentID.Ptr(); id != nil {
			var n int
			if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM agents WHERE id = ? AND company_id = ?`, *id, companyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return Errorf(EUNPROCESSABLE, "Agent does not belong to company")
			}
			a.AgentID = id
		}
		var details any
		if in.Details.Set && !in.Details.Null {
			details = in.Details.Value
		}
		if err := tx.insertActivity(a, details); err != nil {
			return err
		}
		out = tx.activities[len(tx.activities)-1]
		return nil
	})
	return out, err
}
