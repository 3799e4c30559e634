package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
)

// Config revision sources.
const (
	RevisionPatch            = "patch"
	RevisionRollback         = "rollback"
	RevisionInstructionsPath = "instructions_path_patch"
)

// ConfigRevision is one agent configuration revision (agents.md §5.4); snapshots are
// stored redacted.
type ConfigRevision struct {
	ID                       string   `json:"id"`
	CompanyID                string   `json:"companyId"`
	AgentID                  string   `json:"agentId"`
	CreatedByAgentID         *string  `json:"createdByAgentId"`
	CreatedByUserID          *string  `json:"createdByUserId"`
	Source                   string   `json:"source"`
	RolledBackFromRevisionID *string  `json:"rolledBackFromRevisionId"`
	ChangedKeys              []string `json:"changedKeys"`
	BeforeConfig             JSONRaw  `json:"beforeConfig"`
	AfterConfig              JSONRaw  `json:"afterConfig"`
	CreatedAt                string   `json:"createdAt"`
}

const revisionColumns = `id, company_id, agent_id, created_by_agent_id, created_by_user_id, source, rolled_back_from_revision_id,
	changed_keys, before_config, after_config, created_at`

func scanRevision(sc scanner) (ConfigRevision, error) {
	var r ConfigRevision
	var byAgent, byUser, from sql.NullString
	var keys, before, after string
	err := sc.Scan(&r.ID, &r.CompanyID, &r.AgentID, &byAgent, &byUser, &r.Source, &from, &keys, &before, &after, &r.CreatedAt)
	if err != nil {
		return r, err
	}
	r.CreatedByAgentID, r.CreatedByUserID, r.RolledBackFromRevisionID = strPtr(byAgent), strPtr(byUser), strPtr(from)
	if json.Unmarshal([]byte(keys), &r.ChangedKeys) != nil || r.ChangedKeys == nil {
		r.ChangedKeys = []string{}
	}
	r.BeforeConfig, r.AfterConfig = JSONRaw(before), JSONRaw(after)
	return r, nil
}

// FindConfigRevisions lists an agent's revisions newest first.
func (s *Store) FindConfigRevisions(ctx context.Context, agentID string) ([]ConfigRevision, error) {
	return queryAll(ctx, s.reader, scanRevision, `SELECT `+revisionColumns+` FROM agent_config_revisions WHERE agent_id = ?
		ORDER BY created_at DESC, id DESC`, agentID)
}

