-- The default issue list order (priority rank, newest update, id) as an expression
-- index, so the first page of a large company is read in order instead of sorting
-- every issue (issues.md §3). PostgreSQL accepts the same expression index.
CREATE INDEX issues_company_rank_updated_idx ON issues (company_id,
  (CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END),
  updated_at DESC, id);
