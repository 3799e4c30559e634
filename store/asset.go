package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Asset is a stored file (logo, image, attachment) with its upload result fields.
type Asset struct {
	AssetID          string  `json:"assetId"`
	CompanyID        string  `json:"companyId"`
	Provider         string  `json:"provider"`
	ObjectKey        string  `json:"objectKey"`
	ContentType      string  `json:"contentType"`
	ByteSize         int64   `json:"byteSize"`
	SHA256           string  `json:"sha256"`
	OriginalFilename *string `json:"originalFilename"`
	CreatedByAgentID *string `json:"createdByAgentId"`
	CreatedByUserID  *string `json:"createdByUserId"`
	CreatedAt        string  `json:"createdAt"`
	UpdatedAt        string  `json:"updatedAt"`
	ContentPath      string  `json:"contentPath"`
}

// AssetContentPath is the API path serving an asset's bytes.
func AssetContentPath(id string) string { return "/api/assets/" + id + "/content" }

var unsafeFilenameRe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// SafeFilename reduces an uploaded name to a portable object-key component.
func SafeFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = unsafeFilenameRe.ReplaceAllString(name, "_")
	name = strings.Trim(name, "._")
	if len(name) > 100 {
		name = name[len(name)-100:]
	}
	if name == "" {
		return "file"
	}
	return name
}

// NewAsset describes an upload to store.
type NewAsset struct {
	CompanyID        string
	Namespace        string // e.g. "assets/companies"
	ContentType      string
	OriginalFilename string
	Data             []byte
	// ActivityDetails are extra keys merged into the asset.created details.
	ActivityDetails map[string]any
}

func (s *Store) objectPath(companyID, key string) (string, error) {
	if s.storageDir == "" {
		return "", fmt.Errorf("storage directory not configured")
	}
	base := filepath.Join(s.storageDir, companyID)
	p := filepath.Join(base, filepath.FromSlash(key))
	if !strings.HasPrefix(p, base+string(os.PathSeparator)) {
		return "", fmt.Errorf("object key escapes storage: %q", key)
	}
	return p, nil
}

// CreateAsset writes the file, then its row and asset.created activity in one
// transaction; a failed transaction removes the file again.
func (s *Store) CreateAsset(ctx context.Context, in NewAsset) (Asset, error) {
	if err := checkFilename(in.OriginalFilename); err != nil {
		return Asset{}, err
	}
	id := NewID()
	key := in.Namespace + "/" + id + "-" + SafeFilename(in.OriginalFilename)
	path, err := s.objectPath(in.CompanyID, key)
	if err != nil {
		return Asset{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Asset{}, err
	}
	if err := os.WriteFile(path, in.Data, 0o600); err != nil {
		return Asset{}, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		if err := tx.requireCompany(in.CompanyID); err != nil {
			return err
		}
		var agentID, userID any
		if tx.actor.IsAgent() {
			agentID = tx.actor.AgentID
		} else if tx.actor.IsBoard() {
			userID = tx.actor.UserID
		}
		var orig any
		if in.OriginalFilename != "" {
			orig = in.OriginalFilename
		}
		if err := tx.insertAsset(id, in.CompanyID, key, in.ContentType, in.Data, orig, agentID, userID); err != nil {
			return err
		}
		details := map[string]any{"originalFilename": orig, "contentType": in.ContentType, "byteSize": len(in.Data)}
		for k, v := range in.ActivityDetails {
			details[k] = v
		}
		return tx.logActivity(in.CompanyID, "asset.created", "asset", id, details)
	})
	if err != nil {
		os.Remove(path)
		return Asset{}, err
	}
	return s.FindAssetByID(ctx, id)
}

// insertAsset writes an asset row for data stored under key.
func (tx *Tx) insertAsset(id, companyID, key, contentType string, data []byte, orig, agentID, userID any) error {
	sum := sha256.Sum256(data)
	now := tx.Now()
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO assets (id, company_id, provider, object_key, content_type, byte_size, sha256,
		original_filename, created_by_agent_id, created_by_user_id, created_at, updated_at)
		VALUES (?, ?, 'local_disk', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, companyID, key, contentType, len(data), hex.EncodeToString(sum[:]), orig, agentID, userID, now, now)
	return err
}

const assetColumns = `id, company_id, provider, object_key, content_type, byte_size, sha256, original_filename,
	created_by_agent_id, created_by_user_id, created_at, updated_at`

func scanAsset(sc scanner) (Asset, error) {
	var a Asset
	var orig, agent, user sql.NullString
	err := sc.Scan(&a.AssetID, &a.CompanyID, &a.Provider, &a.ObjectKey, &a.ContentType, &a.ByteSize, &a.SHA256,
		&orig, &agent, &user, &a.CreatedAt, &a.UpdatedAt)
	a.OriginalFilename, a.CreatedByAgentID, a.CreatedByUserID = strPtr(orig), strPtr(agent), strPtr(user)
	a.ContentPath = AssetContentPath(a.AssetID)
	return a, err
}

// FindAssetByID returns one asset or "Asset not found".
func (s *Store) FindAssetByID(ctx context.Context, id string) (Asset, error) {
	a, err := scanAsset(s.reader.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets WHERE id = ?`, id))
	return a, translate(err, "Asset")
}

// OpenAsset opens an asset's stored file for reading.
func (s *Store) OpenAsset(a Asset) (*os.File, error) {
	p, err := s.objectPath(a.CompanyID, a.ObjectKey)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// deleteAssetUnlessAttached removes an asset row (and its file after commit) unless an
// issue attachment still points at it.
func (tx *Tx) deleteAssetUnlessAttached(s *Store, assetID string) error {
	var attached int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM issue_attachments WHERE asset_id = ?`, assetID).Scan(&attached); err != nil {
		return err
	}
	if attached > 0 {
		return nil
	}
	return tx.deleteAsset(s, assetID)
}

// deleteAsset removes an asset row now and its file once the transaction commits.
func (tx *Tx) deleteAsset(s *Store, assetID string) error {
	var companyID, key string
	err := tx.QueryRowContext(tx.ctx, `SELECT company_id, object_key FROM assets WHERE id = ?`, assetID).Scan(&companyID, &key)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM assets WHERE id = ?`, assetID); err != nil {
		return err
	}
	if p, err := s.objectPath(companyID, key); err == nil {
		tx.afterCommit(func() { os.Remove(p) })
	}
	return nil
}
