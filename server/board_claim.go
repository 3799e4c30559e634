package server

import (
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// BoardClaimTTL is how long the startup board-claim challenge stays usable.
const BoardClaimTTL = 24 * time.Hour

// boardClaim is upstream's other way in for an instance that switched to
// authenticated mode with companies already in it: a challenge kept only in memory,
// logged at startup, whose token and code together let a signed-in user take over as
// instance admin once.
type boardClaim struct {
	mu        sync.Mutex
	token     string
	code      string
	expiresAt time.Time
	claimed   bool
}

// openBoardClaim creates the challenge and returns its path with the code.
func (s *Server) openBoardClaim() string {
	c := &boardClaim{token: store.RandomHex(24), code: store.RandomHex(12), expiresAt: s.store.Now().Add(BoardClaimTTL)}
	s.claim.Store(c)
	return "/board-claim/" + c.token + "?code=" + c.code
}

func (s *Server) boardClaimRoutes() []route {
	return []route{
		{http.MethodGet, "/api/board-claim/{token}", whoPublic, "State of the startup board-claim challenge", s.handleBoardClaimGet},
		{http.MethodPost, "/api/board-claim/{token}/claim", whoPublic, "Claim board ownership (signed in)", s.handleBoardClaim},
	}
}

// findClaim returns the challenge of the path's token, or the 404 of an unknown one.
func (s *Server) findClaim(r *http.Request) (*boardClaim, error) {
	c := s.claim.Load()
	if c == nil || subtle.ConstantTimeCompare([]byte(c.token), []byte(mux.Vars(r)["token"])) != 1 {
		return nil, errorf(store.ENOTFOUND, "Board claim challenge not found")
	}
	return c, nil
}

func (s *Server) handleBoardClaimGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.findClaim(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c.mu.Lock()
	status := "available"
	switch {
	case c.claimed:
		status = "claimed"
	case !s.store.Now().Before(c.expiresAt):
		status = "expired"
	case subtle.ConstantTimeCompare([]byte(c.code), []byte(r.URL.Query().Get("code"))) != 1:
		status = "invalid"
	}
	exp := store.FormatTime(c.expiresAt)
	c.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"status": status, "expiresAt": exp})
}

func (s *Server) handleBoardClaim(w http.ResponseWriter, r *http.Request) {
	c, err := s.findClaim(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a := actorOf(r); !a.IsBoard() || a.Source == "local_implicit" {
		s.writeError(w, r, errorf(store.EUNAUTHORIZED, "Sign in before claiming board ownership"))
		return
	}
	var in struct {
		Code string `json:"code"`
	}
	if err := decodeBody(w, r, &in, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Code == "" {
		s.writeError(w, r, errorf(store.EINVALID, "Claim code is required"))
		return
	}
	// Held across the claim so two callers cannot both take the instance.
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claimed || !s.store.Now().Before(c.expiresAt) {
		s.writeError(w, r, errorf(store.ECONFLICT, "Board claim challenge is no longer available"))
		return
	}
	if subtle.ConstantTimeCompare([]byte(c.code), []byte(in.Code)) != 1 {
		s.writeError(w, r, errorf(store.EFORBIDDEN, "Invalid claim code"))
		return
	}
	if err := s.store.ClaimInstance(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	c.claimed = true
	userID := actorOf(r).UserID
	s.logger.Info("board ownership claimed", "user_id", userID)
	writeJSON(w, http.StatusOK, map[string]any{"claimed": true, "userId": userID})
}
