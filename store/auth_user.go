package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// User is a board user as the API shows it: never its password hash.
type User struct {
	ID    string  `json:"id"`
	Email string  `json:"email"`
	Name  string  `json:"name"`
	Image *string `json:"image"`
}

// scrypt parameters of stored password hashes (access-auth §2). They match the hashes
// upstream writes, so a database carried over keeps its passwords.
const (
	scryptN      = 16384
	scryptR      = 16
	scryptP      = 1
	scryptKeyLen = 64
)

// HashPassword returns "<saltHex>:<keyHex>" for password with a fresh 16-byte salt.
// Like upstream, the salt's hex text (not its raw bytes) is what scrypt is given.
func HashPassword(password string) (string, error) { return hashPassword(password, scryptN) }

// VerifyPassword reports whether password matches a stored hash, comparing in
// constant time. A malformed hash never matches.
func VerifyPassword(password, stored string) bool { return verifyPassword(password, stored, scryptN) }

func hashPassword(password string, n int) (string, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	salt := hex.EncodeToString(raw)
	key, err := scrypt.Key([]byte(password), []byte(salt), n, scryptR, scryptP, scryptKeyLen)
	if err != nil {
		return "", err
	}
	return salt + ":" + hex.EncodeToString(key), nil
}

// dummyPasswordHash is compared against when the email is unknown, so a sign-in takes
// as long whether or not the account exists.
const dummyPasswordHash = "00000000000000000000000000000000:" +
	"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"

func verifyPassword(password, stored string, n int) bool {
	salt, keyHex, ok := strings.Cut(stored, ":")
	want, err := hex.DecodeString(keyHex)
	if !ok || err != nil || len(want) != scryptKeyLen {
		salt, want = strings.Repeat("0", 32), make([]byte, scryptKeyLen)
		ok = false
	}
	got, err := scrypt.Key([]byte(password), []byte(salt), n, scryptR, scryptP, scryptKeyLen)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1 && ok
}

// NormalizeEmail trims and lower-cases an address and checks its shape: one "@" with
// non-empty parts, at most 254 characters.
func NormalizeEmail(s string) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(s))
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") || len(e) > 254 ||
		strings.ContainsAny(e, " \t\r\n") {
		return "", false
	}
	return e, true
}

// SignUpInput is the sign-up body.
type SignUpInput struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Validate checks lengths and the email shape, normalising the email in place.
func (in *SignUpInput) Validate() error {
	var p Problems
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		p.Add("too_small", "String must contain at least 1 character(s)", "name")
	case len([]rune(name)) > 120:
		p.Add("too_big", "String must contain at most 120 character(s)", "name")
	}
	in.Name = name
	if e, ok := NormalizeEmail(in.Email); ok {
		in.Email = e
	} else {
		p.Add("invalid_string", "Invalid email", "email")
	}
	validatePassword(&p, "password", in.Password)
	return p.Err()
}

func validatePassword(p *Problems, field, pw string) {
	switch n := len([]rune(pw)); {
	case n < 8:
		p.Add("too_small", "String must contain at least 8 character(s)", field)
	case n > 128:
		p.Add("too_big", "String must contain at most 128 character(s)", field)
	}
}

const userColumns = `id, email, name, image`

func scanUser(sc scanner) (User, error) {
	var u User
	var image sql.NullString
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &image)
	u.Image = strPtr(image)
	return u, err
}

// FindUserByID returns a user, or not_found "User not found".
func (s *Store) FindUserByID(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.reader.QueryRowContext(ctx, `SELECT `+userColumns+` FROM auth_users WHERE id = ?`, id))
	return u, translate(err, "User")
}

// errBadLogin is the one answer to a wrong email or a wrong password, so a caller
// cannot tell which accounts exist.
func errBadLogin() *Error { return Errorf(EUNAUTHORIZED, "Invalid email or password") }

