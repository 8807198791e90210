-- V2: the audit index (lab.audit events, one row each, deduplicated on the event id), for the audit search
-- (GET /api/v1/security/audit) and the security dashboard. IF NOT EXISTS: a database where the guard's first cut
-- created it at start (before it moved here) already has it.
CREATE TABLE IF NOT EXISTS security_audit (
  id text PRIMARY KEY,
  type text NOT NULL,
  at timestamptz NOT NULL,
  service text,
  principal text,
  method text,
  path text,
  object_type text,
  object_id text,
  project_id text,
  status int,
  outcome text,
  address text,
  trace_id text,
  data jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS security_audit_at ON security_audit (at DESC);
CREATE INDEX IF NOT EXISTS security_audit_outcome ON security_audit (outcome, at DESC);
CREATE INDEX IF NOT EXISTS security_audit_address ON security_audit (address, at DESC);
CREATE INDEX IF NOT EXISTS security_audit_principal ON security_audit (principal, at DESC);
