-- Spend per scope and period, kept by the cost-event transaction, so month-to-date
-- figures (company and agent spend, budget windows, the dashboard) read one row instead
-- of summing every event of the month. period is the UTC month of occurred_at
-- ('YYYY-MM') or 'lifetime'; scope_type is company, agent or project.
CREATE TABLE cost_rollups (
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  scope_type TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  period TEXT NOT NULL,
  cost_cents INTEGER NOT NULL DEFAULT 0,
  event_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (company_id, scope_type, scope_id, period)
);

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

-- The dashboard counts visible issues by status without reading the rows, and the
-- sidebar finds each agent's latest run through an index.
CREATE INDEX issues_company_status_hidden_idx ON issues (company_id, status, hidden_at);
CREATE INDEX heartbeat_runs_agent_created_idx ON heartbeat_runs (agent_id, created_at);
