-- A trigram index for the issue search (q=, issues.md §3): case-insensitive substring
-- over title, identifier, description and comment bodies. The list query keeps its
-- LIKE conditions and ranking as they were and uses this index only to find the
-- candidate issues, so the answer is exactly what the scan gave (dialect_sqlite.go,
-- searchCandidates, says when the index can be used).
--
-- issue_search is contentless (the texts stay in their own tables only) and allows
-- deletes. Its rowids come from issue_search_docs, whose INTEGER PRIMARY KEY survives
-- VACUUM (an implicit rowid of issues or issue_comments would not: VACUUM may
-- renumber it, and backups are VACUUM INTO). Triggers keep both in step with the rows
-- in the same transaction as every write, including cascading deletes.
CREATE TABLE issue_search_docs (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL UNIQUE,
  issue_id TEXT NOT NULL
);
CREATE VIRTUAL TABLE issue_search USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram');

CREATE TRIGGER issues_search_insert AFTER INSERT ON issues BEGIN
  INSERT INTO issue_search_docs (source_id, issue_id) VALUES (new.id, new.id);
  INSERT INTO issue_search (rowid, body)
    VALUES (last_insert_rowid(), new.title || char(10) || new.identifier || char(10) || coalesce(new.description, ''));
END;
CREATE TRIGGER issues_search_update AFTER UPDATE OF title, identifier, description ON issues
  WHEN old.title IS NOT new.title OR old.identifier IS NOT new.identifier OR old.description IS NOT new.description
BEGIN
  INSERT OR REPLACE INTO issue_search (rowid, body)
    VALUES ((SELECT id FROM issue_search_docs WHERE source_id = new.id),
      new.title || char(10) || new.identifier || char(10) || coalesce(new.description, ''));
END;
CREATE TRIGGER issues_search_delete AFTER DELETE ON issues BEGIN
  DELETE FROM issue_search WHERE rowid = (SELECT id FROM issue_search_docs WHERE source_id = old.id);
  DELETE FROM issue_search_docs WHERE source_id = old.id;
END;

CREATE TRIGGER issue_comments_search_insert AFTER INSERT ON issue_comments BEGIN
  INSERT INTO issue_search_docs (source_id, issue_id) VALUES (new.id, new.issue_id);
  INSERT INTO issue_search (rowid, body) VALUES (last_insert_rowid(), new.body);
END;
CREATE TRIGGER issue_comments_search_update AFTER UPDATE OF body ON issue_comments
  WHEN old.body IS NOT new.body
BEGIN
  INSERT OR REPLACE INTO issue_search (rowid, body)
    VALUES ((SELECT id FROM issue_search_docs WHERE source_id = new.id), new.body);
END;
CREATE TRIGGER issue_comments_search_delete AFTER DELETE ON issue_comments BEGIN
  DELETE FROM issue_search WHERE rowid = (SELECT id FROM issue_search_docs WHERE source_id = old.id);
  DELETE FROM issue_search_docs WHERE source_id = old.id;
END;

INSERT INTO issue_search_docs (source_id, issue_id) SELECT id, id FROM issues;
INSERT INTO issue_search_docs (source_id, issue_id) SELECT id, issue_id FROM issue_comments;
INSERT INTO issue_search (rowid, body)
  SELECT d.id, i.title || char(10) || i.identifier || char(10) || coalesce(i.description, '')
  FROM issue_search_docs d JOIN issues i ON i.id = d.source_id;
INSERT INTO issue_search (rowid, body)
  SELECT d.id, c.body FROM issue_search_docs d JOIN issue_comments c ON c.id = d.source_id;
