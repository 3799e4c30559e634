package server

import (
	"net/http"
	"strconv"
	"time"

	"paperclip/store"
)

// Routes of users and sessions. Paths follow upstream's better-auth mount.
func (s *Server) authRoutes() []route {
	return []route{
		{http.MethodPost, "/api/auth/sign-up/email", whoPublic, "Create an account and sign in", s.handleSignUp},
		{http.MethodPost, "/api/auth/sign-in/email", whoPublic, "Sign in with email and password", s.handleSignIn},
		{http.MethodPost, "/api/auth/sign-out", whoPublic, "Sign out (ends the cookie's session)", s.handleSignOut},
		{http.MethodGet, "/api/auth/get-session", whoBoardUser, "The caller's session and user", s.handleGetSession},
		{http.MethodGet, "/api/auth/profile", whoBoardUser, "The caller's profile", s.handleProfileGet},
		{http.MethodPatch, "/api/auth/profile", whoBoardUser, "Update the caller's name and image", s.handleProfilePatch},
		{http.MethodPost, "/api/auth/change-password", whoBoardUser, "Change the caller's password", s.handleChangePassword},
	}
}

// authResponse is the {user, session} answer of sign-up and sign-in.
type authResponse struct {
	User    store.User    `json:"user"`
	Session store.Session `json:"session"`
}

// anonymousOriginOK applies the trusted-origin check to the sign-in forms, which have
// no session yet: a cross-site page must not sign a browser into an account of its
// choosing. Requests without Origin/Referer (CLI, curl) pass.
func (s *Server) anonymousOriginOK(w http.ResponseWriter, r *http.Request) bool {
	if s.trustedOrigin(r) {
		return true
	}
	writeJSON(w, http.StatusForbidden, errorBody{Error: "Board mutation requires trusted browser origin"})
	return false
}

func (s *Server) sessionMeta(r *http.Request) store.SessionMeta {
	return store.SessionMeta{IP: s.clientIP(r), UserAgent: r.UserAgent()}
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, status int, u store.User, ns store.NewSession) {
	exp := s.store.Now().Add(store.SessionTTL)
	if ns.ExpiresAt != nil {
		if t, err := store.ParseTime(*ns.ExpiresAt); err == nil {
			exp = t
		}
	}
	s.setSessionCookie(w, r, ns.Token, exp)
	writeJSON(w, status, authResponse{User: u, Session: ns.Session})
}

func (s *Server) handleSignUp(w http.ResponseWriter, r *http.Request) {
	if s.cfg.DeploymentMode == ModeLocalTrusted {
		s.writeError(w, r, errorf(store.EFORBIDDEN, "Sign-up is not available in local_trusted mode"))
		return
	}
	if s.cfg.DisableSignUp {
		s.writeError(w, r, errorf(store.EFORBIDDEN, "Sign-up is disabled"))
		return
	}
	if !s.anonymousOriginOK(w, r) {
		return
	}
	var in store.SignUpInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, ns, err := s.store.SignUp(r.Context(), in, s.sessionMeta(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.logger.Info("user signed up", "user_id", u.ID)
	s.startSession(w, r, http.StatusCreated, u, ns)
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.anonymousOriginOK(w, r) {
		return
	}
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	email, _ := store.NormalizeEmail(in.Email)
	keys := []string{"email:" + email, "ip:" + s.clientIP(r)}
	if wait, blocked := s.signIns.blocked(keys...); blocked {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
		s.logger.Warn("sign-in throttled", "client_ip", s.clientIP(r))
		s.writeError(w, r, errorf(store.ETOOMANY, "Too many sign-in attempts. Try again later."))
		return
	}
	u, ns, err := s.store.SignIn(r.Context(), in.Email, in.Password, s.sessionMeta(r))
	if store.ErrorCode(err) == store.EUNAUTHORIZED {
		s.signIns.fail(keys...)
		s.logger.Info("sign-in failed", "client_ip", s.clientIP(r))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.signIns.forget(keys[0])
	s.logger.Info("user signed in", "user_id", u.ID)
	s.startSession(w, r, http.StatusOK, u, ns)
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if token := sessionToken(r); token != "" {
		if err := s.store.DeleteSession(r.Context(), token); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w, r)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) handleGetSession(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	u, err := s.store.FindUserByID(r.Context(), a.UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sess := store.Session{ID: "paperclip:" + a.Source + ":" + a.UserID, UserID: a.UserID}
	switch a.Source {
	case "session":
		sa, err := s.store.ResolveSession(r.Context(), sessionToken(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		sess = sa.Session
	case "board_key":
		sess.ID = "paperclip:board_key:" + a.KeyID
	}
	writeJSON(w, http.StatusOK, map[string]any{"session": sess, "user": u})
}

func (s *Server) handleProfileGet(w http.ResponseWriter, r *http.Request) {
	u, err := s.store.FindUserByID(r.Context(), actorOf(r).UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) handleProfilePatch(w http.ResponseWriter, r *http.Request) {
	var in store.ProfileInput
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.store.UpdateProfile(r.Context(), actorOf(r).UserID, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.logger.Info("profile updated", "user_id", u.ID)
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	var in store.PasswordChange
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.ChangePassword(r.Context(), a.UserID, a.SessionID, in); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.logger.Info("password changed", "user_id", a.UserID, "revoked_other_sessions", in.RevokeOtherSessions)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
