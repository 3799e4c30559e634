-- Company skills (docs/portability.md): skill documents a company owns, vendored by
-- package imports and installed next to the built-in paperclip skill for the local CLI
-- adapters. Files are small text documents, kept as one JSON object path -> content so
-- an import writes them in the same transaction as everything else.
CREATE TABLE company_skills (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  files TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX company_skills_company_slug_uq ON company_skills (company_id, slug);
