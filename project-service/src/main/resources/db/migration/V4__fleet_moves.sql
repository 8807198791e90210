-- Moves and evacuations (#20 item 2): durable operations claimed by any replica under a lease.
CREATE TABLE IF NOT EXISTS fleet_evacuation (
    id uuid NOT NULL PRIMARY KEY,
    server_id uuid NOT NULL,
    target_server_id uuid,
    include_snapshots boolean NOT NULL,
    concurrency integer NOT NULL,
    state character varying(10) NOT NULL,
    skipped text NOT NULL,
    created_at timestamp(6) with time zone NOT NULL,
    finished_at timestamp(6) with time zone
);
CREATE INDEX IF NOT EXISTS fleet_evacuation_server ON fleet_evacuation USING btree (server_id, created_at);

CREATE TABLE IF NOT EXISTS fleet_move (
    id uuid NOT NULL PRIMARY KEY,
    evacuation_id uuid,
    project_id uuid NOT NULL,
    -- the lab's id while the move runs, null after: one move in flight per lab
    active_project_id uuid CONSTRAINT fleet_move_active_project UNIQUE,
    source_server_id uuid NOT NULL,
    requested_target_id uuid,
    target_server_id uuid,
    include_snapshots boolean NOT NULL,
    state character varying(10) NOT NULL,
    step character varying(16) NOT NULL,
    committed boolean NOT NULL,
    plan text,
    progress text NOT NULL,
    failed_step character varying(16),
    error character varying(2000),
    rollback_error character varying(2000),
    owner character varying(64),
    lease_until timestamp(6) with time zone,
    attempts integer NOT NULL,
    created_at timestamp(6) with time zone NOT NULL,
    updated_at timestamp(6) with time zone NOT NULL,
    finished_at timestamp(6) with time zone,
    version bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS fleet_move_project ON fleet_move USING btree (project_id, created_at);
CREATE INDEX IF NOT EXISTS fleet_move_evacuation ON fleet_move USING btree (evacuation_id);
CREATE INDEX IF NOT EXISTS fleet_move_claim ON fleet_move USING btree (state, lease_until);
