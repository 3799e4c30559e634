-- Issue create dirties a page (often more) of every index of issues and activity_log,
-- and the commit writes each dirtied page to the WAL as one frame: half a create's time
-- was that commit. This migration removes index entries that no query reads; a board's
-- top-level create wrote 43.5 WAL pages before it and 35.1 after (2 000 creates,
-- BenchmarkIssueCreateWALPages).
--
-- issues_company_status_idx (company_id, status) is a prefix of
-- issues_company_status_hidden_idx (company_id, status, hidden_at), which serves every
-- query the shorter one could; no query plan chose it.
DROP INDEX issues_company_status_idx;

-- These indexes are only ever searched for `column = ?` (the issue-list filters, the
-- activity of a run or an agent, the ON DELETE SET NULL of a project, goal or parent),
-- and an equality implies IS NOT NULL, so SQLite still uses them as partial indexes.
-- Rows without a value (a top-level issue, an issue with no project, goal or assignee
-- user, activity with no agent or run) no longer write an entry nobody reads. The
-- root-issue filter (parent_id IS NULL) read through the rank index before and still
-- does; the agent-assignee index keeps its NULLs, which the unassigned filter reads.
DROP INDEX issues_company_parent_idx;
CREATE INDEX issues_company_parent_idx ON issues (company_id, parent_id) WHERE parent_id IS NOT NULL;
DROP INDEX issues_company_project_idx;
CREATE INDEX issues_company_project_idx ON issues (company_id, project_id) WHERE project_id IS NOT NULL;
DROP INDEX issues_company_goal_idx;
CREATE INDEX issues_company_goal_idx ON issues (company_id, goal_id) WHERE goal_id IS NOT NULL;
DROP INDEX issues_company_assignee_user_status_idx;
CREATE INDEX issues_company_assignee_user_status_idx ON issues (company_id, assignee_user_id, status)
  WHERE assignee_user_id IS NOT NULL;

DROP INDEX activity_log_run_idx;
CREATE INDEX activity_log_run_idx ON activity_log (run_id) WHERE run_id IS NOT NULL;
DROP INDEX activity_log_company_agent_idx;
CREATE INDEX activity_log_company_agent_idx ON activity_log (company_id, agent_id, created_at) WHERE agent_id IS NOT NULL;
