-- Lookups of one issue's rows that had no index to search, found by timing a company of
-- 100 000 issues, 1 000 000 comments and 100 000 cost events (BENCHMARKS.md). The tables
-- below were indexed by (company_id, issue_id, ...), but these reads name an issue only,
-- and an issue id is unique, so the company column added nothing to a search that names
-- both: the indexes now lead with the issue.
--
-- Comments were indexed by (company_id, issue_id, created_at), but an issue's comments
-- are read by issue alone: the comment list and its pages, the heartbeat context's
-- comment count and latest comment, a timer wake's unread-comments count (inside the
-- write transaction, once per open assigned issue), and an issue delete's ON DELETE
-- CASCADE. Each of those read every comment of the instance: 185-260 ms per comment
-- list at a million. The id makes the (created_at, id) order of the list and its
-- ?after= pages come straight from the index.
DROP INDEX issue_comments_issue_created_idx;
CREATE INDEX issue_comments_issue_created_idx ON issue_comments (issue_id, created_at, id);

-- Cost events had no index on their issue: an issue's cost summary (the issue and its
-- descendants) and an issue delete's ON DELETE SET NULL read every cost event, 133 ms
-- at 100 000. Only events charged to an issue are indexed (an equality implies IS NOT
-- NULL, so SQLite uses the partial index for both).
CREATE INDEX cost_events_issue_idx ON cost_events (issue_id) WHERE issue_id IS NOT NULL;

-- Relations are read from either end by issue: a checkout into in_progress (unresolved
-- blockers), the issue detail (blocked by, blocks), a done issue's wake of what it
-- unblocked, the cycle check of a new edge. Each scanned every relation.
DROP INDEX issue_relations_edge_uq;
CREATE UNIQUE INDEX issue_relations_edge_uq ON issue_relations (issue_id, related_issue_id, type);
DROP INDEX issue_relations_related_idx;
CREATE INDEX issue_relations_related_idx ON issue_relations (related_issue_id, type);

-- An issue's documents (the detail view lists them, the heartbeat context reads the
-- plan) and attachments (newest first) scanned every company's.
DROP INDEX issue_documents_issue_key_uq;
CREATE UNIQUE INDEX issue_documents_issue_key_uq ON issue_documents (issue_id, key);
DROP INDEX issue_attachments_issue_idx;
CREATE INDEX issue_attachments_issue_idx ON issue_attachments (issue_id, created_at, id);
