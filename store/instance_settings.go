package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
)

// InstanceSettings is the one host-level settings row. Stored JSON is merged over the
// defaults on every read, so a key added in a later release appears with its default.
type InstanceSettings struct {
	ID           string               `json:"id"`
	General      GeneralSettings      `json:"general"`
	Experimental ExperimentalSettings `json:"experimental"`
	CreatedAt    string               `json:"createdAt"`
	UpdatedAt    string               `json:"updatedAt"`
}

// GeneralSettings are the instance-wide switches of the settings page.
type GeneralSettings struct {
	CensorUsernameInLogs          bool            `json:"censorUsernameInLogs"`
	KeyboardShortcuts             bool            `json:"keyboardShortcuts"`
	FeedbackDataSharingPreference string          `json:"feedbackDataSharingPreference"`
	BackupRetention               BackupRetention `json:"backupRetention"`
}

// BackupRetention is the tiered retention the UI offers; stored and returned for
// compatibility (the V1 backup loop keeps its own retentionDays).
type BackupRetention struct {
	DailyDays     int `json:"dailyDays"`
	WeeklyWeeks   int `json:"weeklyWeeks"`
	MonthlyMonths int `json:"monthlyMonths"`
}

// ExperimentalSettings are UI toggles without server behaviour in V1.
type ExperimentalSettings struct {
	EnableIsolatedWorkspaces        bool `json:"enableIsolatedWorkspaces"`
	EnableStreamlinedLeftNavigation bool `json:"enableStreamlinedLeftNavigation"`
	EnableGoalsSidebarLink          bool `json:"enableGoalsSidebarLink"`
}

// DefaultGeneralSettings are the values a fresh instance reads.
func DefaultGeneralSettings() GeneralSettings {
	return GeneralSettings{FeedbackDataSharingPreference: "prompt",
		BackupRetention: BackupRetention{DailyDays: 7, WeeklyWeeks: 4, MonthlyMonths: 1}}
}

// DefaultExperimentalSettings are the values a fresh instance reads.
func DefaultExperimentalSettings() ExperimentalSettings {
	return ExperimentalSettings{EnableStreamlinedLeftNavigation: true}
}

// SettingsPatch is a partial settings body, decoded strictly by the caller: General and
// Experimental hold only the keys that were sent, already validated by ValidateGeneral /
// ValidateExperimental.
type SettingsPatch struct {
	General      map[string]any
	Experimental map[string]any
}

var (
	feedbackPreferences = []string{"allowed", "not_allowed", "prompt"}
	retentionChoices    = map[string][]int{"dailyDays": {3, 7, 14}, "weeklyWeeks": {1, 2, 4}, "monthlyMonths": {1, 3, 6}}
)

// ValidateGeneral checks a partial general object strictly: unknown keys are refused
// (the experimental object drops them instead).
func ValidateGeneral(m map[string]any) error {
	var p Problems
	for _, k := range sortedKeys(m) {
		v := m[k]
		switch k {
		case "censorUsernameInLogs", "keyboardShortcuts":
			if _, ok := v.(bool); !ok {
				p.Add("invalid_type", "Expected boolean, received "+goJSONKind(v), "general", k)
			}
		case "feedbackDataSharingPreference":
			s, ok := v.(string)
			if !ok || !contains(feedbackPreferences, s) {
				p.Add("invalid_enum_value", enumMessage(feedbackPreferences, fmt.Sprint(v)), "general", k)
			}
		case "backupRetention":
			br, ok := v.(map[string]any)
			if !ok {
				p.Add("invalid_type", "Expected object, received "+goJSONKind(v), "general", k)
				continue
			}
			for _, rk := range sortedKeys(br) {
				choices, known := retentionChoices[rk]
				if !known {
					p.Add("unrecognized_keys", "Unrecognized key(s) in object: '"+rk+"'", "general", k)
					continue
				}
				n, isNum := numberOf(br[rk])
				if !isNum || !containsInt(choices, n) {
					p.Add("custom", fmt.Sprintf("%s must be one of: %s", rk, joinInts(choices)), "general", k, rk)
				}
			}
		default:
			p.Add("unrecognized_keys", "Unrecognized key(s) in object: '"+k+"'", "general")
		}
	}
	return p.Err()
}

// ValidateExperimental checks a partial experimental object and drops unknown keys.
func ValidateExperimental(m map[string]any) (map[string]any, error) {
	var p Problems
	out := map[string]any{}
	for _, k := range sortedKeys(m) {
		switch k {
		case "enableIsolatedWorkspaces", "enableStreamlinedLeftNavigation", "enableGoalsSidebarLink":
			if _, ok := m[k].(bool); !ok {
				p.Add("invalid_type", "Expected boolean, received "+goJSONKind(m[k]), "experimental", k)
				continue
			}
			out[k] = m[k]
		}
	}
	return out, p.Err()
}

func containsInt(list []int, n float64) bool {
	for _, v := range list {
		if float64(v) == n {
			return true
		}
	}
	return false
}

func joinInts(list []int) string {
	out := ""
	for i, v := range list {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprint(v)
	}
	return out
}

// settingsRow is the stored form: two JSON objects merged over the defaults on read.
type settingsRow struct {
	id, general, experimental, createdAt, updatedAt string
}

func findSettingsRow(ctx context.Context, q querier) (settingsRow, error) {
	var r settingsRow
	err := q.QueryRowContext(ctx, `SELECT id, general, experimental, created_at, updated_at FROM instance_settings
		WHERE singleton_key = 'default'`).Scan(&r.id, &r.general, &r.experimental, &r.createdAt, &r.updatedAt)
	return r, err
}

