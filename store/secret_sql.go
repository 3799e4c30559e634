package store

import (
	"context"
	"database/sql"
	"strings"
)

const secretColumns = `id, company_id, key, name, provider, status, managed_mode, external_ref, latest_version, description,
	last_resolved_at, last_rotated_at, created_by_agent_id, created_by_user_id, created_at, updated_at`

func scanSecret(sc scanner) (Secret, error) {
	var s Secret
	var n [7]sql.NullString
	err := sc.Scan(&s.ID, &s.CompanyID, &s.Key, &s.Name, &s.Provider, &s.Status, &s.ManagedMode, &n[0], &s.LatestVersion,
		&n[1], &n[2], &n[3], &n[4], &n[5], &s.CreatedAt, &s.UpdatedAt)
	s.ExternalRef, s.Description, s.LastResolvedAt, s.LastRotatedAt = strPtr(n[0]), strPtr(n[1]), strPtr(n[2]), strPtr(n[3])
	s.CreatedByAgentID, s.CreatedByUserID = strPtr(n[4]), strPtr(n[5])
	return s, err
}

// findSecret loads a live (not deleted) secret; anything else is "Secret not found".
func findSecret(ctx context.Context, q querier, id string) (Secret, error) {
	if !IsUUID(id) {
		return Secret{}, NotFound("Secret")
	}
	s, err := scanSecret(q.QueryRowContext(ctx, `SELECT `+secretColumns+` FROM company_secrets WHERE id = ? AND deleted_at IS NULL`, id))
	return s, translate(err, "Secret")
}

// FindSecretByID returns a live secret's metadata.
func (s *Store) FindSecretByID(ctx context.Context, id string) (Secret, error) {
	return findSecret(ctx, s.reader, id)
}

// FindSecrets lists a company's live secrets newest first, with reference counts.
func (s *Store) FindSecrets(ctx context.Context, f SecretFilter) ([]SecretListItem, error) {
	var c conds
	c.add("company_id = ?", f.CompanyID)
	c.add("deleted_at IS NULL")
	c.eq("status", f.Status)
	paging, pagingArgs := limitOffset(f.Limit, f.Offset)
	secrets, err := queryAll(ctx, s.reader, scanSecret, `SELECT `+secretColumns+` FROM company_secrets WHERE `+c.sql()+
		` ORDER BY created_at DESC, id DESC`+paging, append(c.args, pagingArgs...)...)
	if err != nil {
		return nil, err
	}
	out := make([]SecretListItem, len(secrets))
	for i, sec := range secrets {
		out[i] = SecretListItem{Secret: sec}
	}
	bindings, err := companyBindings(ctx, s.reader, f.CompanyID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ReferenceCount = len(bindings[out[i].ID])
	}
	return out, nil
}

// requireUniqueSecret refuses a name or key that a live secret of the company (other
// than self) already uses.
func (tx *Tx) requireUniqueSecret(companyID, self, column, value, message string) error {
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM company_secrets WHERE company_id = ? AND `+column+` = ?
		AND deleted_at IS NULL AND id <> ?`, companyID, value, self).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return Errorf(ECONFLICT, "%s: %s", message, value)
	}
	return nil
}

// CreateSecret encrypts the value under key and stores the secret with its version 1.
func (s *Store) CreateSecret(ctx context.Context, key *SecretKey, companyID string, in SecretInput) (Secret, error) {
	if err := in.Validate(); err != nil {
		return Secret{}, err
	}
	provider := orDefault(in.Provider, ProviderLocalEncrypted)
	if provider != ProviderLocalEncrypted {
		return Secret{}, Errorf(EUNPROCESSABLE, "Secret provider not available: %s", provider)
	}
	if key == nil {
		return Secret{}, Errorf(EUNPROCESSABLE, "Secret provider not available: %s (no master key)", provider)
	}
	material, digest, err := key.seal(in.Value.Value)
	if err != nil {
		return Secret{}, err
	}
	name := strings.TrimSpace(in.Name.Value)
	secretKey := orDefault(in.Key, SecretKeyFromName(name))
	var out Secret
	err = s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		if err := tx.requireUniqueSecret(companyID, "", "name", name, "Secret already exists"); err != nil {
			return err
		}
		if err := tx.requireUniqueSecret(companyID, "", "key", secretKey, "Secret key already exists"); err != nil {
			return err
		}
		id, err := tx.insertSecret(companyID, secretKey, name, in.Description.Ptr(), material, digest)
		if err != nil {
			return err
		}
		if err := tx.logActivity(companyID, "secret.created", "secret", id, map[string]any{"name": name, "key": secretKey, "provider": provider}); err != nil {
			return err
		}
		out, err = findSecret(tx.ctx, tx, id)
		return err
	})
	return out, err
}

// insertSecret writes an active local_encrypted secret with its first version.
func (tx *Tx) insertSecret(companyID, key, name string, description *string, material, digest string) (string, error) {
	id, now := NewID(), tx.Now()
	agentID, userID := tx.creatorColumns()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO company_secrets (id, company_id, key, name, provider, status, managed_mode,
		latest_version, description, created_by_agent_id, created_by_user_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'active', 'paperclip_managed', 1, ?, ?, ?, ?, ?)`,
		id, companyID, key, name, ProviderLocalEncrypted, nullStr(description), agentID, userID, now, now); err != nil {
		return "", err
	}
	return id, tx.insertSecretVersion(id, 1, material, digest)
}

