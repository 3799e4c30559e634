package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"strings"
)

// companyBindings scans the env of a company's live agents (adapterConfig.env) and
// projects (env) and returns every secret_ref binding keyed by secret id, agents first,
// each group by name then env key. References live inside JSON config, so they are
// found by reading it; a company has few agents and projects.
func companyBindings(ctx context.Context, q querier, companyID string) (map[string][]SecretBinding, error) {
	out := map[string][]SecretBinding{}
	type target struct{ kind, id, name, env string }
	targets, err := queryAll(ctx, q, func(sc scanner) (target, error) {
		var t target
		err := sc.Scan(&t.kind, &t.id, &t.name, &t.env)
		return t, err
	}, `SELECT 'agent', id, name, adapter_config FROM agents WHERE company_id = ? AND status <> 'terminated'
		UNION ALL SELECT 'project', id, name, COALESCE(env, '') FROM projects WHERE company_id = ?
		ORDER BY 1, 3, 2`, companyID, companyID)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		env := envOf(t.kind, t.env)
		for _, k := range sortedKeys(env) {
			b, ok := env[k].(map[string]any)
			if !ok || b["type"] != "secret_ref" {
				continue
			}
			id, _ := b["secretId"].(string)
			version := b["version"]
			if version == nil {
				version = "latest"
			}
			if n, ok := numberOf(version); ok {
				version = int64(n)
			}
			out[id] = append(out[id], SecretBinding{TargetType: t.kind, TargetID: t.id, TargetName: t.name,
				ConfigPath: "env." + k, VersionSelector: version})
		}
	}
	return out, nil
}

// envOf reads the env object out of an agent's adapter config or a project's env column.
func envOf(kind, text string) map[string]any {
	if text == "" {
		return nil
	}
	var m map[string]any
	if json.Unmarshal([]byte(text), &m) != nil {
		return nil
	}
	if kind == "agent" {
		env, _ := m["env"].(map[string]any)
		return env
	}
	return m
}

// ResolveRunEnv is what the runtime calls when a run starts: the agent's env bindings
// with the project's (of issueID, when it has one) merged over them, every secret
// reference decrypted in memory under key. lastResolvedAt is stamped on each secret
// used. A reference that cannot be resolved (missing, deleted, disabled or archived
// secret, missing version, wrong key) fails with "Secret <KEY> could not be resolved",
// naming the env key and never the value. Keys of the runtime's PAPERCLIP_ namespace
// left in old rows are ignored.
func (s *Store) ResolveRunEnv(ctx context.Context, key *SecretKey, agentID, issueID string) (map[string]string, error) {
	var companyID, cfg string
	if err := s.reader.QueryRowContext(ctx, `SELECT company_id, adapter_config FROM agents WHERE id = ?`, agentID).
		Scan(&companyID, &cfg); err != nil {
		return nil, translate(err, "Agent")
	}
	merged := map[string]any{}
	for k, v := range envOf("agent", cfg) {
		merged[k] = v
	}
	if issueID != "" {
		var env sql.NullString
		err := s.reader.QueryRowContext(ctx, `SELECT p.env FROM issues i JOIN projects p ON p.id = i.project_id
			WHERE i.id = ? AND i.company_id = ?`, issueID, companyID).Scan(&env)
		if err != nil && err != sql.ErrNoRows {
			return nil, err
		}
		for k, v := range envOf("project", env.String) {
			merged[k] = v
		}
	}
	out := map[string]string{}
	var used []string
	keys := sortedKeys(merged)
	for _, k := range keys {
		if strings.HasPrefix(k, "PAPERCLIP_") {
			continue
		}
		if v, ok := plainValue(merged[k]); ok {
			out[k] = v
			continue
		}
		b, _ := merged[k].(map[string]any)
		if b == nil || b["type"] != "secret_ref" {
			continue
		}
		value, secretID, err := s.resolveRef(ctx, key, companyID, b)
		if err != nil {
			return nil, Errorf(EUNPROCESSABLE, "Secret %s could not be resolved", k)
		}
		out[k] = value
		used = append(used, secretID)
	}
	if len(used) > 0 {
		sort.Strings(used)
		err := s.write(ctx, func(tx *Tx) error {
			now := tx.Now()
			for _, id := range dedupeStrings(used) {
				if _, err := tx.ExecContext(tx.ctx, `UPDATE company_secrets SET last_resolved_at = ? WHERE id = ?`, now, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resolveRef decrypts one reference of a company's env.
func (s *Store) resolveRef(ctx context.Context, key *SecretKey, companyID string, b map[string]any) (string, string, error) {
	if key == nil {
		return "", "", Errorf(EUNPROCESSABLE, "no master key")
	}
	id, _ := b["secretId"].(string)
	sec, err := findSecret(ctx, s.reader, id)
	if err != nil {
		return "", "", err
	}
	if sec.CompanyID != companyID || sec.Status != "active" {
		return "", "", Errorf(EUNPROCESSABLE, "secret not usable")
	}
	version := sec.LatestVersion
	if n, ok := numberOf(b["version"]); ok {
		version = int64(n)
	}
	var material string
	if err := s.reader.QueryRowContext(ctx, `SELECT material FROM company_secret_versions WHERE secret_id = ? AND version = ?`,
		id, version).Scan(&material); err != nil {
		return "", "", translate(err, "Secret version")
	}
	value, err := key.open(material)
	return value, id, err
}
