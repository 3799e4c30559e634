package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// BoardKeyPrefix starts every board API key.
const BoardKeyPrefix = "pcp_board_"

// BoardKeyTTL is the lifetime of a board key created without an explicit expiry.
const BoardKeyTTL = 30 * 24 * time.Hour

// BoardKey is a stored board API key (never its token).
type BoardKey struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	CreatedAt  string  `json:"createdAt"`
	LastUsedAt *string `json:"lastUsedAt"`
	ExpiresAt  *string `json:"expiresAt"`
	RevokedAt  *string `json:"revokedAt"`
}

// NewBoardKey is the create response: the only time the token is shown.
type NewBoardKey struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Token     string  `json:"token"`
	CreatedAt string  `json:"createdAt"`
	ExpiresAt *string `json:"expiresAt"`
}

// BoardKeyInput is the create body: expiresAt absent means the default lifetime,
// null means no expiry.
type BoardKeyInput struct {
	Name      Optional[string] `json:"name"`
	ExpiresAt Optional[string] `json:"expiresAt"`
}

// BoardKeyAuth is a resolved board key.
type BoardKeyAuth struct {
	KeyID         string
	User          User
	InstanceAdmin bool
}

// CreateBoardKey mints a key for the user: pcp_board_ + 48 hex, only its hash stored.
func (s *Store) CreateBoardKey(ctx context.Context, userID string, in BoardKeyInput) (NewBoardKey, error) {
	var p Problems
	name := "paperclip cli"
	if in.Name.Set {
		n := strings.TrimSpace(in.Name.Value)
		switch {
		case in.Name.Null:
			p.Add("invalid_type", "Expected string, received null", "name")
		case n == "":
			p.Add("too_small", "String must contain at least 1 character(s)", "name")
		case len([]rune(n)) > 120:
			p.Add("too_big", "String must contain at most 120 character(s)", "name")
		}
		name = n
	}
	var exp *string
	now := s.Now()
	switch {
	case !in.ExpiresAt.Set:
		v := FormatTime(now.Add(BoardKeyTTL))
		exp = &v
	case in.ExpiresAt.Null:
	default:
		t, err := ParseTime(in.ExpiresAt.Value)
		switch {
		case err != nil:
			p.Add("invalid_string", "Invalid datetime", "expiresAt")
		case !t.After(now):
			p.Add("custom", "expiresAt must be in the future", "expiresAt")
		default:
			v := FormatTime(t)
			exp = &v
		}
	}
	if err := p.Err(); err != nil {
		return NewBoardKey{}, err
	}
	out := NewBoardKey{ID: NewID(), Name: name, Token: BoardKeyPrefix + RandomHex(24), ExpiresAt: exp}
	err := s.write(ctx, func(tx *Tx) error {
		out.CreatedAt = tx.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO board_api_keys (id, user_id, name, key_hash, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, out.ID, userID, name, HashToken(out.Token), nullStr(exp), out.CreatedAt)
		return translate(err, "Board API key")
	})
	return out, err
}

// BoardKeyFilter selects board keys: one user's, revoked and expired ones only when
// IncludeInactive.
type BoardKeyFilter struct {
	UserID          string
	IncludeInactive bool
}

func scanBoardKey(sc scanner) (BoardKey, error) {
	var k BoardKey
	var used, exp, rev sql.NullString
	err := sc.Scan(&k.ID, &k.Name, &k.CreatedAt, &used, &exp, &rev)
	k.LastUsedAt, k.ExpiresAt, k.RevokedAt = strPtr(used), strPtr(exp), strPtr(rev)
	return k, err
}

// FindBoardKeys lists a user's keys newest first.
func (s *Store) FindBoardKeys(ctx context.Context, f BoardKeyFilter) ([]BoardKey, error) {
	q := `SELECT id, name, created_at, last_used_at, expires_at, revoked_at FROM board_api_keys WHERE user_id = ?`
	args := []any{f.UserID}
	if !f.IncludeInactive {
		q += ` AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`
		args = append(args, FormatTime(s.Now()))
	}
	return queryAll(ctx, s.reader, scanBoardKey, q+` ORDER BY created_at DESC, id DESC`, args...)
}

// RevokeBoardKey revokes one of the user's keys; another user's key is not found.
// Revoking twice is no error.
func (s *Store) RevokeBoardKey(ctx context.Context, userID, keyID string) error {
	return s.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM board_api_keys WHERE id = ? AND user_id = ?`, keyID, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return NotFound("Board API key")
		}
		_, err := tx.ExecContext(ctx, `UPDATE board_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, tx.Now(), keyID)
		return err
	})
}

// ResolveBoardKey finds the live key of a token with its user and stamps its use at
// most once a minute. Unknown, revoked and expired keys are unauthorized.
func (s *Store) ResolveBoardKey(ctx context.Context, token string) (BoardKeyAuth, error) {
	var ka BoardKeyAuth
	var used sql.NullString
	var image sql.NullString
	now := s.Now()
	err := s.reader.QueryRowContext(ctx, `SELECT k.id, k.last_used_at, u.id, u.email, u.name, u.image
		FROM board_api_keys k JOIN auth_users u ON u.id = k.user_id
		WHERE k.key_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)`,
		HashToken(token), FormatTime(now)).Scan(&ka.KeyID, &used, &ka.User.ID, &ka.User.Email, &ka.User.Name, &image)
	if err == sql.ErrNoRows {
		return ka, Errorf(EUNAUTHORIZED, "Invalid or expired credentials")
	}
	if err != nil {
		return ka, err
	}
	ka.User.Image = strPtr(image)
	if last, perr := ParseTime(used.String); !used.Valid || (perr == nil && now.Sub(last) > time.Minute) {
		if err := s.write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE board_api_keys SET last_used_at = ? WHERE id = ?`, tx.Now(), ka.KeyID)
			return err
		}); err != nil {
			return ka, err
		}
	}
	ka.InstanceAdmin, err = s.IsInstanceAdmin(ctx, ka.User.ID)
	return ka, err
}
