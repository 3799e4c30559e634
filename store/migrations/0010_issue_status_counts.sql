-- Visible issues per company and status, kept by triggers in the same transaction as
-- every issue write, so the dashboard's task counts read a handful of rows instead of
-- stepping through every issue of the company: 35-55 ms at 100 000 issues through
-- issues_company_status_hidden_idx, which no index can shorten (a count still visits
-- each entry). Visible means hidden_at IS NULL, as on the dashboard.
CREATE TABLE issue_status_counts (
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  visible INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (company_id, status)
) WITHOUT ROWID;

CREATE TRIGGER issues_status_count_insert AFTER INSERT ON issues WHEN new.hidden_at IS NULL BEGIN
  INSERT INTO issue_status_counts (company_id, status, visible) VALUES (new.company_id, new.status, 1)
    ON CONFLICT (company_id, status) DO UPDATE SET visible = visible + 1;
END;
CREATE TRIGGER issues_status_count_update AFTER UPDATE OF company_id, status, hidden_at ON issues
  WHEN old.company_id IS NOT new.company_id OR old.status IS NOT new.status OR (old.hidden_at IS NULL) <> (new.hidden_at IS NULL)
BEGIN
  UPDATE issue_status_counts SET visible = visible - 1
    WHERE old.hidden_at IS NULL AND company_id = old.company_id AND status = old.status;
  INSERT INTO issue_status_counts (company_id, status, visible) SELECT new.company_id, new.status, 1 WHERE new.hidden_at IS NULL
    ON CONFLICT (company_id, status) DO UPDATE SET visible = visible + 1;
END;
-- Also on the cascade of a company's delete, whose rows here go with it either way.
CREATE TRIGGER issues_status_count_delete AFTER DELETE ON issues WHEN old.hidden_at IS NULL BEGIN
  UPDATE issue_status_counts SET visible = visible - 1 WHERE company_id = old.company_id AND status = old.status;
END;

INSERT INTO issue_status_counts (company_id, status, visible)
  SELECT company_id, status, COUNT(*) FROM issues WHERE hidden_at IS NULL GROUP BY company_id, status;