// FindUserByPassword returns the user whose email and password match, or unauthorized
// "Invalid email or password" for either mistake, after the same amount of hashing.
func (s *Store) FindUserByPassword(ctx context.Context, email, password string) (User, error) {
	e, _ := NormalizeEmail(email)
	var hash sql.NullString
	row := s.reader.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM auth_users WHERE email = ?`, e)
	var u User
	var image sql.NullString
	err := row.Scan(&u.ID, &u.Email, &u.Name, &image, &hash)
	if err != nil && err != sql.ErrNoRows {
		return User{}, err
	}
	u.Image = strPtr(image)
	stored := dummyPasswordHash
	if err == nil && hash.Valid {
		stored = hash.String
	}
	if !verifyPassword(password, stored, s.scryptN) || err != nil || !hash.Valid {
		return User{}, errBadLogin()
	}
	return u, nil
}

// ProfileInput is the PATCH /api/auth/profile body.
type ProfileInput struct {
	Name  Optional[string] `json:"name"`
	Image Optional[string] `json:"image"`
}

// Validate checks the name and the image reference: an asset content path of this
// instance, an http(s) URL, or empty to clear it.
func (in *ProfileInput) Validate() error {
	var p Problems
	switch {
	case !in.Name.Set || in.Name.Null:
		p.Required("name")
	case strings.TrimSpace(in.Name.Value) == "":
		p.Add("too_small", "String must contain at least 1 character(s)", "name")
	case len([]rune(strings.TrimSpace(in.Name.Value))) > 120:
		p.Add("too_big", "String must contain at most 120 character(s)", "name")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if img := strings.TrimSpace(in.Image.Value); in.Image.Set && !in.Image.Null && img != "" && !validProfileImage(img) {
		return Errorf(EINVALID, "Invalid profile image URL")
	}
	return nil
}

func validProfileImage(s string) bool {
	if len(s) > 2048 {
		return false
	}
	if rest, ok := strings.CutPrefix(s, "/api/assets/"); ok {
		id, tail, _ := strings.Cut(rest, "/")
		return IsUUID(id) && tail == "content"
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// UpdateProfile sets the user's name and image (empty or null clears the image).
func (s *Store) UpdateProfile(ctx context.Context, userID string, in ProfileInput) (User, error) {
	if err := in.Validate(); err != nil {
		return User{}, err
	}
	var image any
	if img := strings.TrimSpace(in.Image.Value); in.Image.Set && !in.Image.Null && img != "" {
		image = img
	}
	err := s.write(ctx, func(tx *Tx) error {
		q := `UPDATE auth_users SET name = ?, updated_at = ? WHERE id = ?`
		args := []any{strings.TrimSpace(in.Name.Value), tx.Now(), userID}
		if in.Image.Set {
			q = `UPDATE auth_users SET name = ?, image = ?, updated_at = ? WHERE id = ?`
			args = []any{args[0], image, args[1], userID}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return NotFound("User")
		}
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return s.FindUserByID(ctx, userID)
}

// PasswordChange is the change-password body.
type PasswordChange struct {
	CurrentPassword     string `json:"currentPassword"`
	NewPassword         string `json:"newPassword"`
	RevokeOtherSessions bool   `json:"revokeOtherSessions"`
}

// ChangePassword replaces a user's password after checking the current one; with
// RevokeOtherSessions every session but keepSessionID ends. Hashing happens before the
// write transaction so a slow scrypt never holds the writer.
func (s *Store) ChangePassword(ctx context.Context, userID, keepSessionID string, in PasswordChange) error {
	if userID == LocalBoardUserID {
		return Errorf(EFORBIDDEN, "Local board has no password")
	}
	var p Problems
	if in.CurrentPassword == "" {
		p.Add("too_small", "String must contain at least 1 character(s)", "currentPassword")
	}
	validatePassword(&p, "newPassword", in.NewPassword)
	if err := p.Err(); err != nil {
		return err
	}
	var stored sql.NullString
	if err := s.reader.QueryRowContext(ctx, `SELECT password_hash FROM auth_users WHERE id = ?`, userID).Scan(&stored); err != nil {
		return translate(err, "User")
	}
	if !stored.Valid || !verifyPassword(in.CurrentPassword, stored.String, s.scryptN) {
		return errBadLogin()
	}
	hash, err := hashPassword(in.NewPassword, s.scryptN)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		// The hash read above must still be current: a concurrent change wins once.
		res, err := tx.ExecContext(ctx, `UPDATE auth_users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?`,
			hash, tx.Now(), userID, stored.String)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errBadLogin()
		}
		if in.RevokeOtherSessions {
			_, err = tx.ExecContext(ctx, `DELETE FROM auth_sessions WHERE user_id = ? AND id <> ?`, userID, keepSessionID)
		}
		return err
	})
}
