-- Rows a database at schema v5 (0005_cost_rollups.sql) could hold: the v1 rows plus
-- the cost rollups the cost-event transaction keeps from v5 on (a v5 database never
-- has events without their rollups). Shipped like a migration: never edit this file.
-- Ids are UUIDv7-shaped; the key token of agent ...0401 is pcp_upgrade_fixture_v1_token.

INSERT INTO instance_settings (id, singleton_key, general, experimental, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000001', 'default', '{"censorUsernameInLogs":true}', '{}', '2025-06-01T09:00:00.000Z', '2025-06-01T09:00:00.000Z');

INSERT INTO auth_users (id, email, name, email_verified, created_at, updated_at) VALUES
  ('local-board', 'local@paperclip.local', 'Board', 1, '2025-06-01T09:00:00.000Z', '2025-06-01T09:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000011', 'ada@example.com', 'Ada Byron', 1, '2025-06-01T09:00:00.000Z', '2025-06-01T09:00:00.000Z');
INSERT INTO instance_user_roles (id, user_id, role, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000012', 'local-board', 'instance_admin', '2025-06-01T09:00:00.000Z', '2025-06-01T09:00:00.000Z');

INSERT INTO companies (id, name, description, status, issue_prefix, issue_counter, budget_monthly_cents, spent_monthly_cents,
    require_board_approval_for_new_agents, brand_color, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000101', 'Paper Mill', 'Makes paper, ships clips', 'active', 'PAP', 3, 50000, 1234, 1, '#336699',
    '2025-06-01T09:00:00.000Z', '2025-06-02T10:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000102', 'Beta Works', NULL, 'paused', 'BET', 1, 0, 0, 0, NULL,
    '2025-06-01T09:05:00.000Z', '2025-06-01T09:05:00.000Z');
UPDATE companies SET pause_reason = 'manual', paused_at = '2025-06-03T08:00:00.000Z' WHERE id = '01900000-0000-7000-8000-000000000102';

INSERT INTO agents (id, company_id, name, url_key, role, title, status, reports_to, capabilities, adapter_type, adapter_config,
    runtime_config, budget_monthly_cents, spent_monthly_cents, permissions, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000201', '01900000-0000-7000-8000-000000000101', 'Chief', 'chief', 'ceo', 'Chief Executive', 'idle', NULL,
    'Runs the mill', 'process', '{"command":"echo","args":["hi"]}', '{}', 20000, 1000, '{"canCreateAgents":true}',
    '2025-06-01T09:10:00.000Z', '2025-06-01T09:10:00.000Z'),
  ('01900000-0000-7000-8000-000000000202', '01900000-0000-7000-8000-000000000101', 'Dev One', 'dev-one', 'engineer', NULL, 'running',
    '01900000-0000-7000-8000-000000000201', NULL, 'process', '{"command":"true"}', '{"heartbeat":{"enabled":false}}', 0, 234, '{}',
    '2025-06-01T09:11:00.000Z', '2025-06-02T09:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000203', '01900000-0000-7000-8000-000000000101', 'Dev One', 'dev-one', 'engineer', NULL, 'terminated',
    NULL, NULL, 'process', '{}', '{}', 0, 0, '{}', '2025-05-01T09:00:00.000Z', '2025-05-20T09:00:00.000Z');

INSERT INTO company_memberships (id, company_id, principal_type, principal_id, status, membership_role, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000301', '01900000-0000-7000-8000-000000000101', 'user', 'local-board', 'active', 'owner', '2025-06-01T09:00:00.000Z', '2025-06-01T09:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000302', '01900000-0000-7000-8000-000000000102', 'user', 'local-board', 'active', 'owner', '2025-06-01T09:05:00.000Z', '2025-06-01T09:05:00.000Z'),
  ('01900000-0000-7000-8000-000000000303', '01900000-0000-7000-8000-000000000101', 'agent', '01900000-0000-7000-8000-000000000201', 'active', 'member', '2025-06-01T09:10:00.000Z', '2025-06-01T09:10:00.000Z'),
  ('01900000-0000-7000-8000-000000000304', '01900000-0000-7000-8000-000000000101', 'agent', '01900000-0000-7000-8000-000000000202', 'active', 'member', '2025-06-01T09:11:00.000Z', '2025-06-01T09:11:00.000Z'),
  ('01900000-0000-7000-8000-000000000305', '01900000-0000-7000-8000-000000000101', 'user', '01900000-0000-7000-8000-000000000011', 'active', 'member', '2025-06-01T09:12:00.000Z', '2025-06-01T09:12:00.000Z');
INSERT INTO principal_permission_grants (id, company_id, principal_type, principal_id, permission_key, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000311', '01900000-0000-7000-8000-000000000101', 'agent', '01900000-0000-7000-8000-000000000201', 'tasks:assign', '2025-06-01T09:10:00.000Z', '2025-06-01T09:10:00.000Z'),
  ('01900000-0000-7000-8000-000000000312', '01900000-0000-7000-8000-000000000101', 'agent', '01900000-0000-7000-8000-000000000202', 'tasks:assign', '2025-06-01T09:11:00.000Z', '2025-06-01T09:11:00.000Z');

INSERT INTO agent_api_keys (id, agent_id, company_id, name, key_hash, last_used_at, revoked_at, created_at) VALUES
  ('01900000-0000-7000-8000-000000000401', '01900000-0000-7000-8000-000000000202', '01900000-0000-7000-8000-000000000101', 'laptop',
    '239d02ea8b5f79f3eaabc52fec147805f51035872c7a0a4306bc23bbc70a9299', '2025-06-02T09:00:00.000Z', NULL, '2025-06-01T09:20:00.000Z'),
  ('01900000-0000-7000-8000-000000000402', '01900000-0000-7000-8000-000000000202', '01900000-0000-7000-8000-000000000101', 'old',
    '0000000000000000000000000000000000000000000000000000000000000000', NULL, '2025-06-01T12:00:00.000Z', '2025-06-01T09:21:00.000Z');
INSERT INTO agent_runtime_state (agent_id, company_id, adapter_type, session_id, state_json, last_run_id, last_run_status,
    total_input_tokens, total_output_tokens, total_cost_cents, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000202', '01900000-0000-7000-8000-000000000101', 'process', 'sess-1', '{}',
    '01900000-0000-7000-8000-000000000901', 'running', 1200, 340, 234, '2025-06-01T09:11:00.000Z', '2025-06-02T09:00:00.000Z');

INSERT INTO goals (id, company_id, title, description, level, status, owner_agent_id, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000d01', '01900000-0000-7000-8000-000000000101', 'Ship clips', 'All of them', 'company', 'active',
    '01900000-0000-7000-8000-000000000201', '2025-06-01T09:30:00.000Z', '2025-06-01T09:30:00.000Z');
INSERT INTO projects (id, company_id, goal_id, name, url_key, status, lead_agent_id, color, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000d02', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000d01', 'Clip line',
    'clip-line', 'in_progress', '01900000-0000-7000-8000-000000000201', '#aa0000', '2025-06-01T09:31:00.000Z', '2025-06-01T09:31:00.000Z');

INSERT INTO labels (id, company_id, name, color, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000701', '01900000-0000-7000-8000-000000000101', 'bug', '#ff0000', '2025-06-01T09:40:00.000Z', '2025-06-01T09:40:00.000Z');

INSERT INTO heartbeat_runs (id, company_id, agent_id, invocation_source, status, issue_id, started_at, context_snapshot, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000901', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000202', 'assignment',
    'running', '01900000-0000-7000-8000-000000000502', '2025-06-02T09:00:00.000Z', '{"issueId":"01900000-0000-7000-8000-000000000502"}',
    '2025-06-02T08:59:00.000Z', '2025-06-02T09:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000902', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000201', 'timer',
    'succeeded', NULL, '2025-06-01T10:00:00.000Z', NULL, '2025-06-01T10:00:00.000Z', '2025-06-01T10:01:00.000Z');
UPDATE heartbeat_runs SET finished_at = '2025-06-01T10:01:00.000Z', exit_code = 0 WHERE id = '01900000-0000-7000-8000-000000000902';

INSERT INTO issues (id, company_id, project_id, goal_id, parent_id, title, normalized_title, description, status, priority,
    assignee_agent_id, assignee_user_id, checkout_run_id, execution_run_id, execution_agent_name_key, execution_locked_at,
    created_by_user_id, issue_number, identifier, request_depth, billing_code, started_at, completed_at, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000501', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000d02',
    '01900000-0000-7000-8000-000000000d01', NULL, 'Build the clip bender', 'build the clip bender', 'It bends **clips**.', 'todo', 'high',
    '01900000-0000-7000-8000-000000000202', NULL, NULL, NULL, NULL, NULL, 'local-board', 1, 'PAP-1', 0, 'R&D', NULL, NULL,
    '2025-06-01T11:00:00.000Z', '2025-06-01T11:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000502', '01900000-0000-7000-8000-000000000101', NULL, NULL, '01900000-0000-7000-8000-000000000501',
    'Bend the first clip', 'bend the first clip', NULL, 'in_progress', 'medium', '01900000-0000-7000-8000-000000000202', NULL,
    '01900000-0000-7000-8000-000000000901', '01900000-0000-7000-8000-000000000901', 'dev-one', '2025-06-02T09:00:00.000Z',
    'local-board', 2, 'PAP-2', 1, NULL, '2025-06-02T09:00:00.000Z', NULL, '2025-06-01T11:05:00.000Z', '2025-06-02T09:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000503', '01900000-0000-7000-8000-000000000101', NULL, NULL, NULL, 'Order wire', 'order wire', NULL,
    'done', 'low', NULL, '01900000-0000-7000-8000-000000000011', NULL, NULL, NULL, NULL, 'local-board', 3, 'PAP-3', 0, NULL,
    '2025-06-01T11:20:00.000Z', '2025-06-01T12:00:00.000Z', '2025-06-01T11:10:00.000Z', '2025-06-01T12:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000504', '01900000-0000-7000-8000-000000000102', NULL, NULL, NULL, 'Beta task', 'beta task', NULL,
    'backlog', 'critical', NULL, NULL, NULL, NULL, NULL, NULL, 'local-board', 1, 'BET-1', 0, NULL, NULL, NULL,
    '2025-06-01T11:30:00.000Z', '2025-06-01T11:30:00.000Z');
INSERT INTO issue_relations (id, company_id, issue_id, related_issue_id, type, created_by_user_id, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000e01', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000503',
    '01900000-0000-7000-8000-000000000501', 'blocks', 'local-board', '2025-06-01T11:15:00.000Z', '2025-06-01T11:15:00.000Z');
INSERT INTO issue_labels (issue_id, label_id, company_id, created_at) VALUES
  ('01900000-0000-7000-8000-000000000501', '01900000-0000-7000-8000-000000000701', '01900000-0000-7000-8000-000000000101', '2025-06-01T11:00:00.000Z');

INSERT INTO issue_comments (id, company_id, issue_id, author_agent_id, author_user_id, author_type, created_by_run_id, body, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000601', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000501', NULL, 'local-board',
    'user', NULL, 'Please start, @dev-one — café ☕', '2025-06-01T11:40:00.000Z', '2025-06-01T11:40:00.000Z'),
  ('01900000-0000-7000-8000-000000000602', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000501',
    '01900000-0000-7000-8000-000000000202', NULL, 'agent', '01900000-0000-7000-8000-000000000901', 'On it.', '2025-06-02T09:01:00.000Z', '2025-06-02T09:01:00.000Z');
INSERT INTO issue_comment_mentions (company_id, comment_id, issue_id, agent_id, created_at) VALUES
  ('01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000601', '01900000-0000-7000-8000-000000000501',
    '01900000-0000-7000-8000-000000000202', '2025-06-01T11:40:00.000Z');

INSERT INTO documents (id, company_id, title, format, latest_body, latest_revision_id, latest_revision_number, created_by_user_id,
    updated_by_agent_id, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000801', '01900000-0000-7000-8000-000000000101', 'Plan', 'markdown', '# Plan v2', '01900000-0000-7000-8000-000000000812', 2,
    'local-board', '01900000-0000-7000-8000-000000000202', '2025-06-01T12:00:00.000Z', '2025-06-02T09:02:00.000Z');
INSERT INTO document_revisions (id, company_id, document_id, revision_number, title, format, body, change_summary,
    created_by_agent_id, created_by_user_id, created_by_run_id, created_at) VALUES
  ('01900000-0000-7000-8000-000000000811', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000801', 1, 'Plan', 'markdown',
    '# Plan v1', NULL, NULL, 'local-board', NULL, '2025-06-01T12:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000812', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000801', 2, 'Plan', 'markdown',
    '# Plan v2', 'second pass', '01900000-0000-7000-8000-000000000202', NULL, '01900000-0000-7000-8000-000000000901', '2025-06-02T09:02:00.000Z');
INSERT INTO issue_documents (id, company_id, issue_id, document_id, key, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000821', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000501',
    '01900000-0000-7000-8000-000000000801', 'plan', '2025-06-01T12:00:00.000Z', '2025-06-02T09:02:00.000Z');

INSERT INTO approvals (id, company_id, type, requested_by_agent_id, status, payload, created_at, updated_at) VALUES
  ('01900000-0000-7000-8000-000000000a01', '01900000-0000-7000-8000-000000000101', 'hire_agent', '01900000-0000-7000-8000-000000000201',
    'pending', '{"name":"Dev Two","role":"engineer"}', '2025-06-01T13:00:00.000Z', '2025-06-01T13:00:00.000Z');
INSERT INTO issue_approvals (company_id, issue_id, approval_id, linked_by_user_id, created_at) VALUES
  ('01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000501', '01900000-0000-7000-8000-000000000a01', 'local-board', '2025-06-01T13:01:00.000Z');

INSERT INTO cost_events (id, company_id, agent_id, issue_id, heartbeat_run_id, provider, biller, billing_type, model,
    input_tokens, output_tokens, cost_cents, occurred_at, created_at) VALUES
  ('01900000-0000-7000-8000-000000000b01', '01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000202',
    '01900000-0000-7000-8000-000000000502', '01900000-0000-7000-8000-000000000901', 'anthropic', 'anthropic', 'metered_api',
    'claude-sonnet', 1200, 340, 234, '2025-06-02T09:03:00.000Z', '2025-06-02T09:03:00.000Z');

INSERT INTO activity_log (id, company_id, actor_type, actor_id, action, entity_type, entity_id, agent_id, run_id, details, created_at) VALUES
  ('01900000-0000-7000-8000-000000000c01', '01900000-0000-7000-8000-000000000101', 'user', 'local-board', 'company.created', 'company',
    '01900000-0000-7000-8000-000000000101', NULL, NULL, '{"name":"Paper Mill"}', '2025-06-01T09:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000c02', '01900000-0000-7000-8000-000000000101', 'user', 'local-board', 'issue.created', 'issue',
    '01900000-0000-7000-8000-000000000501', NULL, NULL, '{"title":"Build the clip bender","identifier":"PAP-1"}', '2025-06-01T11:00:00.000Z'),
  ('01900000-0000-7000-8000-000000000c03', '01900000-0000-7000-8000-000000000101', 'agent', '01900000-0000-7000-8000-000000000202',
    'issue.comment_added', 'issue', '01900000-0000-7000-8000-000000000501', '01900000-0000-7000-8000-000000000202',
    '01900000-0000-7000-8000-000000000901', '{"commentId":"01900000-0000-7000-8000-000000000602"}', '2025-06-02T09:01:00.000Z');

-- The rollups of the events above, as the v5 cost-event transaction writes them.
INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
  SELECT company_id, 'company', company_id, substr(occurred_at, 1, 7), SUM(cost_cents), COUNT(*)
  FROM cost_events GROUP BY company_id, substr(occurred_at, 1, 7);
INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
  SELECT company_id, 'company', company_id, 'lifetime', SUM(cost_cents), COUNT(*)
  FROM cost_events GROUP BY company_id;
INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
  SELECT company_id, 'agent', agent_id, substr(occurred_at, 1, 7), SUM(cost_cents), COUNT(*)
  FROM cost_events GROUP BY company_id, agent_id, substr(occurred_at, 1, 7);
INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
  SELECT company_id, 'agent', agent_id, 'lifetime', SUM(cost_cents), COUNT(*)
  FROM cost_events GROUP BY company_id, agent_id;
INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
  SELECT company_id, 'project', project_id, substr(occurred_at, 1, 7), SUM(cost_cents), COUNT(*)
  FROM cost_events WHERE project_id IS NOT NULL GROUP BY company_id, project_id, substr(occurred_at, 1, 7);
INSERT INTO cost_rollups (company_id, scope_type, scope_id, period, cost_cents, event_count)
  SELECT company_id, 'project', project_id, 'lifetime', SUM(cost_cents), COUNT(*)
  FROM cost_events WHERE project_id IS NOT NULL GROUP BY company_id, project_id;
