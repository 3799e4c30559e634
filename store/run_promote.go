package store

// releaseAndPromote releases the issue execution lock this run holds and, when the
// issue then has no live run, turns its oldest deferred wake into a queued run.
func (tx *Tx) releaseAndPromote(s *Store, run HeartbeatRun) ([]HeartbeatRun, error) {
	if err := tx.releaseLocksOf([]string{run.ID}); err != nil {
		return nil, err
	}
	if run.IssueID == nil {
		return nil, nil
	}
	return tx.promoteDeferred(s, run.CompanyID, *run.IssueID)
}

// releaseLocksOf clears the execution lock of every issue held by one of runIDs. Every
// path that ends a run calls it in the transaction that ends the run, so no issue is
// left locked by a dead run.
func (tx *Tx) releaseLocksOf(runIDs []string) error {
	if len(runIDs) == 0 {
		return nil
	}
	args := make([]any, len(runIDs))
	for i, id := range runIDs {
		args[i] = id
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE issues SET execution_run_id = NULL, execution_agent_name_key = NULL,
		execution_locked_at = NULL WHERE execution_run_id IN (`+placeholders(len(runIDs))+`)`, args...)
	return err
}

// promoteDeferred queues the oldest deferred wake of an issue that has no live run.
func (tx *Tx) promoteDeferred(s *Store, companyID, issueID string) ([]HeartbeatRun, error) {
	is, err := findIssue(tx.ctx, tx, issueID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if live, err := tx.issueLiveRun(&is); err != nil || live != nil {
		return nil, err
	}
	type deferred struct {
		id, agentID, source, trigger, reason, actorType, actorID string
		payload                                                  map[string]any
	}
	all, err := queryAll(tx.ctx, tx, func(sc scanner) (deferred, error) {
		var d deferred
		var payload string
		err := sc.Scan(&d.id, &d.agentID, &d.source, &d.trigger, &payload, &d.actorType, &d.actorID)
		d.payload = decodeObject(payload)
		return d, err
	}, `SELECT id, agent_id, source, COALESCE(trigger_detail, ''), COALESCE(payload, ''),
		COALESCE(requested_by_actor_type, ''), COALESCE(requested_by_actor_id, '')
		FROM agent_wakeup_requests WHERE company_id = ? AND status = 'deferred_issue_execution' ORDER BY created_at, id`, companyID)
	if err != nil {
		return nil, err
	}
	var list []deferred
	for _, d := range all {
		if d.payload["issueId"] == issueID {
			list = append(list, d)
		}
	}
	now := tx.Now()
	for _, d := range list {
		snap, _ := d.payload["_paperclipWakeContext"].(map[string]any)
		reason := firstString(snap["wakeReason"])
		a, err := s.findAgent(tx.ctx, tx, d.agentID)
		if err != nil {
			return nil, err
		}
		fail := func(status, msg string) error {
			_, err := tx.ExecContext(tx.ctx, `UPDATE agent_wakeup_requests SET status = ?, error = ?, finished_at = ?, updated_at = ?
				WHERE id = ?`, status, msg, now, now, d.id)
			return err
		}
		switch {
		case a.Status == AgentPaused || a.Status == AgentTerminated || a.Status == AgentPendingApproval:
			if err := fail(WakeupFailed, "Deferred wake could not be promoted: agent is not invokable"); err != nil {
				return nil, err
			}
			continue
		case IsClosedStatus(is.Status) && reason != WakeIssueReopenedViaComment:
			if err := fail(WakeupSkipped, "Deferred wake dropped: the issue is closed"); err != nil {
				return nil, err
			}
			continue
		}
		payload := map[string]any{}
		for k, v := range d.payload {
			if k != "_paperclipWakeContext" {
				payload[k] = v
			}
		}
		req := WakeRequest{AgentID: a.ID, Source: d.source, TriggerDetail: d.trigger, Payload: payload,
			RequestedByActorType: d.actorType, RequestedByActorID: d.actorID}
		if reason != "" {
			req.Reason = &reason
		}
		if snap == nil {
			snap = enrichContext(req)
		}
		out, err := tx.queueRunFor(a, req, snap, &is, d.id)
		if err != nil {
			return nil, err
		}
		return []HeartbeatRun{*out.Run}, nil
	}
	return nil, nil
}
