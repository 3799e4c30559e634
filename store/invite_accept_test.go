package store_test

import (
	"context"
	"testing"
	"time"

	"paperclip/store"
)

// TestBootstrapClaimRetiresLocalBoard: accepting the bootstrap invite makes the user
// admin and owner of every company, and removes the implicit local board with its
// keys, so nothing minted on loopback works afterwards.
func TestBootstrapClaimRetiresLocalBoard(t *testing.T) {
	s := MustOpen(t, store.Options{ScryptN: 1024})
	ctx := context.Background()
	if err := s.EnsureLocalBoard(ctx); err != nil {
		t.Fatal(err)
	}
	c := mustCompany(t, s, "Legacy")
	localKey, err := s.CreateBoardKey(ctx, store.LocalBoardUserID, store.BoardKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := s.SignUp(ctx, store.SignUpInput{Name: "Mo", Email: "mo@example.com", Password: "12345678"}, store.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.CreateBootstrapInvite(ctx, time.Hour, false)
	if err != nil {
		t.Fatal(err)
	}
	anon := store.NewContextWithActor(ctx, store.Actor{Kind: store.ActorNone})
	if _, err := s.AcceptInvite(anon, inv.Token, store.AcceptInput{RequestType: store.Some("human")}, "127.0.0.1"); store.ErrorCode(err) != store.EUNAUTHORIZED {
		t.Fatalf("anonymous accept: %v", err)
	}
	as := store.NewContextWithActor(ctx, store.Actor{Kind: store.ActorBoard, Source: "session", UserID: u.ID})
	if _, err := s.AcceptInvite(as, inv.Token, store.AcceptInput{RequestType: store.Some("agent"), AgentName: store.Some("x")}, "127.0.0.1"); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("agent accept of bootstrap invite: %v", err)
	}
	res, err := s.AcceptInvite(as, inv.Token, store.AcceptInput{RequestType: store.Some("human")}, "127.0.0.1")
	if err != nil || !res.Bootstrap || res.UserID != u.ID {
		t.Fatalf("accept: %+v %v", res, err)
	}
	if ok, _ := s.IsInstanceAdmin(ctx, u.ID); !ok {
		t.Fatal("not admin")
	}
	if m, err := s.FindUserMembership(ctx, c.ID, u.ID); err != nil || m.Role != "owner" || m.Status != "active" {
		t.Fatalf("membership %+v %v", m, err)
	}
	if _, err := s.FindUserByID(ctx, store.LocalBoardUserID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("local board still there: %v", err)
	}
	if _, err := s.ResolveBoardKey(ctx, localKey.Token); store.ErrorCode(err) != store.EUNAUTHORIZED {
		t.Fatalf("local board key still works: %v", err)
	}
	if pending, _, _ := s.BootstrapPending(ctx); pending {
		t.Fatal("still pending")
	}
	if _, err := s.AcceptInvite(as, inv.Token, store.AcceptInput{RequestType: store.Some("human")}, "127.0.0.1"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("second accept: %v", err)
	}
	acts, err := s.FindActivity(ctx, store.ActivityFilter{CompanyID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range acts {
		found = found || (a.Action == "instance.bootstrap_claimed" && a.ActorID == u.ID)
	}
	if !found {
		t.Fatalf("no bootstrap activity in %+v", acts)
	}
	// A company created afterwards has no local-board owner.
	c2, err := s.CreateCompany(as, store.CompanyInput{Name: store.Some("Fresh")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindUserMembership(ctx, c2.ID, store.LocalBoardUserID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("local board owns new company: %v", err)
	}
}
