package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"
)

// AgentKeyPrefix starts every agent API key; board keys use "pcp_board_".
const AgentKeyPrefix = "pcp_"

// AgentKey is a stored agent API key (never its token).
type AgentKey struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	CreatedAt  string  `json:"createdAt"`
	LastUsedAt *string `json:"lastUsedAt"`
	RevokedAt  *string `json:"revokedAt"`
}

// NewAgentKey is the create response: the only time the token is shown.
type NewAgentKey struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Token     string `json:"token"`
	CreatedAt string `json:"createdAt"`
}

// AgentKeyInput is the create body.
type AgentKeyInput struct {
	Name Optional[string] `json:"name"`
}

// Validate checks the optional name.
func (in *AgentKeyInput) Validate() error {
	var p Problems
	if in.Name.Set {
		switch {
		case in.Name.Null:
			p.Add("invalid_type", "Expected string, received null", "name")
		case strings.TrimSpace(in.Name.Value) == "":
			p.Add("too_small", "String must contain at least 1 character(s)", "name")
		}
	}
	p.Limits(in)
	return p.Err()
}

// HashToken is the stored form of a token: sha256 hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateAgentKey mints a key for an agent: pcp_ + 48 hex, only its hash stored.
func (s *Store) CreateAgentKey(ctx context.Context, agentID string, in AgentKeyInput) (NewAgentKey, error) {
	if err := in.Validate(); err != nil {
		return NewAgentKey{}, err
	}
	name := "default"
	if v := in.Name.Ptr(); v != nil {
		name = strings.TrimSpace(*v)
	}
	var out NewAgentKey
	err := s.write(ctx, func(tx *Tx) error {
		a, err := s.findAgent(ctx, tx, agentID)
		if err != nil {
			return err
		}
		switch a.Status {
		case AgentPendingApproval:
			return Errorf(ECONFLICT, "Cannot create keys for pending approval agents")
		case AgentTerminated:
			return Errorf(ECONFLICT, "Cannot create keys for terminated agents")
		}
		out = NewAgentKey{ID: NewID(), Name: name, Token: AgentKeyPrefix + RandomHex(24), CreatedAt: tx.Now()}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agent_api_keys (id, agent_id, company_id, name, key_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, out.ID, a.ID, a.CompanyID, name, HashToken(out.Token), out.CreatedAt); err != nil {
			return err
		}
		return tx.logActivity(a.CompanyID, "agent.key_created", "agent", a.ID, map[string]any{"keyId": out.ID, "name": name})
	})
	return out, err
}

// FindAgentKeys lists an agent's keys newest first, revoked included.
func (s *Store) FindAgentKeys(ctx context.Context, agentID string) ([]AgentKey, error) {
	return queryAll(ctx, s.reader, scanAgentKey, `SELECT id, name, created_at, last_used_at, revoked_at FROM agent_api_keys
		WHERE agent_id = ? ORDER BY created_at DESC, id DESC`, agentID)
}

func scanAgentKey(sc scanner) (AgentKey, error) {
	var k AgentKey
	var used, revoked sql.NullString
	err := sc.Scan(&k.ID, &k.Name, &k.CreatedAt, &used, &revoked)
	k.LastUsedAt, k.RevokedAt = strPtr(used), strPtr(revoked)
	return k, err
}

// RevokeAgentKey revokes a key of the agent; revoking twice changes nothing.
func (s *Store) RevokeAgentKey(ctx context.Context, agentID, keyID string) error {
	return s.write(ctx, func(tx *Tx) error {
		var companyID string
		var revoked sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT company_id, revoked_at FROM agent_api_keys WHERE id = ? AND agent_id = ?`, keyID, agentID).
			Scan(&companyID, &revoked)
		if err != nil {
			return translate(err, "Key")
		}
		if revoked.Valid {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agent_api_keys SET revoked_at = ? WHERE id = ?`, tx.Now(), keyID); err != nil {
			return err
		}
		return tx.logActivity(companyID, "agent.key_revoked", "agent", agentID, map[string]any{"keyId": keyID})
	})
}

// AgentKeyAuth is a resolved agent key.
type AgentKeyAuth struct {
	KeyID      string
	LastUsedAt *string
	Agent      Agent
}

// ResolveAgentKey finds the live key matching a token and its agent; unknown or revoked
// keys are not found. Agent status checks are the caller's.
func (s *Store) ResolveAgentKey(ctx context.Context, token string) (AgentKeyAuth, error) {
	var k AgentKeyAuth
	var agentID string
	var used sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT id, agent_id, last_used_at FROM agent_api_keys WHERE key_hash = ? AND revoked_at IS NULL`,
		HashToken(token)).Scan(&k.KeyID, &agentID, &used)
	if err != nil {
		return k, translate(err, "Key")
	}
	k.LastUsedAt = strPtr(used)
	k.Agent, err = s.findAgent(ctx, s.reader, agentID)
	return k, err
}

// TouchAgentKey stamps last_used_at, at most once a minute per key (README §4).
func (s *Store) TouchAgentKey(ctx context.Context, keyID string, now time.Time) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE agent_api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
			FormatTime(now), keyID, FormatTime(now.Add(-time.Minute)))
		return err
	})
}
