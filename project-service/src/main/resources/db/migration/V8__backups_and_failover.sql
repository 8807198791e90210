-- Backups and failover (#20 item 4): policies per lab, archives in large objects, incidents of failed-over labs.
CREATE TABLE IF NOT EXISTS backup_policy (
    project_id uuid NOT NULL PRIMARY KEY,
    interval_seconds integer NOT NULL,
    keep integer NOT NULL,
    include_snapshots boolean NOT NULL,
    failover boolean NOT NULL,
    next_due timestamp(6) with time zone NOT NULL,
    last_error character varying(2000),
    updated_by character varying(200) NOT NULL,
    updated_at timestamp(6) with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS backup_policy_due ON backup_policy USING btree (next_due);

CREATE TABLE IF NOT EXISTS lab_backup (
    id uuid NOT NULL PRIMARY KEY,
    project_id uuid NOT NULL,
    server_id uuid NOT NULL,
    archive_oid bigint NOT NULL,
    size bigint NOT NULL,
    include_snapshots boolean NOT NULL,
    -- what the lab looked like (nodes and which ran, links with conditions and suspension, snapshots), as JSON
    plan text NOT NULL,
    taken_at timestamp(6) with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS lab_backup_project ON lab_backup USING btree (project_id, taken_at);

-- when a replica first saw a server down (the grace time counts from here); removed when it is back
CREATE TABLE IF NOT EXISTS fleet_server_down (
    server_id uuid NOT NULL PRIMARY KEY,
    down_since timestamp(6) with time zone NOT NULL
);

CREATE TABLE IF NOT EXISTS fleet_incident (
    id uuid NOT NULL PRIMARY KEY,
    project_id uuid NOT NULL,
    failed_server_id uuid NOT NULL,
    restored_server_id uuid,
    backup_id uuid,
    backup_taken_at timestamp(6) with time zone,
    state character varying(10) NOT NULL CHECK (state IN ('RESTORING', 'RESTORED', 'FAILED')),
    lost text,
    error character varying(2000),
    owner character varying(64),
    lease_until timestamp(6) with time zone,
    stale_removed boolean NOT NULL DEFAULT false,
    created_at timestamp(6) with time zone NOT NULL,
    finished_at timestamp(6) with time zone,
    stale_removed_at timestamp(6) with time zone
);
-- one failover in flight per lab
CREATE UNIQUE INDEX IF NOT EXISTS fleet_incident_active ON fleet_incident (project_id) WHERE state = 'RESTORING';
CREATE INDEX IF NOT EXISTS fleet_incident_project ON fleet_incident USING btree (project_id, created_at);
