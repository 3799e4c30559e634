package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"time"
)

// Session lifetimes (access-auth §2): a session lives a week, and one used more than a
// day after it was last extended gets another week.
const (
	SessionTTL     = 7 * 24 * time.Hour
	SessionRefresh = 24 * time.Hour
)

// Session is a sign-in session as the API shows it: never its token.
type Session struct {
	ID        string  `json:"id"`
	UserID    string  `json:"userId"`
	ExpiresAt *string `json:"expiresAt"`
}

// NewSession is a freshly created session with its token, which goes into the cookie
// and nowhere else; only its sha256 is stored.
type NewSession struct {
	Session
	Token string `json:"-"`
}

// SessionMeta is where a session was created from, kept for the user's own review.
type SessionMeta struct {
	IP        string
	UserAgent string
}

// SessionAuth is a resolved session cookie.
type SessionAuth struct {
	Session       Session
	User          User
	InstanceAdmin bool
}

func newSessionToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// insertSession opens a session for userID inside tx.
func (tx *Tx) insertSession(userID string, meta SessionMeta) (NewSession, error) {
	token, err := newSessionToken()
	if err != nil {
		return NewSession{}, err
	}
	exp := FormatTime(tx.now.Add(SessionTTL))
	ns := NewSession{Session: Session{ID: NewID(), UserID: userID, ExpiresAt: &exp}, Token: token}
	now := tx.Now()
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO auth_sessions (id, user_id, token_hash, expires_at, ip_address, user_agent,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ns.ID, userID, HashToken(token), exp, nullIfEmpty(clipText(meta.IP, 64)), nullIfEmpty(clipText(meta.UserAgent, 512)), now, now)
	return ns, err
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// SignUp creates a user with a password and signs them in, in one transaction. The
// password is hashed before the transaction so scrypt never holds the writer.
func (s *Store) SignUp(ctx context.Context, in SignUpInput, meta SessionMeta) (User, NewSession, error) {
	if err := in.Validate(); err != nil {
		return User{}, NewSession{}, err
	}
	hash, err := hashPassword(in.Password, s.scryptN)
	if err != nil {
		return User{}, NewSession{}, err
	}
	u := User{ID: NewID(), Email: in.Email, Name: in.Name}
	var ns NewSession
	err = s.write(ctx, func(tx *Tx) error {
		now := tx.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO auth_users (id, email, name, email_verified, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, 0, ?, ?, ?)`, u.ID, u.Email, u.Name, hash, now, now); err != nil {
			return translate(err, "User")
		}
		ns, err = tx.insertSession(u.ID, meta)
		return err
	})
	return u, ns, err
}

// SignIn checks email and password and opens a session.
func (s *Store) SignIn(ctx context.Context, email, password string, meta SessionMeta) (User, NewSession, error) {
	u, err := s.FindUserByPassword(ctx, email, password)
	if err != nil {
		return User{}, NewSession{}, err
	}
	var ns NewSession
	err = s.write(ctx, func(tx *Tx) error {
		var err error
		ns, err = tx.insertSession(u.ID, meta)
		return err
	})
	return u, ns, err
}

// ResolveSession finds the live session of a cookie token with its user, extending
// it when it was last extended more than SessionRefresh ago. Unknown or expired
// tokens are unauthorized.
func (s *Store) ResolveSession(ctx context.Context, token string) (SessionAuth, error) {
	var sa SessionAuth
	var exp, refreshed string
	var image sql.NullString
	now := s.Now()
	err := s.reader.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.expires_at, s.updated_at, u.email, u.name, u.image
		FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`,
		HashToken(token), FormatTime(now)).Scan(&sa.Session.ID, &sa.Session.UserID, &exp, &refreshed,
		&sa.User.Email, &sa.User.Name, &image)
	if err == sql.ErrNoRows {
		return sa, Errorf(EUNAUTHORIZED, "Invalid or expired credentials")
	}
	if err != nil {
		return sa, err
	}
	sa.User.ID, sa.User.Image = sa.Session.UserID, strPtr(image)
	if last, perr := ParseTime(refreshed); perr == nil && now.Sub(last) > SessionRefresh {
		newExp := FormatTime(now.Add(SessionTTL))
		if err := s.write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE auth_sessions SET expires_at = ?, updated_at = ? WHERE id = ? AND updated_at = ?`,
				newExp, FormatTime(now), sa.Session.ID, refreshed)
			return err
		}); err != nil {
			return sa, err
		}
		exp = newExp
	}
	sa.Session.ExpiresAt = &exp
	sa.InstanceAdmin, err = s.IsInstanceAdmin(ctx, sa.User.ID)
	return sa, err
}

// DeleteSession ends the session of a cookie token; an unknown token is no error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM auth_sessions WHERE token_hash = ?`, HashToken(token))
		return err
	})
}

// PruneExpiredSessions deletes sessions past their expiry and reports how many.
func (s *Store) PruneExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM auth_sessions WHERE expires_at <= ?`, tx.Now())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
