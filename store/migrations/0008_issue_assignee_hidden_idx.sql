-- The agent's issue lists (the board's agent page, the CLI's --assignee-agent-id,
-- heartbeat inboxes) filter on assignee, a set of statuses and hidden_at IS NULL. With
-- hidden_at in the index SQLite answers all three from it; without it the planner
-- preferred the (company, status, hidden_at) index and read every open issue of the
-- company (TestIssueListFilterPlansUseIndexes). The longer index serves every query the
-- old one did, so it replaces it rather than adding a second write per issue.
DROP INDEX issues_company_assignee_status_idx;
CREATE INDEX issues_company_assignee_status_idx ON issues (company_id, assignee_agent_id, status, hidden_at);
