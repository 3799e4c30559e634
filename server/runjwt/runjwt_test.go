package runjwt_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"paperclip/server/runjwt"
	"paperclip/store"
)

var (
	cfg   = runjwt.Config{Secret: strings.Repeat("ab", 32)}
	agent = store.Agent{ID: "11111111-1111-4111-8111-111111111111", CompanyID: "22222222-2222-4222-8222-222222222222", AdapterType: "process"}
	run   = "33333333-3333-4333-8333-333333333333"
	t0    = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

func TestMintVerifyRoundTrip(t *testing.T) {
	tok, err := runjwt.Mint(cfg, agent, run, t0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := runjwt.Verify(cfg, tok, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if c.AgentID != agent.ID || c.CompanyID != agent.CompanyID || c.RunID != run || c.AdapterType != "process" {
		t.Fatalf("claims %+v", c)
	}
	if !c.ExpiresAt.Equal(t0.Add(runjwt.DefaultTTL)) || !c.IssuedAt.Equal(t0) {
		t.Fatalf("times %v %v", c.IssuedAt, c.ExpiresAt)
	}
}

func TestVerifyRejects(t *testing.T) {
	good, _ := runjwt.Mint(cfg, agent, run, t0)
	otherAud, _ := runjwt.Mint(runjwt.Config{Secret: cfg.Secret, Audience: "elsewhere"}, agent, run, t0)
	otherIss, _ := runjwt.Mint(runjwt.Config{Secret: cfg.Secret, Issuer: "mallory"}, agent, run, t0)
	otherKey, _ := runjwt.Mint(runjwt.Config{Secret: "wrong"}, agent, run, t0)
	noRun, _ := runjwt.Mint(cfg, agent, "", t0)
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"sub": agent.ID, "company_id": agent.CompanyID,
		"run_id": run, "exp": t0.Add(time.Hour).Unix(), "iss": "paperclip", "aud": "paperclip-api"}).SignedString([]byte(cfg.Secret))
	// alg "none": same claims, empty signature.
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	cases := map[string]struct {
		tok string
		at  time.Time
	}{
		"expired":         {good, t0.Add(runjwt.DefaultTTL + 31*time.Second)},
		"wrong secret":    {otherKey, t0},
		"wrong audience":  {otherAud, t0},
		"wrong issuer":    {otherIss, t0},
		"alg none":        {none, t0},
		"alg HS512":       {hs512, t0},
		"missing run id":  {noRun, t0},
		"garbage":         {"a.b.c", t0},
		"tampered claims": {parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"x"}`)) + "." + parts[2], t0},
	}
	for name, c := range cases {
		if _, err := runjwt.Verify(cfg, c.tok, c.at); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := runjwt.Verify(cfg, good, t0.Add(runjwt.DefaultTTL+29*time.Second)); err != nil {
		t.Errorf("within leeway rejected: %v", err)
	}
	if _, err := runjwt.Verify(runjwt.Config{}, good, t0); err == nil {
		t.Error("verified without a secret")
	}
	if _, err := runjwt.Mint(runjwt.Config{}, agent, run, t0); err != runjwt.ErrNoSecret {
		t.Errorf("mint without secret: %v", err)
	}
}
