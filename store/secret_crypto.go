package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// secretScheme names the stored material format of the local_encrypted provider.
const secretScheme = "local_encrypted_v1"

// SecretKey is the instance master key of the local_encrypted provider: AES-256-GCM
// with a fresh nonce per secret version. It lives only in memory, built from config.
type SecretKey struct {
	aead cipher.AEAD
}

// ParseSecretKey accepts the three encodings of a master key: 64 hex characters,
// base64 of exactly 32 bytes, or a raw 32-byte string.
func ParseSecretKey(text string) (*SecretKey, error) {
	t := strings.TrimSpace(text)
	var raw []byte
	if b, err := hex.DecodeString(t); err == nil && len(t) == 64 {
		raw = b
	} else if b, err := base64.StdEncoding.DecodeString(t); err == nil && len(b) == 32 {
		raw = b
	} else if len(t) == 32 {
		raw = []byte(t)
	} else {
		return nil, errors.New("secrets master key must be 32 bytes (64 hex characters, base64, or raw)")
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretKey{aead: aead}, nil
}

// LoadSecretKey resolves the master key: the key text when given, else the key file,
// which is created (32 random bytes, base64, mode 0600 in a 0700 directory) when it
// does not exist yet.
func LoadSecretKey(text, path string) (*SecretKey, error) {
	if text != "" {
		return ParseSecretKey(text)
	}
	if path == "" {
		return nil, errors.New("no secrets master key configured")
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create master key directory: %w", err)
		}
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		data = []byte(base64.StdEncoding.EncodeToString(b))
		// O_EXCL: two servers starting at once must not each write a different key.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return LoadSecretKey("", path)
		}
		if err != nil {
			return nil, fmt.Errorf("create master key: %w", err)
		}
		_, werr := f.Write(append(data, '\n'))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("write master key: %w", werr)
		}
	} else if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	k, err := ParseSecretKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", path, err)
	}
	return k, nil
}

// secretMaterial is the stored JSON of one encrypted version. Go's Seal appends the
// tag to the ciphertext; they are stored apart, as upstream stores them.
type secretMaterial struct {
	Scheme     string `json:"scheme"`
	IV         string `json:"iv"`
	Tag        string `json:"tag"`
	Ciphertext string `json:"ciphertext"`
}

// seal encrypts a plaintext into its stored material and the hex sha256 of the value.
func (k *SecretKey) seal(plaintext string) (material, digest string, err error) {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", "", err
	}
	out := k.aead.Seal(nil, nonce, []byte(plaintext), nil)
	tagAt := len(out) - k.aead.Overhead()
	m, err := json.Marshal(secretMaterial{Scheme: secretScheme, IV: base64.StdEncoding.EncodeToString(nonce),
		Tag: base64.StdEncoding.EncodeToString(out[tagAt:]), Ciphertext: base64.StdEncoding.EncodeToString(out[:tagAt])})
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte(plaintext))
	return string(m), hex.EncodeToString(sum[:]), nil
}

// open decrypts stored material.
func (k *SecretKey) open(material string) (string, error) {
	var m secretMaterial
	if err := json.Unmarshal([]byte(material), &m); err != nil || m.Scheme != secretScheme {
		return "", errors.New("unknown secret material scheme")
	}
	nonce, err1 := base64.StdEncoding.DecodeString(m.IV)
	tag, err2 := base64.StdEncoding.DecodeString(m.Tag)
	ct, err3 := base64.StdEncoding.DecodeString(m.Ciphertext)
	if err := errors.Join(err1, err2, err3); err != nil || len(nonce) != k.aead.NonceSize() {
		return "", errors.New("malformed secret material")
	}
	plain, err := k.aead.Open(nil, nonce, append(ct, tag...), nil)
	if err != nil {
		return "", errors.New("secret material does not decrypt under this master key")
	}
	return string(plain), nil
}