// rotateSecret makes a new current version of a secret; the old one becomes previous.
func (tx *Tx) rotateSecret(id string, version int64, material, digest string) error {
	now := tx.Now()
	if _, err := tx.ExecContext(tx.ctx, `UPDATE company_secret_versions SET status = 'previous' WHERE secret_id = ? AND status = 'current'`, id); err != nil {
		return err
	}
	if err := tx.insertSecretVersion(id, version, material, digest); err != nil {
		return err
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE company_secrets SET latest_version = ?, last_rotated_at = ?, updated_at = ? WHERE id = ?`,
		version, now, now, id)
	return err
}

// creatorColumns are the created_by_* values for the acting actor.
func (tx *Tx) creatorColumns() (agentID, userID any) {
	switch {
	case tx.actor.IsAgent():
		return tx.actor.AgentID, nil
	case tx.actor.IsBoard():
		return nil, tx.actor.UserID
	}
	return nil, nil
}

func (tx *Tx) insertSecretVersion(secretID string, version int64, material, digest string) error {
	agentID, userID := tx.creatorColumns()
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO company_secret_versions (id, secret_id, version, material, value_sha256, status,
		created_by_agent_id, created_by_user_id, created_at) VALUES (?, ?, ?, ?, ?, 'current', ?, ?, ?)`,
		NewID(), secretID, version, material, digest, agentID, userID, tx.Now())
	return err
}

// UpdateSecret changes a secret's name, key, description or status.
func (s *Store) UpdateSecret(ctx context.Context, id string, in SecretPatch) (Secret, error) {
	if err := in.Validate(); err != nil {
		return Secret{}, err
	}
	var out Secret
	err := s.write(ctx, func(tx *Tx) error {
		cur, err := findSecret(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		next := cur
		if v := in.Name.Ptr(); v != nil {
			next.Name = strings.TrimSpace(*v)
		}
		if v := in.Key.Ptr(); v != nil {
			next.Key = *v
		}
		if in.Description.Set {
			next.Description = trimPtr(in.Description.Ptr())
		}
		if v := in.Status.Ptr(); v != nil {
			next.Status = *v
		}
		var changed []string
		if next.Name != cur.Name {
			if err := tx.requireUniqueSecret(cur.CompanyID, cur.ID, "name", next.Name, "Secret already exists"); err != nil {
				return err
			}
			changed = append(changed, "name")
		}
		if next.Key != cur.Key {
			if err := tx.requireUniqueSecret(cur.CompanyID, cur.ID, "key", next.Key, "Secret key already exists"); err != nil {
				return err
			}
			changed = append(changed, "key")
		}
		if !equalPtr(next.Description, cur.Description) {
			changed = append(changed, "description")
		}
		if next.Status != cur.Status {
			changed = append(changed, "status")
		}
		if len(changed) > 0 {
			if _, err := tx.ExecContext(tx.ctx, `UPDATE company_secrets SET name = ?, key = ?, description = ?, status = ?, updated_at = ?
				WHERE id = ?`, next.Name, next.Key, nullStr(next.Description), next.Status, tx.Now(), id); err != nil {
				return err
			}
			if err := tx.logActivity(cur.CompanyID, "secret.updated", "secret", id, map[string]any{"changedKeys": changed}); err != nil {
				return err
			}
		}
		out, err = findSecret(tx.ctx, tx, id)
		return err
	})
	return out, err
}

func equalPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// RotateSecret stores a new current version; the old one stays decryptable as previous
// for bindings pinned to it.
func (s *Store) RotateSecret(ctx context.Context, key *SecretKey, id string, in SecretRotation) (Secret, error) {
	if err := in.Validate(); err != nil {
		return Secret{}, err
	}
	if key == nil {
		return Secret{}, Errorf(EUNPROCESSABLE, "Secret provider not available: %s (no master key)", ProviderLocalEncrypted)
	}
	material, digest, err := key.seal(in.Value.Value)
	if err != nil {
		return Secret{}, err
	}
	var out Secret
	err = s.write(ctx, func(tx *Tx) error {
		cur, err := findSecret(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		version := cur.LatestVersion + 1
		if err := tx.rotateSecret(id, version, material, digest); err != nil {
			return err
		}
		if err := tx.logActivity(cur.CompanyID, "secret.rotated", "secret", id, map[string]any{"version": version}); err != nil {
			return err
		}
		out, err = findSecret(tx.ctx, tx, id)
		return err
	})
	return out, err
}

// DeleteSecret destroys every version of an unreferenced secret and leaves a tombstone
// row, so its name and key can be used again.
func (s *Store) DeleteSecret(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *Tx) error {
		cur, err := findSecret(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		bindings, err := companyBindings(tx.ctx, tx, cur.CompanyID)
		if err != nil {
			return err
		}
		if used := bindings[id]; len(used) > 0 {
			return &Error{Code: ECONFLICT, Tag: "secret_in_use", Message: "Secret is in use by " + itoa(len(used)) + " env binding(s)",
				Details: map[string]any{"bindings": used}}
		}
		now := tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM company_secret_versions WHERE secret_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(tx.ctx, `UPDATE company_secrets SET status = 'deleted', deleted_at = ?, updated_at = ? WHERE id = ?`,
			now, now, id); err != nil {
			return err
		}
		return tx.logActivity(cur.CompanyID, "secret.deleted", "secret", id, map[string]any{"name": cur.Name, "key": cur.Key})
	})
}

// FindSecretUsage lists the env bindings that reference a secret.
func (s *Store) FindSecretUsage(ctx context.Context, sec Secret) (SecretUsage, error) {
	bindings, err := companyBindings(ctx, s.reader, sec.CompanyID)
	out := SecretUsage{SecretID: sec.ID, Bindings: bindings[sec.ID]}
	if out.Bindings == nil {
		out.Bindings = []SecretBinding{}
	}
	return out, err
}
