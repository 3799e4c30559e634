package store

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"
)

// Label is a company-wide issue tag (issues.md §12).
type Label struct {
	ID        string `json:"id"`
	CompanyID string `json:"companyId"`
	Name      string `json:"name"`
	Color     string `json:"color"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

// LabelInput is the create body.
type LabelInput struct {
	Name  Optional[string] `json:"name"`
	Color Optional[string] `json:"color"`
}

// Validate checks the label body: name trimmed 1..48, color #RRGGBB.
func (in *LabelInput) Validate() error {
	var p Problems
	switch {
	case !in.Name.Set:
		p.Required("name")
	case in.Name.Null:
		p.Add("invalid_type", "Expected string, received null", "name")
	default:
		n := utf8.RuneCountInString(strings.TrimSpace(in.Name.Value))
		if n == 0 {
			p.Add("too_small", "String must contain at least 1 character(s)", "name")
		} else if n > 48 {
			p.Add("too_big", "String must contain at most 48 character(s)", "name")
		}
	}
	switch {
	case !in.Color.Set:
		p.Required("color")
	case in.Color.Null || !IsHexColor(in.Color.Value):
		p.Add("invalid_string", "Color must be a 6-digit hex value", "color")
	}
	p.Limits(in)
	return p.Err()
}

const labelColumns = `id, company_id, name, color, created_at, updated_at`

func scanLabel(sc scanner) (Label, error) {
	var l Label
	err := sc.Scan(&l.ID, &l.CompanyID, &l.Name, &l.Color, &l.CreatedAt, &l.UpdatedAt)
	return l, err
}

// LabelFilter selects labels; CompanyID is required.
type LabelFilter struct {
	CompanyID string
}

// FindLabels lists a company's labels by name, then id.
func (s *Store) FindLabels(ctx context.Context, f LabelFilter) ([]Label, error) {
	return queryAll(ctx, s.reader, scanLabel, `SELECT `+labelColumns+` FROM labels WHERE company_id = ? ORDER BY name, id`, f.CompanyID)
}

// FindLabelByID returns one label or "Label not found".
func (s *Store) FindLabelByID(ctx context.Context, id string) (Label, error) {
	l, err := scanLabel(s.reader.QueryRowContext(ctx, `SELECT `+labelColumns+` FROM labels WHERE id = ?`, id))
	return l, translate(err, "Label")
}

// CreateLabel adds a label; a name already used in the company is a conflict.
func (s *Store) CreateLabel(ctx context.Context, companyID string, in LabelInput) (Label, error) {
	if err := in.Validate(); err != nil {
		return Label{}, err
	}
	l := Label{ID: NewID(), CompanyID: companyID, Name: strings.TrimSpace(in.Name.Value), Color: in.Color.Value}
	err := s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(companyID); err != nil {
			return err
		}
		if tx.actor.IsAgent() && tx.actor.CompanyID != companyID {
			return Errorf(EFORBIDDEN, "Agent key cannot access another company")
		}
		l.CreatedAt, l.UpdatedAt = tx.Now(), tx.Now()
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO labels (`+labelColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			l.ID, l.CompanyID, l.Name, l.Color, l.CreatedAt, l.UpdatedAt)
		if isUniqueViolation(err, "") {
			return Errorf(ECONFLICT, "Label already exists: %s", l.Name)
		}
		if err != nil {
			return err
		}
		return tx.logActivity(companyID, "label.created", "label", l.ID, map[string]any{"name": l.Name, "color": l.Color})
	})
	return l, err
}

// DeleteLabel removes a label from every issue and deletes it, returning it as it was.
func (s *Store) DeleteLabel(ctx context.Context, id string) (Label, error) {
	var l Label
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		l, err = scanLabel(tx.QueryRowContext(tx.ctx, `SELECT `+labelColumns+` FROM labels WHERE id = ?`, id))
		if err != nil {
			return translate(err, "Label")
		}
		if tx.actor.IsAgent() && tx.actor.CompanyID != l.CompanyID {
			return NotFound("Label")
		}
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM labels WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.logActivity(l.CompanyID, "label.deleted", "label", l.ID, map[string]any{"name": l.Name, "color": l.Color})
	})
	return l, err
}

// setIssueLabels replaces an issue's label set; every id must be a label of the
// issue's company.
func (tx *Tx) setIssueLabels(is *Issue, ids []string) error {
	ids = dedupeStrings(ids)
	if len(ids) > 0 {
		args := []any{is.CompanyID}
		for _, id := range ids {
			args = append(args, id)
		}
		var n int
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM labels WHERE company_id = ? AND id IN (`+placeholders(len(ids))+`)`, args...).Scan(&n); err != nil {
			return err
		}
		if n != len(ids) {
			return Errorf(EUNPROCESSABLE, "One or more labels are invalid for this company")
		}
	}
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM issue_labels WHERE issue_id = ?`, is.ID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO issue_labels (issue_id, label_id, company_id, created_at) VALUES (?, ?, ?, ?)`,
			is.ID, id, is.CompanyID, tx.Now()); err != nil {
			return err
		}
	}
	is.Labels, is.LabelIDs = []Label{}, []string{}
	return loadIssueLabels(tx.ctx, tx, []*Issue{is})
}

func sortedCopy(in []string) []string {
	out := append([]string{}, in...)
	sort.Strings(out)
	return out
}
