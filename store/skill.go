package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"strings"
)

// CompanySkill is a skill a company owns: SKILL.md and its supporting text files,
// keyed by their path inside the skill folder. Agents opt in through
// adapterConfig.paperclipSkillSync.desiredSkills.
type CompanySkill struct {
	Slug           string            `json:"slug"`
	Name           string            `json:"name"`
	Description    *string           `json:"description"`
	FileList       []string          `json:"files"`
	UsedByAgentIDs []string          `json:"usedByAgentIds"`
	Files          map[string]string `json:"-"`
}

func scanSkill(sc scanner) (CompanySkill, error) {
	var k CompanySkill
	var desc sql.NullString
	var files string
	if err := sc.Scan(&k.Slug, &k.Name, &desc, &files); err != nil {
		return k, err
	}
	k.Description = strPtr(desc)
	json.Unmarshal([]byte(files), &k.Files)
	k.FileList = make([]string, 0, len(k.Files))
	for p := range k.Files {
		k.FileList = append(k.FileList, p)
	}
	sort.Strings(k.FileList)
	k.UsedByAgentIDs = []string{}
	return k, nil
}

func findCompanySkills(ctx context.Context, q querier, companyID string) ([]CompanySkill, error) {
	return queryAll(ctx, q, scanSkill, `SELECT slug, name, description, files FROM company_skills WHERE company_id = ? ORDER BY slug`, companyID)
}

// FindCompanySkills lists a company's skills by slug, each with the live agents that
// desire it.
func (s *Store) FindCompanySkills(ctx context.Context, companyID string) ([]CompanySkill, error) {
	list, err := findCompanySkills(ctx, s.reader, companyID)
	if err != nil || len(list) == 0 {
		return nonNil(list), err
	}
	agents, err := s.FindAgents(ctx, AgentFilter{CompanyID: companyID})
	if err != nil {
		return nil, err
	}
	for i := range list {
		for _, a := range agents {
			for _, d := range DesiredSkills(a.AdapterConfig) {
				if d == list[i].Slug {
					list[i].UsedByAgentIDs = append(list[i].UsedByAgentIDs, a.ID)
				}
			}
		}
	}
	return list, nil
}

// FindCompanySkill returns one skill with its files, or "Skill not found".
func (s *Store) FindCompanySkill(ctx context.Context, companyID, slug string) (CompanySkill, error) {
	k, err := scanSkill(s.reader.QueryRowContext(ctx, `SELECT slug, name, description, files FROM company_skills
		WHERE company_id = ? AND slug = ?`, companyID, slug))
	return k, translate(err, "Skill")
}

// FindSkillFiles returns the files of the named skills of a company that exist, for
// the runtime to install; unknown slugs are left out.
func (s *Store) FindSkillFiles(ctx context.Context, companyID string, slugs []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if len(slugs) == 0 {
		return out, nil
	}
	list, err := findCompanySkills(ctx, s.reader, companyID)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, sl := range slugs {
		want[sl] = true
	}
	for _, k := range list {
		if want[k.Slug] {
			out[k.Slug] = k.Files
		}
	}
	return out, nil
}

// DeleteCompanySkill removes a skill and takes its slug out of every agent's
// desiredSkills, with one skill.deleted activity row.
func (s *Store) DeleteCompanySkill(ctx context.Context, companyID, slug string) error {
	if slug == BuiltinSkillSlug {
		return Errorf(EFORBIDDEN, "Built-in skill cannot be deleted")
	}
	return s.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(tx.ctx, `DELETE FROM company_skills WHERE company_id = ? AND slug = ?`, companyID, slug)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return NotFound("Skill")
		}
		rows, err := queryAll(tx.ctx, tx, scanPair, `SELECT id, adapter_config FROM agents WHERE company_id = ?`, companyID)
		if err != nil {
			return err
		}
		for _, r := range rows {
			cfg := decodeObject(r[1])
			sync, _ := cfg["paperclipSkillSync"].(map[string]any)
			list, _ := sync["desiredSkills"].([]any)
			kept := []any{}
			for _, v := range list {
				if v != slug {
					kept = append(kept, v)
				}
			}
			if len(kept) == len(list) {
				continue
			}
			sync["desiredSkills"] = kept
			text, err := jsonText(cfg)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(tx.ctx, `UPDATE agents SET adapter_config = ?, updated_at = ? WHERE id = ?`, text, tx.Now(), r[0]); err != nil {
				return err
			}
		}
		return tx.logActivity(companyID, "skill.deleted", "company", companyID, map[string]any{"slug": slug})
	})
}

// upsertSkill writes a skill inside an import; it reports whether the slug existed.
func (tx *Tx) upsertSkill(companyID string, k CompanySkill) (bool, error) {
	files, err := json.Marshal(k.Files)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(tx.ctx, `UPDATE company_skills SET name = ?, description = ?, files = ?, updated_at = ?
		WHERE company_id = ? AND slug = ?`, k.Name, nullStr(k.Description), string(files), tx.Now(), companyID, k.Slug)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, nil
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO company_skills (id, company_id, slug, name, description, files, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, NewID(), companyID, strings.ToLower(k.Slug), k.Name, nullStr(k.Description), string(files), tx.Now(), tx.Now())
	return false, err
}
