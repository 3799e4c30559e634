package server

import (
	"context"
	"net/http"
	"strings"

	"paperclip/store"
)

// RunIDHeader carries the heartbeat run of a request (spec README §5).
const RunIDHeader = "X-Paperclip-Run-Id"

// withActor resolves exactly one actor per request and puts it in the context.
func (s *Server) withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		actor, err := s.resolveActor(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if rec, ok := w.(*statusRecorder); ok {
			rec.actor = actor.Kind
		}
		if actor.IsBoard() && (actor.Source == "local_implicit" || actor.Source == "session") && isMutation(r) && !s.trustedOrigin(r) {
			writeJSON(w, http.StatusForbidden, errorBody{Error: "Board mutation requires trusted browser origin"})
			return
		}
		next.ServeHTTP(w, r.WithContext(store.NewContextWithActor(r.Context(), actor)))
	})
}

// resolveActor applies the bearer resolution order of spec README §4; a presented
// bearer that does not resolve is 401 in every mode, never the local board.
func (s *Server) resolveActor(r *http.Request) (store.Actor, error) {
	runID := strings.TrimSpace(r.Header.Get(RunIDHeader))
	if runID != "" && !store.IsUUID(runID) {
		return store.Actor{}, errorf(store.EINVALID, "Invalid X-Paperclip-Run-Id header")
	}
	runID = strings.ToLower(runID)
	if token, ok := bearerToken(r); ok {
		actor, err := s.resolveBearer(r.Context(), token, runID)
		if err != nil {
			return store.Actor{}, err
		}
		return actor, nil
	}
	if s.cfg.DeploymentMode == ModeLocalTrusted {
		return store.Actor{Kind: store.ActorBoard, Source: "local_implicit", UserID: store.LocalBoardUserID,
			InstanceAdmin: true, RunID: runID}, nil
	}
	// A stale or unknown cookie is no credential: the caller is anonymous and may
	// still sign in, rather than being locked out by what its browser kept.
	if token := sessionToken(r); token != "" {
		sa, err := s.store.ResolveSession(r.Context(), token)
		if err == nil {
			return store.Actor{Kind: store.ActorBoard, Source: "session", UserID: sa.User.ID, InstanceAdmin: sa.InstanceAdmin,
				SessionID: sa.Session.ID, RunID: runID}, nil
		}
		if store.ErrorCode(err) != store.EUNAUTHORIZED {
			return store.Actor{}, err
		}
	}
	return store.Actor{Kind: store.ActorNone, Source: "none"}, nil
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		// Browsers cannot set headers on a WebSocket, so the live-events socket alone
		// also takes the bearer as ?token= (runtime.md §13). Other routes never read
		// credentials from the URL, where proxies and histories would keep them.
		if isEventsSocket(r) {
			if t := r.URL.Query().Get("token"); t != "" {
				return strings.TrimSpace(t), true
			}
		}
		return "", false
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(h), true
	}
	return strings.TrimSpace(token), true
}

var errBadCredentials = errorf(store.EUNAUTHORIZED, "Invalid or expired credentials")

// resolveBearer turns a bearer token into an actor: pcp_board_ board keys, pcp_ agent
// keys, then run JWTs.
func (s *Server) resolveBearer(ctx context.Context, token, runID string) (store.Actor, error) {
	switch {
	case token == "":
		return store.Actor{}, errBadCredentials
	case strings.HasPrefix(token, store.BoardKeyPrefix):
		ka, err := s.store.ResolveBoardKey(ctx, token)
		if err != nil {
			return store.Actor{}, err
		}
		// The implicit local board exists only for loopback use; a key it made must not
		// carry its powers into an authenticated instance.
		if ka.User.ID == store.LocalBoardUserID && s.cfg.DeploymentMode != ModeLocalTrusted {
			return store.Actor{}, errBadCredentials
		}
		return store.Actor{Kind: store.ActorBoard, Source: "board_key", UserID: ka.User.ID, InstanceAdmin: ka.InstanceAdmin,
			KeyID: ka.KeyID, RunID: runID}, nil
	case strings.HasPrefix(token, store.AgentKeyPrefix):
		return s.resolveAgentKey(ctx, token, runID)
	case strings.Count(token, ".") == 2:
		return s.resolveRunJWT(ctx, token, runID)
	}
	return store.Actor{}, errBadCredentials
}

func actorOf(r *http.Request) store.Actor { return store.ActorFromContext(r.Context()) }
