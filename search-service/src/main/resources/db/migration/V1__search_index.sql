-- V1: the search index as IndexSchema created it at start before Flyway (IF NOT EXISTS: a database that already has
-- it is baselined at V1 and never runs this file, but a half-created one may meet it).
-- pg_trgm is a trusted extension since PostgreSQL 13: the database's owner (the service's user) may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS search_document (
  id text PRIMARY KEY,
  kind text NOT NULL,
  entity_id text NOT NULL,
  server_id uuid,
  project_id uuid,
  name text,
  name_terms text,
  tag_terms text,
  body_terms text,
  status text,
  node_type text,
  template text,
  template_id uuid,
  labels text[],
  data jsonb NOT NULL DEFAULT '{}',
  link text,
  occurred_at timestamptz NOT NULL,
  version_time timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  indexed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(name_terms, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(tag_terms, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(body_terms, '')), 'C')) STORED
);
CREATE INDEX IF NOT EXISTS search_document_tsv ON search_document USING gin (tsv) WHERE NOT deleted;
CREATE INDEX IF NOT EXISTS search_document_name_trgm ON search_document USING gin (lower(name) gin_trgm_ops)
  WHERE NOT deleted AND kind <> 'event';
CREATE INDEX IF NOT EXISTS search_document_kind ON search_document (kind, occurred_at DESC, id) WHERE NOT deleted;
CREATE INDEX IF NOT EXISTS search_document_project ON search_document (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS search_document_server ON search_document (server_id) WHERE server_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS search_document_labels ON search_document USING gin (labels) WHERE NOT deleted;
CREATE INDEX IF NOT EXISTS search_document_tombstones ON search_document (version_time) WHERE deleted;

CREATE TABLE IF NOT EXISTS search_template (
  template_id uuid PRIMARY KEY,
  name text NOT NULL,
  terms text NOT NULL
);

CREATE TABLE IF NOT EXISTS search_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL,
  query text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS search_history_user ON search_history (user_id, id DESC);
CREATE INDEX IF NOT EXISTS search_history_at ON search_history (at);

CREATE TABLE IF NOT EXISTS search_dashboard (
  id uuid PRIMARY KEY,
  owner text NOT NULL,
  name text NOT NULL,
  widgets jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (owner, name)
);
