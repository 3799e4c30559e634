package server

import (
	"context"
	"time"

	"paperclip/server/runjwt"
	"paperclip/store"
)

// runLiveGrace is how long after its run finished a run JWT still works (access-auth §9):
// the agent process may make its final calls while the runner settles the run.
const runLiveGrace = 60 * time.Second

// RunJWT is the signing configuration of agent run JWTs, for runjwt.Mint and
// runjwt.Verify, which the runtime and the auth middleware call directly. An empty AgentJWTSecret makes
// every JWT fail verification and minting fail; the cli supplies a random in-memory
// secret when the instance has none (access-auth §9).
func (c Config) RunJWT() runjwt.Config {
	return runjwt.Config{Secret: c.AgentJWTSecret, Issuer: c.AgentJWTIssuer, Audience: c.AgentJWTAudience, TTL: c.AgentJWTTTL}
}

func agentActor(a store.Agent, source, keyID, runID string) store.Actor {
	return store.Actor{Kind: store.ActorAgent, Source: source, AgentID: a.ID, CompanyID: a.CompanyID, KeyID: keyID,
		AdapterType: a.AdapterType, AgentRole: a.Role, RunID: runID}
}

// resolveAgentKey authenticates a pcp_ key. The run header, when it names a run of this
// server, must name one of this agent's runs; unknown run ids are external runs (README §5).
func (s *Server) resolveAgentKey(ctx context.Context, token, runID string) (store.Actor, error) {
	k, err := s.store.ResolveAgentKey(ctx, token)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return store.Actor{}, errBadCredentials
	case err != nil:
		return store.Actor{}, err
	case !k.Agent.IsLive():
		return store.Actor{}, errBadCredentials
	}
	if runID != "" {
		run, err := s.store.FindRunRefByID(ctx, runID)
		switch {
		case err == nil && run.AgentID != k.Agent.ID:
			return store.Actor{}, &store.Error{Code: store.EFORBIDDEN, Message: "Run id does not belong to this agent", Tag: "run_id_invalid"}
		case err != nil && store.ErrorCode(err) != store.ENOTFOUND:
			return store.Actor{}, err
		}
	}
	now := s.store.Now()
	if k.LastUsedAt == nil || lastUsedBefore(*k.LastUsedAt, now.Add(-time.Minute)) {
		if err := s.store.TouchAgentKey(ctx, k.KeyID, now); err != nil {
			s.logger.Warn("agent key last-used stamp failed", "key_id", k.KeyID, "error", err.Error())
		}
	}
	return agentActor(k.Agent, "agent_key", k.KeyID, runID), nil
}

func lastUsedBefore(stamp string, cutoff time.Time) bool {
	t, err := store.ParseTime(stamp)
	return err != nil || !t.After(cutoff)
}

// resolveRunJWT authenticates a run JWT (runtime.md §16.2). A JWT whose run_id names no
// heartbeat run is refused like a finished one: JWTs are minted only for runs of this
// server, so a missing row means the run was deleted and its token must die with it.
func (s *Server) resolveRunJWT(ctx context.Context, token, headerRunID string) (store.Actor, error) {
	now := s.store.Now()
	claims, err := runjwt.Verify(s.cfg.RunJWT(), token, now)
	if err != nil {
		return store.Actor{}, errBadCredentials
	}
	a, err := s.store.FindAgentByID(ctx, claims.AgentID)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return store.Actor{}, errBadCredentials
	case err != nil:
		return store.Actor{}, err
	case a.CompanyID != claims.CompanyID || !a.IsLive():
		return store.Actor{}, errBadCredentials
	}
	inactive := errorf(store.EUNAUTHORIZED, "Agent run is no longer active")
	run, err := s.store.FindRunRefByID(ctx, claims.RunID)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return store.Actor{}, inactive
	case err != nil:
		return store.Actor{}, err
	case run.AgentID != a.ID:
		return store.Actor{}, inactive
	case !run.IsLive() && (run.FinishedAt == nil || lastUsedBefore(*run.FinishedAt, now.Add(-runLiveGrace))):
		return store.Actor{}, inactive
	}
	actor := agentActor(a, "agent_jwt", "", claims.RunID)
	if headerRunID != "" && headerRunID != claims.RunID {
		if err := s.store.RecordJWTRunMismatch(store.NewContextWithActor(ctx, actor), a.CompanyID, claims.RunID, headerRunID); err != nil {
			return store.Actor{}, err
		}
		return store.Actor{}, &store.Error{Code: store.EUNPROCESSABLE, Message: "X-Paperclip-Run-Id does not match signed agent JWT run_id",
			Tag: "agent_jwt_run_id_mismatch", Details: map[string]string{"claimRunId": claims.RunID, "headerRunId": headerRunID}}
	}
	return actor, nil
}
