-- V1 schema (spec/data-model.md). Portable subset of SQL: TEXT and INTEGER only,
-- no defaults computed by the database, enums validated in Go.

CREATE TABLE companies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  pause_reason TEXT,
  paused_at TEXT,
  issue_prefix TEXT NOT NULL,
  issue_counter INTEGER NOT NULL DEFAULT 0,
  budget_monthly_cents INTEGER NOT NULL DEFAULT 0,
  spent_monthly_cents INTEGER NOT NULL DEFAULT 0,
  attachment_max_bytes INTEGER NOT NULL DEFAULT 10485760,
  require_board_approval_for_new_agents INTEGER NOT NULL DEFAULT 0,
  feedback_data_sharing_enabled INTEGER NOT NULL DEFAULT 0,
  feedback_data_sharing_consent_at TEXT,
  feedback_data_sharing_consent_by_user_id TEXT,
  feedback_data_sharing_terms_version TEXT,
  brand_color TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX companies_issue_prefix_uq ON companies (issue_prefix);
CREATE INDEX companies_status_idx ON companies (status);

CREATE TABLE auth_users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  email_verified INTEGER NOT NULL DEFAULT 0,
  image TEXT,
  password_hash TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX auth_users_email_uq ON auth_users (email);

CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ip_address TEXT,
  user_agent TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX auth_sessions_token_hash_uq ON auth_sessions (token_hash);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires_idx ON auth_sessions (expires_at);

CREATE TABLE board_api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT,
  expires_at TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX board_api_keys_key_hash_uq ON board_api_keys (key_hash);
CREATE INDEX board_api_keys_user_idx ON board_api_keys (user_id);

