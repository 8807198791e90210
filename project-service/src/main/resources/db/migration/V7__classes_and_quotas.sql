-- Classes (#20 item 3): a lab copied N times across servers, one durable row per copy, and quotas per owner/group.
ALTER TABLE project ADD COLUMN IF NOT EXISTS node_count integer;
ALTER TABLE project ADD COLUMN IF NOT EXISTS running_nodes integer;

CREATE TABLE IF NOT EXISTS fleet_class (
    id uuid NOT NULL PRIMARY KEY,
    source_project_id uuid NOT NULL,
    name_pattern character varying(200) NOT NULL,
    copies integer NOT NULL,
    group_name character varying(200),
    placement character varying(10) NOT NULL,
    start_nodes boolean NOT NULL,
    start_batch_size integer NOT NULL,
    start_delay_ms bigint NOT NULL,
    node_count integer NOT NULL,
    -- the source's archive, exported once: a PostgreSQL large object, unlinked when the class is finished
    archive_oid bigint,
    archive_size bigint NOT NULL,
    request_hash character varying(64) NOT NULL,
    created_by character varying(200) NOT NULL,
    state character varying(10) NOT NULL
        CONSTRAINT fleet_class_state_check CHECK (state IN ('RUNNING', 'FINISHED', 'DELETING', 'DELETED')),
    created_at timestamp(6) with time zone NOT NULL,
    finished_at timestamp(6) with time zone
);
CREATE INDEX IF NOT EXISTS fleet_class_created ON fleet_class USING btree (created_at);

CREATE TABLE IF NOT EXISTS fleet_copy (
    id uuid NOT NULL PRIMARY KEY,
    class_id uuid NOT NULL,
    copy_index integer NOT NULL,
    -- the copy's lab id (and GNS3 project id), derived from the class id and the index: a retried copy is the same lab
    project_id uuid NOT NULL CONSTRAINT fleet_copy_project UNIQUE,
    name character varying(200) NOT NULL,
    owner_name character varying(200) NOT NULL,
    server_id uuid NOT NULL,
    server_slots integer NOT NULL,
    node_count integer NOT NULL,
    state character varying(10) NOT NULL CONSTRAINT fleet_copy_state_check
        CHECK (state IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'DELETING', 'DELETED')),
    step character varying(10) NOT NULL CONSTRAINT fleet_copy_step_check
        CHECK (step IN ('IMPORT', 'OPEN', 'START', 'RECORD', 'DONE', 'DELETE')),
    error character varying(2000),
    owner character varying(64),
    lease_until timestamp(6) with time zone,
    attempts integer NOT NULL,
    created_at timestamp(6) with time zone NOT NULL,
    updated_at timestamp(6) with time zone NOT NULL,
    finished_at timestamp(6) with time zone,
    version bigint NOT NULL,
    CONSTRAINT fleet_copy_index UNIQUE (class_id, copy_index)
);
CREATE INDEX IF NOT EXISTS fleet_copy_claim ON fleet_copy USING btree (state, lease_until);
CREATE INDEX IF NOT EXISTS fleet_copy_server ON fleet_copy USING btree (server_id, state);

CREATE TABLE IF NOT EXISTS quota (
    scope character varying(5) NOT NULL,
    name character varying(200) NOT NULL,
    max_labs integer,
    max_running_nodes integer,
    max_nodes integer,
    updated_by character varying(200) NOT NULL,
    updated_at timestamp(6) with time zone NOT NULL,
    PRIMARY KEY (scope, name)
);