// decode merges the stored objects over the defaults: each stored key replaces the
// default of the same name, nested backupRetention key by key.
func (r settingsRow) decode() InstanceSettings {
	out := InstanceSettings{ID: r.id, General: DefaultGeneralSettings(), Experimental: DefaultExperimentalSettings(),
		CreatedAt: r.createdAt, UpdatedAt: r.updatedAt}
	// Unmarshal into the defaults keeps every key the stored object lacks.
	json.Unmarshal([]byte(r.general), &out.General)
	json.Unmarshal([]byte(r.experimental), &out.Experimental)
	return out
}

// ensureSettings returns the settings row, creating it on first use.
func (tx *Tx) ensureSettings() (settingsRow, error) {
	r, err := findSettingsRow(tx.ctx, tx)
	if err != sql.ErrNoRows {
		return r, err
	}
	now := tx.Now()
	r = settingsRow{id: NewID(), general: "{}", experimental: "{}", createdAt: now, updatedAt: now}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO instance_settings (id, singleton_key, general, experimental, created_at, updated_at)
		VALUES (?, 'default', '{}', '{}', ?, ?)`, r.id, now, now)
	return r, err
}

// FindInstanceSettings returns the settings merged over the defaults. Before the first
// write there is no row; the defaults are answered with a stable id created then.
func (s *Store) FindInstanceSettings(ctx context.Context) (InstanceSettings, error) {
	r, err := findSettingsRow(ctx, s.reader)
	if err == sql.ErrNoRows {
		var out InstanceSettings
		err = s.write(ctx, func(tx *Tx) error {
			r, err := tx.ensureSettings()
			out = r.decode()
			return err
		})
		return out, err
	}
	if err != nil {
		return InstanceSettings{}, err
	}
	return r.decode(), nil
}

// UpdateInstanceSettings merges a validated patch into the stored objects and writes
// the activity row once per company (settings have no company of their own). action is
// instance.settings.updated, ...general_updated or ...experimental_updated.
func (s *Store) UpdateInstanceSettings(ctx context.Context, action string, p SettingsPatch) (InstanceSettings, error) {
	var out InstanceSettings
	err := s.write(ctx, func(tx *Tx) error {
		r, err := tx.ensureSettings()
		if err != nil {
			return err
		}
		cur := r.decode()
		changed := map[string]any{}
		general, err := mergeSettings(cur.General, p.General, "general", changed)
		if err != nil {
			return err
		}
		experimental, err := mergeSettings(cur.Experimental, p.Experimental, "experimental", changed)
		if err != nil {
			return err
		}
		now := tx.Now()
		if _, err := tx.ExecContext(tx.ctx, `UPDATE instance_settings SET general = ?, experimental = ?, updated_at = ? WHERE id = ?`,
			general, experimental, now, r.id); err != nil {
			return err
		}
		r.general, r.experimental, r.updatedAt = general, experimental, now
		out = r.decode()
		if len(changed) == 0 {
			return nil
		}
		ids, err := queryAll(tx.ctx, tx, scanString, `SELECT id FROM companies ORDER BY created_at, id`)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.logActivity(id, action, "instance_settings", r.id, changed); err != nil {
				return err
			}
		}
		return nil
	})
	// After the commit (or a failed attempt): the next read sees the stored value.
	s.settings.invalidate()
	return out, err
}

// settingsCache holds general.censorUsernameInLogs, which the server consults for every
// run-log chunk it publishes and every run it answers; a read that raced a settings
// update is not kept (the generation moved), so the cache never outlives a change.
type settingsCache struct {
	mu     sync.Mutex
	gen    uint64
	valid  bool
	censor bool
}

func (c *settingsCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.valid = false
	c.mu.Unlock()
}

// CensorUsernameInLogs is the general.censorUsernameInLogs instance setting, read from
// the database once and then from memory until UpdateInstanceSettings changes it.
func (s *Store) CensorUsernameInLogs(ctx context.Context) (bool, error) {
	c := &s.settings
	c.mu.Lock()
	if c.valid {
		v := c.censor
		c.mu.Unlock()
		return v, nil
	}
	gen := c.gen
	c.mu.Unlock()
	r, err := findSettingsRow(ctx, s.reader)
	if err != nil && err != sql.ErrNoRows {
		return false, err
	}
	v := DefaultGeneralSettings().CensorUsernameInLogs
	if err == nil {
		v = r.decode().General.CensorUsernameInLogs
	}
	c.mu.Lock()
	if c.gen == gen {
		c.valid, c.censor = true, v
	}
	c.mu.Unlock()
	return v, nil
}

// mergeSettings applies patch keys over cur (a settings struct) and returns the stored
// JSON; the keys whose value changed are recorded in changed as "<section>.<key>".
func mergeSettings(cur any, patch map[string]any, section string, changed map[string]any) (string, error) {
	raw, err := json.Marshal(cur)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", err
	}
	for _, k := range sortedKeys(patch) {
		v := patch[k]
		if sub, ok := v.(map[string]any); ok {
			old, _ := m[k].(map[string]any)
			merged := map[string]any{}
			for ok, ov := range old {
				merged[ok] = ov
			}
			for sk, sv := range sub {
				merged[sk] = sv
			}
			v = merged
		}
		if !reflect.DeepEqual(m[k], v) {
			changed[section+"."+k] = v
		}
		m[k] = v
	}
	out, err := json.Marshal(m)
	return string(out), err
}

// HasActiveMembership reports whether a board user belongs to at least one company,
// the condition for reading instance settings without being an instance admin.
func (s *Store) HasActiveMembership(ctx context.Context, userID string) (bool, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM company_memberships WHERE principal_type = 'user'
		AND principal_id = ? AND status = 'active'`, userID).Scan(&n)
	return n > 0, err
}
