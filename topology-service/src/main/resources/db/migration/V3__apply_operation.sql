-- Topology apply as an operation (#19 item 4): one row per apply, readable from any replica; RUNNING while the
-- replica that accepted it renews its lease, then how it ended (with the report), INTERRUPTED when that replica died.
-- IF NOT EXISTS: a database Hibernate updated while this entity existed without a migration already has the table.
CREATE TABLE IF NOT EXISTS apply_operation (
    id uuid NOT NULL PRIMARY KEY,
    project_id uuid NOT NULL,
    status character varying(16) NOT NULL,
    applied_by character varying(200),
    owner character varying(120),
    lease_until timestamp(6) with time zone,
    report text,
    error character varying(2000),
    error_status integer,
    created_at timestamp(6) with time zone NOT NULL,
    finished_at timestamp(6) with time zone
);
CREATE INDEX IF NOT EXISTS apply_operation_project ON apply_operation USING btree (project_id, created_at);
CREATE INDEX IF NOT EXISTS apply_operation_lease ON apply_operation USING btree (status, lease_until);
