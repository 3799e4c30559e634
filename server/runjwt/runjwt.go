// Package runjwt signs and verifies the per-run agent JWT (runtime.md §16.2). It is a
// leaf so both the HTTP layer (verification) and the heartbeat runtime (minting) can use
// it without importing each other.
package runjwt

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"paperclip/store"
)

// Defaults of the PAPERCLIP_AGENT_JWT_* settings.
const (
	DefaultIssuer   = "paperclip"
	DefaultAudience = "paperclip-api"
	DefaultTTL      = 48 * time.Hour
	// Leeway is the clock skew allowed on exp (access-auth §9).
	Leeway = 30 * time.Second
)

// Config is the signing configuration; zero Issuer/Audience/TTL take the defaults.
type Config struct {
	Secret   string
	Issuer   string
	Audience string
	TTL      time.Duration
}

func (c Config) withDefaults() Config {
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	if c.Audience == "" {
		c.Audience = DefaultAudience
	}
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	return c
}

// Claims are the verified claims of a run JWT.
type Claims struct {
	AgentID     string
	CompanyID   string
	AdapterType string
	RunID       string
	IssuedAt    time.Time
	ExpiresAt   time.Time
}

// ErrInvalid is every verification failure: callers answer 401 without detail.
var ErrInvalid = errors.New("invalid run token")

// ErrNoSecret is returned when no signing secret is configured.
var ErrNoSecret = errors.New("agent JWT secret is not configured")

// Mint signs the JWT of one run of an agent, valid for the configured TTL from now.
func Mint(cfg Config, agent store.Agent, runID string, now time.Time) (string, error) {
	cfg = cfg.withDefaults()
	if cfg.Secret == "" {
		return "", ErrNoSecret
	}
	claims := jwt.MapClaims{
		"sub":          agent.ID,
		"company_id":   agent.CompanyID,
		"adapter_type": agent.AdapterType,
		"run_id":       runID,
		"iat":          now.Unix(),
		"exp":          now.Add(cfg.TTL).Unix(),
		"iss":          cfg.Issuer,
		"aud":          cfg.Audience,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(cfg.Secret))
}

type wireClaims struct {
	CompanyID   string `json:"company_id"`
	AdapterType string `json:"adapter_type"`
	RunID       string `json:"run_id"`
	jwt.RegisteredClaims
}

// Verify checks alg (HS256 only, so "none" and key-confusion tricks fail), signature,
// exp (with Leeway), iss and aud, and that the identity claims are present.
func Verify(cfg Config, token string, now time.Time) (Claims, error) {
	cfg = cfg.withDefaults()
	if cfg.Secret == "" {
		return Claims{}, ErrInvalid
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
	)
	var wc wireClaims
	_, err := parser.ParseWithClaims(token, &wc, func(*jwt.Token) (any, error) { return []byte(cfg.Secret), nil })
	if err != nil {
		return Claims{}, ErrInvalid
	}
	if wc.Subject == "" || wc.CompanyID == "" || wc.RunID == "" {
		return Claims{}, ErrInvalid
	}
	c := Claims{AgentID: wc.Subject, CompanyID: wc.CompanyID, AdapterType: wc.AdapterType, RunID: wc.RunID}
	if wc.IssuedAt != nil {
		c.IssuedAt = wc.IssuedAt.Time
	}
	if wc.ExpiresAt != nil {
		c.ExpiresAt = wc.ExpiresAt.Time
	}
	return c, nil
}
