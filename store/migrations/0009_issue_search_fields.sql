-- The search index of 0007, split by field so a search knows from the index which
-- field a term is in, and ranks by match quality (issues.md §3: title, identifier,
-- description, comment) one field at a time, stopping once a page is full.
--
-- 0007 indexed title, identifier and description as one text together with every
-- comment body. A common word then matched most of a large company, and every one of
-- those issues was re-checked with LIKE, its comments included, and ranked before the
-- first page could be cut. Now:
--   issue_search_titles    (title, identifier) of each issue: small, read first;
--   issue_search_texts     (description) of each issue;
--   issue_search_comments  (body) of each comment: most of the text, read only when
--                          the fields above did not fill the page.
-- A column filter (title : "...") says which of the two columns matched.
--
-- The rowids still come from issue_search_docs, whose INTEGER PRIMARY KEY survives
-- VACUUM and so VACUUM INTO backups (an implicit rowid of issues or issue_comments
-- would not). Triggers keep the index in step with the rows in the same transaction
-- as every write, including cascading deletes.
DROP TRIGGER issues_search_insert;
DROP TRIGGER issues_search_update;
DROP TRIGGER issues_search_delete;
DROP TRIGGER issue_comments_search_insert;
DROP TRIGGER issue_comments_search_update;
DROP TRIGGER issue_comments_search_delete;
DROP TABLE issue_search;

-- ascii says a comment body is ASCII only: then a trigram phrase match of an ASCII
-- term is exactly the LIKE match (both fold A-Z and nothing else), and the search
-- need not read the comment to re-check it (issue_search.go).
ALTER TABLE issue_search_docs ADD COLUMN ascii INTEGER NOT NULL DEFAULT 0;
UPDATE issue_search_docs SET ascii = (SELECT length(c.body) = length(CAST(c.body AS BLOB)) FROM issue_comments c WHERE c.id = issue_search_docs.source_id)
  WHERE source_id <> issue_id;

CREATE VIRTUAL TABLE issue_search_titles USING fts5(title, identifier, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE issue_search_texts USING fts5(description, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE issue_search_comments USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram');

CREATE TRIGGER issues_search_insert AFTER INSERT ON issues BEGIN
  INSERT INTO issue_search_docs (source_id, issue_id) VALUES (new.id, new.id);
  INSERT INTO issue_search_titles (rowid, title, identifier) VALUES (last_insert_rowid(), new.title, new.identifier);
  INSERT INTO issue_search_texts (rowid, description)
    VALUES ((SELECT id FROM issue_search_docs WHERE source_id = new.id), new.description);
END;
CREATE TRIGGER issues_search_update_title AFTER UPDATE OF title, identifier ON issues
  WHEN old.title IS NOT new.title OR old.identifier IS NOT new.identifier
BEGIN
  INSERT OR REPLACE INTO issue_search_titles (rowid, title, identifier)
    VALUES ((SELECT id FROM issue_search_docs WHERE source_id = new.id), new.title, new.identifier);
END;
CREATE TRIGGER issues_search_update_description AFTER UPDATE OF description ON issues
  WHEN old.description IS NOT new.description
BEGIN
  INSERT OR REPLACE INTO issue_search_texts (rowid, description)
    VALUES ((SELECT id FROM issue_search_docs WHERE source_id = new.id), new.description);
END;
CREATE TRIGGER issues_search_delete AFTER DELETE ON issues BEGIN
  DELETE FROM issue_search_titles WHERE rowid = (SELECT id FROM issue_search_docs WHERE source_id = old.id);
  DELETE FROM issue_search_texts WHERE rowid = (SELECT id FROM issue_search_docs WHERE source_id = old.id);
  DELETE FROM issue_search_docs WHERE source_id = old.id;
END;

CREATE TRIGGER issue_comments_search_insert AFTER INSERT ON issue_comments BEGIN
  INSERT INTO issue_search_docs (source_id, issue_id, ascii) VALUES (new.id, new.issue_id, length(new.body) = length(CAST(new.body AS BLOB)));
  INSERT INTO issue_search_comments (rowid, body) VALUES (last_insert_rowid(), new.body);
END;
CREATE TRIGGER issue_comments_search_update AFTER UPDATE OF body ON issue_comments
  WHEN old.body IS NOT new.body
BEGIN
  UPDATE issue_search_docs SET ascii = length(new.body) = length(CAST(new.body AS BLOB)) WHERE source_id = new.id;
  INSERT OR REPLACE INTO issue_search_comments (rowid, body)
    VALUES ((SELECT id FROM issue_search_docs WHERE source_id = new.id), new.body);
END;
CREATE TRIGGER issue_comments_search_delete AFTER DELETE ON issue_comments BEGIN
  DELETE FROM issue_search_comments WHERE rowid = (SELECT id FROM issue_search_docs WHERE source_id = old.id);
  DELETE FROM issue_search_docs WHERE source_id = old.id;
END;

-- The backfill: issue_search_docs already holds a row for every issue and comment.
INSERT INTO issue_search_titles (rowid, title, identifier)
  SELECT d.id, i.title, i.identifier FROM issue_search_docs d JOIN issues i ON i.id = d.source_id;
INSERT INTO issue_search_texts (rowid, description)
  SELECT d.id, i.description FROM issue_search_docs d JOIN issues i ON i.id = d.source_id;
INSERT INTO issue_search_comments (rowid, body)
  SELECT d.id, c.body FROM issue_search_docs d JOIN issue_comments c ON c.id = d.source_id;
-- One segment per index: a backfill in one statement leaves many, and each query pays
-- for every segment it has to merge on the fly.
INSERT INTO issue_search_titles (issue_search_titles) VALUES ('optimize');
INSERT INTO issue_search_texts (issue_search_texts) VALUES ('optimize');
INSERT INTO issue_search_comments (issue_search_comments) VALUES ('optimize');