CREATE TABLE instance_settings (
  id TEXT PRIMARY KEY,
  singleton_key TEXT NOT NULL DEFAULT 'default',
  general TEXT NOT NULL DEFAULT '{}',
  experimental TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX instance_settings_singleton_uq ON instance_settings (singleton_key);

CREATE TABLE instance_user_roles (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'instance_admin',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX instance_user_roles_user_role_uq ON instance_user_roles (user_id, role);
CREATE INDEX instance_user_roles_role_idx ON instance_user_roles (role);

CREATE TABLE company_memberships (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  principal_type TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  membership_role TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX company_memberships_company_principal_uq ON company_memberships (company_id, principal_type, principal_id);
CREATE INDEX company_memberships_principal_status_idx ON company_memberships (principal_type, principal_id, status);
CREATE INDEX company_memberships_company_status_idx ON company_memberships (company_id, status);

CREATE TABLE principal_permission_grants (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  principal_type TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  permission_key TEXT NOT NULL,
  scope TEXT,
  granted_by_user_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX principal_permission_grants_uq ON principal_permission_grants (company_id, principal_type, principal_id, permission_key);
CREATE INDEX principal_permission_grants_company_key_idx ON principal_permission_grants (company_id, permission_key);

CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  company_id TEXT REFERENCES companies(id) ON DELETE CASCADE,
  invite_type TEXT NOT NULL DEFAULT 'company_join',
  token_hash TEXT NOT NULL,
  allowed_join_types TEXT NOT NULL DEFAULT 'both',
  human_role TEXT,
  agent_message TEXT,
  defaults_payload TEXT,
  expires_at TEXT NOT NULL,
  invited_by_user_id TEXT,
  revoked_at TEXT,
  accepted_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX invites_token_hash_uq ON invites (token_hash);
CREATE INDEX invites_company_state_idx ON invites (company_id, invite_type, revoked_at, expires_at);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  url_key TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'general',
  title TEXT,
  icon TEXT,
  status TEXT NOT NULL DEFAULT 'idle',
  reports_to TEXT REFERENCES agents(id) ON DELETE SET NULL,
  capabilities TEXT,
  adapter_type TEXT NOT NULL DEFAULT 'process',
  adapter_config TEXT NOT NULL DEFAULT '{}',
  runtime_config TEXT NOT NULL DEFAULT '{}',
  budget_monthly_cents INTEGER NOT NULL DEFAULT 0,
  spent_monthly_cents INTEGER NOT NULL DEFAULT 0,
  pause_reason TEXT,
  paused_at TEXT,
  error_reason TEXT,
  permissions TEXT NOT NULL DEFAULT '{}',
  last_heartbeat_at TEXT,
  metadata TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agents_company_status_idx ON agents (company_id, status);
CREATE INDEX agents_company_reports_to_idx ON agents (company_id, reports_to);
CREATE UNIQUE INDEX agents_company_url_key_live_uq ON agents (company_id, url_key) WHERE status <> 'terminated';

CREATE TABLE join_requests (
  id TEXT PRIMARY KEY,
  invite_id TEXT NOT NULL REFERENCES invites(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  request_type TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending_approval',
  request_ip TEXT NOT NULL,
  requesting_user_id TEXT,
  request_email_snapshot TEXT,
  agent_name TEXT,
  adapter_type TEXT,
  capabilities TEXT,
  agent_defaults_payload TEXT,
  claim_secret_hash TEXT,
  claim_secret_expires_at TEXT,
  claim_secret_consumed_at TEXT,
  created_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  approved_by_user_id TEXT,
  approved_at TEXT,
  rejected_by_user_id TEXT,
  rejected_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX join_requests_invite_uq ON join_requests (invite_id);
CREATE INDEX join_requests_company_status_idx ON join_requests (company_id, status, request_type, created_at);
CREATE UNIQUE INDEX join_requests_pending_human_uq ON join_requests (company_id, requesting_user_id)
  WHERE request_type = 'human' AND status = 'pending_approval' AND requesting_user_id IS NOT NULL;

CREATE TABLE cli_auth_challenges (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  command TEXT NOT NULL,
  client_name TEXT,
  requested_access TEXT NOT NULL DEFAULT 'board',
  requested_company_id TEXT REFERENCES companies(id) ON DELETE SET NULL,
  pending_key_hash TEXT NOT NULL,
  pending_key_name TEXT NOT NULL,
  approved_by_user_id TEXT REFERENCES auth_users(id) ON DELETE SET NULL,
  board_api_key_id TEXT REFERENCES board_api_keys(id) ON DELETE SET NULL,
  approved_at TEXT,
  cancelled_at TEXT,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX cli_auth_challenges_secret_hash_idx ON cli_auth_challenges (secret_hash);

CREATE TABLE agent_api_keys (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX agent_api_keys_key_hash_uq ON agent_api_keys (key_hash);
CREATE INDEX agent_api_keys_company_agent_idx ON agent_api_keys (company_id, agent_id);

CREATE TABLE agent_config_revisions (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  source TEXT NOT NULL DEFAULT 'patch',
  rolled_back_from_revision_id TEXT,
  changed_keys TEXT NOT NULL DEFAULT '[]',
  before_config TEXT NOT NULL,
  after_config TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX agent_config_revisions_agent_created_idx ON agent_config_revisions (agent_id, created_at);

CREATE TABLE agent_runtime_state (
  agent_id TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  adapter_type TEXT NOT NULL,
  session_id TEXT,
  state_json TEXT NOT NULL DEFAULT '{}',
  last_run_id TEXT,
  last_run_status TEXT,
  total_input_tokens INTEGER NOT NULL DEFAULT 0,
  total_output_tokens INTEGER NOT NULL DEFAULT 0,
  total_cached_input_tokens INTEGER NOT NULL DEFAULT 0,
  total_cost_cents INTEGER NOT NULL DEFAULT 0,
  idle_skip_count INTEGER NOT NULL DEFAULT 0,
  last_idle_skip_at TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agent_runtime_state_company_idx ON agent_runtime_state (company_id, updated_at);

CREATE TABLE agent_task_sessions (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  adapter_type TEXT NOT NULL,
  task_key TEXT NOT NULL,
  session_params_json TEXT,
  session_display_id TEXT,
  last_run_id TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX agent_task_sessions_uq ON agent_task_sessions (company_id, agent_id, adapter_type, task_key);
CREATE INDEX agent_task_sessions_agent_updated_idx ON agent_task_sessions (company_id, agent_id, updated_at);

CREATE TABLE agent_wakeup_requests (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  trigger_detail TEXT,
  reason TEXT,
  payload TEXT,
  status TEXT NOT NULL DEFAULT 'queued',
  coalesced_count INTEGER NOT NULL DEFAULT 0,
  requested_by_actor_type TEXT,
  requested_by_actor_id TEXT,
  idempotency_key TEXT,
  run_id TEXT,
  requested_at TEXT NOT NULL,
  claimed_at TEXT,
  finished_at TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agent_wakeup_requests_agent_status_idx ON agent_wakeup_requests (company_id, agent_id, status);
CREATE INDEX agent_wakeup_requests_company_requested_idx ON agent_wakeup_requests (company_id, requested_at);

CREATE TABLE heartbeat_runs (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  invocation_source TEXT NOT NULL DEFAULT 'on_demand',
  trigger_detail TEXT,
  status TEXT NOT NULL DEFAULT 'queued',
  issue_id TEXT,
  started_at TEXT,
  finished_at TEXT,
  error TEXT,
  error_code TEXT,
  wakeup_request_id TEXT REFERENCES agent_wakeup_requests(id) ON DELETE SET NULL,
  exit_code INTEGER,
  signal TEXT,
  usage_json TEXT,
  result_json TEXT,
  session_id_before TEXT,
  session_id_after TEXT,
  log_store TEXT,
  log_ref TEXT,
  log_bytes INTEGER,
  log_sha256 TEXT,
  stdout_excerpt TEXT,
  stderr_excerpt TEXT,
  process_pid INTEGER,
  process_group_id INTEGER,
  process_started_at TEXT,
  last_output_at TEXT,
  retry_of_run_id TEXT REFERENCES heartbeat_runs(id) ON DELETE SET NULL,
  process_loss_retry_count INTEGER NOT NULL DEFAULT 0,
  context_snapshot TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX heartbeat_runs_company_created_idx ON heartbeat_runs (company_id, created_at);
CREATE INDEX heartbeat_runs_agent_status_idx ON heartbeat_runs (agent_id, status);
CREATE INDEX heartbeat_runs_company_issue_idx ON heartbeat_runs (company_id, issue_id, created_at);
CREATE INDEX heartbeat_runs_company_status_idx ON heartbeat_runs (company_id, status);

CREATE TABLE heartbeat_run_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL REFERENCES heartbeat_runs(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  stream TEXT,
  level TEXT,
  color TEXT,
  message TEXT,
  payload TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX heartbeat_run_events_run_seq_uq ON heartbeat_run_events (run_id, seq);
CREATE INDEX heartbeat_run_events_company_created_idx ON heartbeat_run_events (company_id, created_at);

CREATE TABLE goals (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  description TEXT,
  level TEXT NOT NULL DEFAULT 'task',
  status TEXT NOT NULL DEFAULT 'planned',
  parent_id TEXT REFERENCES goals(id) ON DELETE SET NULL,
  owner_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX goals_company_idx ON goals (company_id);
CREATE INDEX goals_parent_idx ON goals (parent_id);

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  goal_id TEXT REFERENCES goals(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  url_key TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'backlog',
  lead_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  target_date TEXT,
  color TEXT,
  icon TEXT,
  env TEXT,
  pause_reason TEXT,
  paused_at TEXT,
  execution_workspace_policy TEXT,
  archived_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX projects_company_idx ON projects (company_id);
CREATE INDEX projects_company_url_key_idx ON projects (company_id, url_key);

CREATE TABLE project_goals (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  position INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (project_id, goal_id)
);
CREATE INDEX project_goals_goal_idx ON project_goals (goal_id);

CREATE TABLE project_workspaces (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  source_type TEXT NOT NULL DEFAULT 'local_path',
  cwd TEXT,
  repo_url TEXT,
  repo_ref TEXT,
  default_ref TEXT,
  visibility TEXT NOT NULL DEFAULT 'default',
  setup_command TEXT,
  cleanup_command TEXT,
  metadata TEXT,
  is_primary INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX project_workspaces_project_idx ON project_workspaces (company_id, project_id);
CREATE INDEX project_workspaces_primary_idx ON project_workspaces (project_id, is_primary);

CREATE TABLE issues (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
  project_workspace_id TEXT REFERENCES project_workspaces(id) ON DELETE SET NULL,
  goal_id TEXT REFERENCES goals(id) ON DELETE SET NULL,
  parent_id TEXT REFERENCES issues(id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  normalized_title TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'backlog',
  priority TEXT NOT NULL DEFAULT 'medium',
  assignee_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  assignee_user_id TEXT,
  checkout_run_id TEXT,
  execution_run_id TEXT,
  execution_agent_name_key TEXT,
  execution_locked_at TEXT,
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  issue_number INTEGER NOT NULL,
  identifier TEXT NOT NULL,
  origin_kind TEXT NOT NULL DEFAULT 'manual',
  origin_id TEXT,
  origin_run_id TEXT,
  request_depth INTEGER NOT NULL DEFAULT 0,
  billing_code TEXT,
  assignee_adapter_overrides TEXT,
  started_at TEXT,
  completed_at TEXT,
  cancelled_at TEXT,
  hidden_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX issues_identifier_uq ON issues (identifier);
CREATE UNIQUE INDEX issues_company_number_uq ON issues (company_id, issue_number);
CREATE INDEX issues_company_status_idx ON issues (company_id, status);
CREATE INDEX issues_company_assignee_status_idx ON issues (company_id, assignee_agent_id, status);
CREATE INDEX issues_company_assignee_user_status_idx ON issues (company_id, assignee_user_id, status);
CREATE INDEX issues_company_parent_idx ON issues (company_id, parent_id);
CREATE INDEX issues_company_project_idx ON issues (company_id, project_id);
CREATE INDEX issues_company_goal_idx ON issues (company_id, goal_id);
CREATE INDEX issues_company_updated_idx ON issues (company_id, updated_at);
CREATE INDEX issues_company_priority_idx ON issues (company_id, priority, updated_at);
CREATE INDEX issues_open_title_idx ON issues (company_id, parent_id, normalized_title, created_at)
  WHERE hidden_at IS NULL AND status NOT IN ('done', 'cancelled');

CREATE TABLE issue_relations (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  related_issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX issue_relations_edge_uq ON issue_relations (company_id, issue_id, related_issue_id, type);
CREATE INDEX issue_relations_related_idx ON issue_relations (company_id, related_issue_id);

CREATE TABLE issue_comments (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  author_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  author_user_id TEXT,
  author_type TEXT NOT NULL,
  created_by_run_id TEXT,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX issue_comments_issue_created_idx ON issue_comments (company_id, issue_id, created_at);
CREATE INDEX issue_comments_author_user_idx ON issue_comments (company_id, author_user_id, issue_id, created_at);

CREATE TABLE issue_comment_mentions (
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  comment_id TEXT NOT NULL REFERENCES issue_comments(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (comment_id, agent_id)
);
CREATE INDEX issue_comment_mentions_agent_idx ON issue_comment_mentions (company_id, agent_id, created_at);

CREATE TABLE labels (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  color TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX labels_company_name_uq ON labels (company_id, name);

CREATE TABLE issue_labels (
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  label_id TEXT NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (issue_id, label_id)
);
CREATE INDEX issue_labels_label_idx ON issue_labels (label_id);

CREATE TABLE assets (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  provider TEXT NOT NULL DEFAULT 'local_disk',
  object_key TEXT NOT NULL,
  content_type TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  original_filename TEXT,
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX assets_company_object_key_uq ON assets (company_id, object_key);
CREATE INDEX assets_company_created_idx ON assets (company_id, created_at);

CREATE TABLE company_logos (
  company_id TEXT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
  asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX company_logos_asset_uq ON company_logos (asset_id);

CREATE TABLE issue_attachments (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  issue_comment_id TEXT REFERENCES issue_comments(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX issue_attachments_asset_uq ON issue_attachments (asset_id);
CREATE INDEX issue_attachments_issue_idx ON issue_attachments (company_id, issue_id);

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  title TEXT,
  format TEXT NOT NULL DEFAULT 'markdown',
  latest_body TEXT NOT NULL,
  latest_revision_id TEXT,
  latest_revision_number INTEGER NOT NULL DEFAULT 1,
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  updated_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  updated_by_user_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE document_revisions (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  revision_number INTEGER NOT NULL,
  title TEXT,
  format TEXT NOT NULL DEFAULT 'markdown',
  body TEXT NOT NULL,
  change_summary TEXT,
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  created_by_run_id TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX document_revisions_doc_rev_uq ON document_revisions (document_id, revision_number);

CREATE TABLE issue_documents (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX issue_documents_issue_key_uq ON issue_documents (company_id, issue_id, key);
CREATE UNIQUE INDEX issue_documents_document_uq ON issue_documents (document_id);

CREATE TABLE issue_read_states (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  last_read_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX issue_read_states_uq ON issue_read_states (company_id, issue_id, user_id);
CREATE INDEX issue_read_states_user_idx ON issue_read_states (company_id, user_id);

CREATE TABLE issue_create_idempotency_keys (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX issue_create_idempotency_keys_uq ON issue_create_idempotency_keys (company_id, idempotency_key);

CREATE TABLE feedback_votes (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  project_id TEXT,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  author_user_id TEXT NOT NULL,
  vote TEXT NOT NULL,
  reason TEXT,
  shared_with_labs INTEGER NOT NULL DEFAULT 0,
  trace_status TEXT NOT NULL DEFAULT 'local_only',
  target_summary TEXT NOT NULL DEFAULT '{}',
  payload_snapshot TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX feedback_votes_target_author_uq ON feedback_votes (company_id, target_type, target_id, author_user_id);
CREATE INDEX feedback_votes_company_issue_idx ON feedback_votes (company_id, issue_id);

CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  requested_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  requested_by_user_id TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  payload TEXT NOT NULL DEFAULT '{}',
  decision_note TEXT,
  decided_by_user_id TEXT,
  decided_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX approvals_company_status_type_idx ON approvals (company_id, status, type);
CREATE INDEX approvals_company_created_idx ON approvals (company_id, created_at);

CREATE TABLE approval_comments (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  approval_id TEXT NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  author_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  author_user_id TEXT,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX approval_comments_approval_created_idx ON approval_comments (approval_id, created_at);

CREATE TABLE issue_approvals (
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  approval_id TEXT NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  linked_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  linked_by_user_id TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (issue_id, approval_id)
);
CREATE INDEX issue_approvals_approval_idx ON issue_approvals (approval_id);

CREATE TABLE cost_events (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  issue_id TEXT REFERENCES issues(id) ON DELETE SET NULL,
  project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
  goal_id TEXT REFERENCES goals(id) ON DELETE SET NULL,
  heartbeat_run_id TEXT REFERENCES heartbeat_runs(id) ON DELETE SET NULL,
  billing_code TEXT,
  provider TEXT NOT NULL,
  biller TEXT NOT NULL,
  billing_type TEXT NOT NULL DEFAULT 'unknown',
  cost_status TEXT NOT NULL DEFAULT 'reported',
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  cached_input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cost_cents INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX cost_events_company_occurred_idx ON cost_events (company_id, occurred_at);
CREATE INDEX cost_events_agent_occurred_idx ON cost_events (company_id, agent_id, occurred_at);
CREATE INDEX cost_events_project_occurred_idx ON cost_events (company_id, project_id, occurred_at);
CREATE INDEX cost_events_provider_idx ON cost_events (company_id, provider, occurred_at);
CREATE INDEX cost_events_run_idx ON cost_events (company_id, heartbeat_run_id);

CREATE TABLE budget_policies (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  scope_type TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  metric TEXT NOT NULL DEFAULT 'billed_cents',
  window_kind TEXT NOT NULL DEFAULT 'calendar_month_utc',
  amount INTEGER NOT NULL DEFAULT 0,
  warn_percent INTEGER NOT NULL DEFAULT 80,
  hard_stop_enabled INTEGER NOT NULL DEFAULT 1,
  notify_enabled INTEGER NOT NULL DEFAULT 1,
  is_active INTEGER NOT NULL DEFAULT 1,
  created_by_user_id TEXT,
  updated_by_user_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX budget_policies_scope_uq ON budget_policies (company_id, scope_type, scope_id, metric, window_kind);
CREATE INDEX budget_policies_scope_active_idx ON budget_policies (company_id, scope_type, scope_id, is_active);

CREATE TABLE budget_incidents (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  policy_id TEXT NOT NULL REFERENCES budget_policies(id) ON DELETE CASCADE,
  scope_type TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  window_kind TEXT NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  threshold_type TEXT NOT NULL,
  amount_limit INTEGER NOT NULL,
  amount_observed INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  approval_id TEXT REFERENCES approvals(id) ON DELETE SET NULL,
  resolved_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX budget_incidents_company_status_idx ON budget_incidents (company_id, status);
CREATE INDEX budget_incidents_scope_idx ON budget_incidents (company_id, scope_type, scope_id, status);
CREATE UNIQUE INDEX budget_incidents_policy_window_uq ON budget_incidents (policy_id, window_start, threshold_type) WHERE status <> 'dismissed';

CREATE TABLE activity_log (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  actor_type TEXT NOT NULL DEFAULT 'system',
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  agent_id TEXT,
  run_id TEXT,
  details TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX activity_log_company_created_idx ON activity_log (company_id, created_at);
CREATE INDEX activity_log_company_agent_idx ON activity_log (company_id, agent_id, created_at);
CREATE INDEX activity_log_entity_idx ON activity_log (entity_type, entity_id, created_at);
CREATE INDEX activity_log_run_idx ON activity_log (run_id);

CREATE TABLE company_secrets (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT 'local_encrypted',
  status TEXT NOT NULL DEFAULT 'active',
  managed_mode TEXT NOT NULL DEFAULT 'paperclip_managed',
  external_ref TEXT,
  latest_version INTEGER NOT NULL DEFAULT 1,
  description TEXT,
  last_resolved_at TEXT,
  last_rotated_at TEXT,
  deleted_at TEXT,
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX company_secrets_name_uq ON company_secrets (company_id, name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX company_secrets_key_uq ON company_secrets (company_id, key) WHERE deleted_at IS NULL;

CREATE TABLE company_secret_versions (
  id TEXT PRIMARY KEY,
  secret_id TEXT NOT NULL REFERENCES company_secrets(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  material TEXT NOT NULL,
  value_sha256 TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'current',
  created_by_agent_id TEXT REFERENCES agents(id) ON DELETE SET NULL,
  created_by_user_id TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE UNIQUE INDEX company_secret_versions_uq ON company_secret_versions (secret_id, version);
