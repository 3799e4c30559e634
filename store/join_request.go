package store

import (
	"context"
	"database/sql"
	"time"
)

// Join request statuses.
const (
	JoinPending  = "pending_approval"
	JoinApproved = "approved"
	JoinRejected = "rejected"
)

// ClaimSecretPrefix starts the one-time secret an agent uses to collect its API key.
const ClaimSecretPrefix = "pcp_claim_"

// ClaimSecretTTL is how long an agent may take to collect its key.
const ClaimSecretTTL = 7 * 24 * time.Hour

// JoinRequest is a request to join a company made through an invite; its claim secret
// hash is never shown.
type JoinRequest struct {
	ID                   string         `json:"id"`
	InviteID             string         `json:"inviteId"`
	CompanyID            string         `json:"companyId"`
	RequestType          string         `json:"requestType"`
	Status               string         `json:"status"`
	RequestIP            string         `json:"requestIp"`
	RequestingUserID     *string        `json:"requestingUserId"`
	RequestEmailSnapshot *string        `json:"requestEmailSnapshot"`
	AgentName            *string        `json:"agentName"`
	AdapterType          *string        `json:"adapterType"`
	Capabilities         *string        `json:"capabilities"`
	AgentDefaultsPayload map[string]any `json:"agentDefaultsPayload"`
	CreatedAgentID       *string        `json:"createdAgentId"`
	ApprovedByUserID     *string        `json:"approvedByUserId"`
	ApprovedAt           *string        `json:"approvedAt"`
	RejectedByUserID     *string        `json:"rejectedByUserId"`
	RejectedAt           *string        `json:"rejectedAt"`
	CreatedAt            string         `json:"createdAt"`
	UpdatedAt            string         `json:"updatedAt"`
}

// JoinRequestFilter selects a company's join requests.
type JoinRequestFilter struct {
	CompanyID   string
	Status      string
	RequestType string
}

// ClaimedKey is the agent API key minted by a claim, shown once.
type ClaimedKey struct {
	KeyID     string `json:"keyId"`
	Token     string `json:"token"`
	AgentID   string `json:"agentId"`
	CreatedAt string `json:"createdAt"`
}

const joinRequestColumns = `id, invite_id, company_id, request_type, status, request_ip, requesting_user_id,
	request_email_snapshot, agent_name, adapter_type, capabilities, agent_defaults_payload, created_agent_id,
	approved_by_user_id, approved_at, rejected_by_user_id, rejected_at, created_at, updated_at`

func scanJoinRequest(sc scanner) (JoinRequest, error) {
	var j JoinRequest
	var user, email, name, adapter, caps, defaults, agent, appBy, appAt, rejBy, rejAt sql.NullString
	err := sc.Scan(&j.ID, &j.InviteID, &j.CompanyID, &j.RequestType, &j.Status, &j.RequestIP, &user, &email, &name,
		&adapter, &caps, &defaults, &agent, &appBy, &appAt, &rejBy, &rejAt, &j.CreatedAt, &j.UpdatedAt)
	j.RequestingUserID, j.RequestEmailSnapshot, j.AgentName = strPtr(user), strPtr(email), strPtr(name)
	j.AdapterType, j.Capabilities, j.CreatedAgentID = strPtr(adapter), strPtr(caps), strPtr(agent)
	j.ApprovedByUserID, j.ApprovedAt, j.RejectedByUserID, j.RejectedAt = strPtr(appBy), strPtr(appAt), strPtr(rejBy), strPtr(rejAt)
	if defaults.Valid {
		j.AgentDefaultsPayload = decodeObject(defaults.String)
	}
	return j, err
}

func findJoinRequest(ctx context.Context, q querier, id string) (JoinRequest, error) {
	j, err := scanJoinRequest(q.QueryRowContext(ctx, `SELECT `+joinRequestColumns+` FROM join_requests WHERE id = ?`, id))
	return j, translate(err, "Join request")
}