func findRevision(ctx context.Context, q querier, agentID, revisionID string) (ConfigRevision, error) {
	r, err := scanRevision(q.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM agent_config_revisions WHERE id = ? AND agent_id = ?`,
		revisionID, agentID))
	return r, translate(err, "Revision")
}

// FindConfigRevisionByID returns one revision of an agent; another agent's is not found.
func (s *Store) FindConfigRevisionByID(ctx context.Context, agentID, revisionID string) (ConfigRevision, error) {
	return findRevision(ctx, s.reader, agentID, revisionID)
}

// insertRevision records a configuration change with redacted snapshots.
func (tx *Tx) insertRevision(a Agent, source string, rolledBackFrom *string, ch agentChange) error {
	var byAgent, byUser any
	if tx.actor.IsAgent() {
		byAgent = tx.actor.AgentID
	} else if tx.actor.IsBoard() {
		byUser = tx.actor.UserID
	}
	keys, _ := jsonText(ch.keys)
	before, err := jsonText(redactSnapshot(ch.before))
	if err != nil {
		return err
	}
	after, err := jsonText(redactSnapshot(ch.after))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO agent_config_revisions (id, company_id, agent_id, created_by_agent_id,
		created_by_user_id, source, rolled_back_from_revision_id, changed_keys, before_config, after_config, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		NewID(), a.CompanyID, a.ID, byAgent, byUser, source, nullStr(rolledBackFrom), keys, before, after, tx.Now())
	return err
}

// RollbackConfigRevision re-applies a revision's afterConfig through the PATCH rules and
// records a rollback revision (agents.md §5.4).
func (s *Store) RollbackConfigRevision(ctx context.Context, agentID, revisionID string, opts AgentUpdateOptions) (Agent, error) {
	err := s.write(ctx, func(tx *Tx) error {
		cur, err := s.findAgent(ctx, tx, agentID)
		if err != nil {
			return err
		}
		rev, err := findRevision(ctx, tx, agentID, revisionID)
		if err != nil {
			return err
		}
		var snap map[string]any
		if json.Unmarshal(rev.AfterConfig, &snap) != nil || snap == nil {
			return Errorf(EUNPROCESSABLE, "Invalid revision snapshot")
		}
		if containsRedacted(snap) {
			return Errorf(EUNPROCESSABLE, "Cannot roll back a revision that contains redacted secret values")
		}
		p, err := snapshotPatch(snap)
		if err != nil {
			return err
		}
		next, ch, err := tx.applyAgentPatch(cur, p, opts)
		if err != nil {
			return err
		}
		if len(ch.keys) > 0 {
			id := rev.ID
			if err := tx.insertRevision(next, RevisionRollback, &id, ch); err != nil {
				return err
			}
		}
		if ch.budgetChanged {
			if err := tx.agentBudgetUpdated(next); err != nil {
				return err
			}
		}
		return tx.logActivity(cur.CompanyID, "agent.config_rolled_back", "agent", agentID, map[string]any{"revisionId": rev.ID})
	})
	if err != nil {
		return Agent{}, err
	}
	return s.findAgent(ctx, s.reader, agentID)
}

// snapshotPatch turns a stored snapshot into a replacing patch.
func snapshotPatch(snap map[string]any) (AgentPatch, error) {
	invalid := Errorf(EUNPROCESSABLE, "Invalid revision snapshot")
	raw, err := json.Marshal(snap)
	if err != nil {
		return AgentPatch{}, invalid
	}
	var p AgentPatch
	if err := json.Unmarshal(raw, &p); err != nil {
		return AgentPatch{}, invalid
	}
	p.Status, p.Permissions = Optional[string]{}, Optional[any]{}
	p.ReplaceAdapterConfig = Some(true)
	if !p.Name.Set || !p.AdapterType.Set || !p.AdapterConfig.Set || p.AdapterConfig.Null {
		return AgentPatch{}, invalid
	}
	if p.RuntimeConfig.Null {
		p.RuntimeConfig = Some(map[string]any{})
	}
	if p.BudgetMonthlyCents.Null {
		p.BudgetMonthlyCents = Optional[int64]{}
	}
	if p.Validate() != nil {
		return AgentPatch{}, invalid
	}
	return p, nil
}

// InstructionsPathInput is the body of PATCH /agents/{id}/instructions-path.
type InstructionsPathInput struct {
	Path             Optional[string] `json:"path" limit:"4096"`
	AdapterConfigKey Optional[string] `json:"adapterConfigKey"`
}

// Validate checks the body shape.
func (in *InstructionsPathInput) Validate() error {
	var p Problems
	switch {
	case !in.Path.Set:
		p.Required("path")
	case !in.Path.Null && strings.TrimSpace(in.Path.Value) == "":
		p.Add("too_small", "String must contain at least 1 character(s)", "path")
	}
	if in.AdapterConfigKey.Set && (in.AdapterConfigKey.Null || strings.TrimSpace(in.AdapterConfigKey.Value) == "") {
		p.Add("too_small", "String must contain at least 1 character(s)", "adapterConfigKey")
	}
	p.Limits(in)
	return p.Err()
}

// InstructionsPathResult is the instructions-path response.
type InstructionsPathResult struct {
	AgentID          string  `json:"agentId"`
	AdapterType      string  `json:"adapterType"`
	AdapterConfigKey string  `json:"adapterConfigKey"`
	Path             *string `json:"path"`
}

// SetInstructionsPath sets or clears the instructions file key of an agent's adapterConfig
// (agents.md §5.3). The caller's rights are checked by the server.
func (s *Store) SetInstructionsPath(ctx context.Context, agentID string, in InstructionsPathInput) (InstructionsPathResult, error) {
	if err := in.Validate(); err != nil {
		return InstructionsPathResult{}, err
	}
	var res InstructionsPathResult
	err := s.write(ctx, func(tx *Tx) error {
		cur, err := s.findAgent(ctx, tx, agentID)
		if err != nil {
			return err
		}
		if cur.Status == AgentPendingApproval {
			return &Error{Code: ECONFLICT, Message: "Pending approval agent configuration cannot be changed before board approval",
				Tag: "pending_approval_agent_config_frozen"}
		}
		key := DefaultInstructionsPathKey(cur.AdapterType)
		if v := in.AdapterConfigKey.Ptr(); v != nil {
			key = strings.TrimSpace(*v)
		}
		if key == "" {
			return Errorf(EUNPROCESSABLE, "No default instructions path key for adapter type '%s'. Provide adapterConfigKey.", cur.AdapterType)
		}
		var path *string
		if v := in.Path.Ptr(); v != nil {
			p := strings.TrimSpace(*v)
			if !filepath.IsAbs(p) {
				cwd, _ := cur.AdapterConfig["cwd"].(string)
				if !filepath.IsAbs(cwd) {
					return Errorf(EUNPROCESSABLE, "adapterConfig.cwd must be an absolute path to resolve relative instructions path")
				}
				p = filepath.Join(cwd, p)
			}
			path = &p
		}
		next := cur
		next.AdapterConfig = make(map[string]any, len(cur.AdapterConfig)+1)
		for k, v := range cur.AdapterConfig {
			next.AdapterConfig[k] = v
		}
		if path == nil {
			delete(next.AdapterConfig, key)
		} else {
			next.AdapterConfig[key] = *path
		}
		ch := agentChange{before: cur.snapshot(), after: next.snapshot()}
		ch.keys = changedKeys(ch.before, ch.after)
		if len(ch.keys) > 0 {
			if err := tx.writeAgentConfig(next); err != nil {
				return err
			}
			if err := tx.insertRevision(next, RevisionInstructionsPath, nil, ch); err != nil {
				return err
			}
		}
		res = InstructionsPathResult{AgentID: cur.ID, AdapterType: cur.AdapterType, AdapterConfigKey: key, Path: path}
		return tx.logActivity(cur.CompanyID, "agent.instructions_path_updated", "agent", cur.ID,
			map[string]any{"adapterConfigKey": key, "path": path, "cleared": path == nil})
	})
	return res, err
}
