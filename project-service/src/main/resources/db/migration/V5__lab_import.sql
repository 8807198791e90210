-- Imports as operations (#19 item 4): one row per POST /api/v1/projects/import, readable from any replica, held by
-- the replica receiving the archive under a lease it renews (a durable job, as operation is); a replica that finds
-- one whose lease ran out (its receiver died mid-upload) ends it failed and removes the partial GNS3 project.
CREATE TABLE IF NOT EXISTS lab_import (
    id uuid NOT NULL PRIMARY KEY,
    project_id uuid NOT NULL,
    server_id uuid NOT NULL,
    name character varying(200) NOT NULL,
    lab_owner character varying(200) NOT NULL,
    status character varying(12) NOT NULL
        CONSTRAINT lab_import_status_check CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    received_bytes bigint,
    error character varying(2000),
    error_status integer,
    owner character varying(120),
    lease_until timestamp(6) with time zone,
    attempts integer NOT NULL,
    created_at timestamp(6) with time zone NOT NULL,
    heartbeat_at timestamp(6) with time zone NOT NULL,
    finished_at timestamp(6) with time zone
);
CREATE INDEX IF NOT EXISTS lab_import_claim ON lab_import USING btree (status, lease_until);
