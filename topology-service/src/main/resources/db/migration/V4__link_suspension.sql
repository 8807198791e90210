-- Suspended links survive close/open and snapshot restore (#17 item 5): the last explicit suspend or resume of each
-- link through this service's link API (LinkSuspension), which GNS3 2.2 forgets when a lab is closed and opened or
-- a snapshot is restored. IF NOT EXISTS: a database Hibernate updated while the change was on a branch has it.
CREATE TABLE IF NOT EXISTS link_suspension (
    suspended boolean NOT NULL,
    changed_at timestamp(6) with time zone NOT NULL,
    link_id uuid NOT NULL,
    project_id uuid NOT NULL,
    CONSTRAINT link_suspension_pkey PRIMARY KEY (link_id)
);
CREATE INDEX IF NOT EXISTS link_suspension_project ON link_suspension USING btree (project_id);
