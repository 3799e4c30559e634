package store

import "context"

// Actor kinds.
const (
	ActorBoard  = "board"
	ActorAgent  = "agent"
	ActorSystem = "system"
	ActorNone   = "none"
)

// LocalBoardUserID is the implicit board user of local_trusted mode.
const LocalBoardUserID = "local-board"

// Actor is who a request (or internal job) acts as. Resolved once per request by the
// server and carried in the context so every store method can stamp its activity rows.
type Actor struct {
	Kind   string // board, agent, system, none
	Source string // local_implicit, session, board_key, agent_key, agent_jwt

	// Board actors. SessionID is the sign-in session of a "session" actor; board
	// keys put their id in KeyID.
	UserID        string
	InstanceAdmin bool
	SessionID     string

	// Agent actors.
	AgentID     string
	CompanyID   string
	KeyID       string
	AdapterType string
	AgentRole   string

	// RunID is the heartbeat run the request belongs to (header or JWT claim), if any.
	RunID string

	// SystemID names the subsystem of a system actor (heartbeat_runtime, budget_service, ...).
	SystemID string
}

// IsBoard reports whether the actor is a board user.
func (a Actor) IsBoard() bool { return a.Kind == ActorBoard }

// IsAgent reports whether the actor is an agent.
func (a Actor) IsAgent() bool { return a.Kind == ActorAgent }

// IsLocalBoard reports whether the actor is the implicit local board.
func (a Actor) IsLocalBoard() bool { return a.Kind == ActorBoard && a.UserID == LocalBoardUserID }

// activityActor returns the (actorType, actorId, agentId) triple of activity rows.
func (a Actor) activityActor() (string, string, *string) {
	switch a.Kind {
	case ActorBoard:
		return "user", a.UserID, nil
	case ActorAgent:
		id := a.AgentID
		return "agent", a.AgentID, &id
	default:
		id := a.SystemID
		if id == "" {
			id = "system"
		}
		return "system", id, nil
	}
}

// SystemActor is the actor of server-internal work.
func SystemActor(subsystem string) Actor { return Actor{Kind: ActorSystem, SystemID: subsystem} }

type actorKey struct{}

// NewContextWithActor returns ctx carrying a.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor in ctx, or a system actor when none was set.
func ActorFromContext(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return SystemActor("system")
}
