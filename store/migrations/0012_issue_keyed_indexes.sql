-- Lookups of one issue's rows that had no index to search, found by timing a company of
-- 100 000 issues, 100 000 comments and 100 000 cost events (BENCHMARKS.md).
--
-- Comments were indexed by (company_id, issue_id, created_at), but an issue's comments
-- are read by issue alone: the comment list and its pages, the heartbeat context's
-- comment count and latest comment, a timer wake's unread-comments count (inside the
-- write transaction, once per open assigned issue), and an issue delete's ON DELETE
-- CASCADE. Each of those read every comment of the instance: 20-30 ms per comment list
-- at 100 000 comments, ten times that at a million. Issue ids are unique, so the
-- company column added nothing to the searches that name it; leading with the issue
-- serves both. The id makes the (created_at, id) order of the list and its ?after=
-- pages come straight from the index.
DROP INDEX issue_comments_issue_created_idx;
CREATE INDEX issue_comments_issue_created_idx ON issue_comments (issue_id, created_at, id);

-- Cost events had no index on their issue: an issue's cost summary (the issue and its
-- descendants) and an issue delete's ON DELETE SET NULL read every cost event, 133 ms
-- at 100 000. Only events charged to an issue are indexed (an equality implies IS NOT
-- NULL, so SQLite uses the partial index for both).
CREATE INDEX cost_events_issue_idx ON cost_events (issue_id) WHERE issue_id IS NOT NULL;