// FindJoinRequests lists a company's join requests newest first.
func (s *Store) FindJoinRequests(ctx context.Context, f JoinRequestFilter) ([]JoinRequest, error) {
	var c conds
	c.add("company_id = ?", f.CompanyID)
	if f.Status != "" {
		c.eq("status", f.Status)
	}
	if f.RequestType != "" {
		c.eq("request_type", f.RequestType)
	}
	return queryAll(ctx, s.reader, scanJoinRequest, `SELECT `+joinRequestColumns+` FROM join_requests WHERE `+c.sql()+
		` ORDER BY created_at DESC, id DESC`, c.args...)
}

// companyJoinRequest loads a join request of companyID for a decision; one of another
// company is not found.
func (tx *Tx) companyJoinRequest(companyID, requestID string) (JoinRequest, error) {
	if err := tx.authorize(PermJoinsApprove, Target{CompanyID: companyID}); err != nil {
		return JoinRequest{}, err
	}
	j, err := findJoinRequest(tx.ctx, tx, requestID)
	if err == nil && j.CompanyID != companyID {
		return JoinRequest{}, NotFound("Join request")
	}
	if err == nil && j.Status != JoinPending {
		return JoinRequest{}, Errorf(ECONFLICT, "Join request is not pending")
	}
	return j, err
}

// ApproveJoinRequest approves a pending request: a human becomes a member with the
// invite's role; an agent is created under the company's CEO.
func (s *Store) ApproveJoinRequest(ctx context.Context, companyID, requestID string) (JoinRequest, error) {
	var out JoinRequest
	err := s.write(ctx, func(tx *Tx) error {
		j, err := tx.companyJoinRequest(companyID, requestID)
		if err != nil {
			return err
		}
		var inviteDefaults map[string]any
		var role sql.NullString
		var defaults sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT human_role, defaults_payload FROM invites WHERE id = ?`, j.InviteID).Scan(&role, &defaults); err != nil {
			return err
		}
		if defaults.Valid {
			inviteDefaults = decodeObject(defaults.String)
		}
		var agentID any
		details := map[string]any{"joinRequestId": j.ID, "requestType": j.RequestType}
		if j.RequestType == JoinHuman {
			r := role.String
			if r == "" {
				r = "operator"
			}
			if j.RequestingUserID != nil {
				if err := tx.upsertHumanMembership(companyID, *j.RequestingUserID, r); err != nil {
					return err
				}
			}
			details["createdAgentId"] = nil
		} else {
			a, err := tx.createJoinedAgent(j, inviteDefaults)
			if err != nil {
				return err
			}
			agentID = a.ID
			details["createdAgentId"] = a.ID
			if err := tx.logActivity(companyID, "agent.created", "agent", a.ID, map[string]any{"name": a.Name, "joinRequestId": j.ID}); err != nil {
				return err
			}
		}
		now := tx.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE join_requests SET status = 'approved', approved_by_user_id = ?, approved_at = ?,
			created_agent_id = COALESCE(?, created_agent_id), updated_at = ? WHERE id = ?`,
			actorUserID(tx.actor), now, agentID, now, j.ID); err != nil {
			return err
		}
		if out, err = findJoinRequest(ctx, tx, j.ID); err != nil {
			return err
		}
		return tx.logActivity(companyID, "join.approved", "join_request", j.ID, details)
	})
	return out, err
}

func actorUserID(a Actor) any {
	if a.IsBoard() {
		return a.UserID
	}
	return nil
}

// createJoinedAgent hires the agent of an approved join request under the CEO.
func (tx *Tx) createJoinedAgent(j JoinRequest, inviteDefaults map[string]any) (Agent, error) {
	var ceo string
	err := tx.QueryRowContext(tx.ctx, `SELECT id FROM agents WHERE company_id = ? AND role = 'ceo'
		AND status NOT IN ('terminated', 'pending_approval') ORDER BY created_at LIMIT 1`, j.CompanyID).Scan(&ceo)
	if err == sql.ErrNoRows {
		return Agent{}, Errorf(ECONFLICT, "Join request cannot be approved because this company has no active CEO")
	}
	if err != nil {
		return Agent{}, err
	}
	cfg := map[string]any{}
	for _, src := range []map[string]any{inviteDefaults, j.AgentDefaultsPayload} {
		if m, ok := src["adapterConfig"].(map[string]any); ok {
			for k, v := range m {
				cfg[k] = v
			}
		}
	}
	adapter := "http"
	if j.AdapterType != nil && *j.AdapterType != "" {
		adapter = *j.AdapterType
	}
	name := "Agent"
	if j.AgentName != nil {
		name = *j.AgentName
	}
	in := AgentInput{Name: Some(name), Role: Some("general"), ReportsTo: Some(ceo), AdapterType: Some(adapter),
		AdapterConfig: Some(cfg)}
	if j.Capabilities != nil {
		in.Capabilities = Some(*j.Capabilities)
	}
	return tx.insertAgent(j.CompanyID, in, AgentIdle)
}

// RejectJoinRequest rejects a pending request.
func (s *Store) RejectJoinRequest(ctx context.Context, companyID, requestID string) (JoinRequest, error) {
	var out JoinRequest
	err := s.write(ctx, func(tx *Tx) error {
		j, err := tx.companyJoinRequest(companyID, requestID)
		if err != nil {
			return err
		}
		now := tx.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE join_requests SET status = 'rejected', rejected_by_user_id = ?, rejected_at = ?,
			updated_at = ? WHERE id = ?`, actorUserID(tx.actor), now, now, j.ID); err != nil {
			return err
		}
		if out, err = findJoinRequest(ctx, tx, j.ID); err != nil {
			return err
		}
		return tx.logActivity(companyID, "join.rejected", "join_request", j.ID, map[string]any{"joinRequestId": j.ID})
	})
	return out, err
}

// ClaimAgentKey trades an approved agent join request's claim secret for the agent's
// first API key, once.
func (s *Store) ClaimAgentKey(ctx context.Context, requestID, secret string) (ClaimedKey, error) {
	var out ClaimedKey
	err := s.write(ctx, func(tx *Tx) error {
		j, err := findJoinRequest(ctx, tx, requestID)
		if err != nil {
			return err
		}
		var hash, exp, consumed sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT claim_secret_hash, claim_secret_expires_at, claim_secret_consumed_at
			FROM join_requests WHERE id = ?`, j.ID).Scan(&hash, &exp, &consumed); err != nil {
			return err
		}
		switch {
		case j.RequestType != JoinAgent:
			return Errorf(EINVALID, "Only agent join requests can claim API keys")
		case j.Status != JoinApproved:
			return Errorf(ECONFLICT, "Join request must be approved before key claim")
		case j.CreatedAgentID == nil:
			return Errorf(ECONFLICT, "Join request has no created agent")
		case !hash.Valid || !equalHash(HashToken(secret), hash.String):
			return Errorf(EFORBIDDEN, "Invalid claim secret")
		}
		if t, err := ParseTime(exp.String); !exp.Valid || err != nil || !t.After(tx.now) {
			return Errorf(ECONFLICT, "Claim secret expired")
		}
		if consumed.Valid {
			return Errorf(ECONFLICT, "Claim secret already used")
		}
		now := tx.Now()
		res, err := tx.ExecContext(ctx, `UPDATE join_requests SET claim_secret_consumed_at = ?, updated_at = ?
			WHERE id = ? AND claim_secret_consumed_at IS NULL`, now, now, j.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ECONFLICT, "Claim secret already used")
		}
		out = ClaimedKey{KeyID: NewID(), Token: AgentKeyPrefix + RandomHex(24), AgentID: *j.CreatedAgentID, CreatedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agent_api_keys (id, agent_id, company_id, name, key_hash, created_at)
			VALUES (?, ?, ?, 'join-claim', ?, ?)`, out.KeyID, out.AgentID, j.CompanyID, HashToken(out.Token), now); err != nil {
			return err
		}
		return tx.insertActivity(Activity{CompanyID: j.CompanyID, ActorType: "system", ActorID: "join-request:" + j.ID,
			Action: "agent_api_key.claimed", EntityType: "agent", EntityID: out.AgentID},
			map[string]any{"agentId": out.AgentID, "keyId": out.KeyID})
	})
	return out, err
}
