-- V2: one-minute traffic points (TrafficHistory), a table that TrafficHistory created at first use before Flyway;
-- IF NOT EXISTS because a database baselined at V1 from that time may already hold it.
CREATE TABLE IF NOT EXISTS monitoring_traffic_minute (
  project_id uuid NOT NULL,
  object_id uuid NOT NULL,
  minute timestamptz NOT NULL,
  pps double precision NOT NULL,
  bps double precision NOT NULL,
  PRIMARY KEY (project_id, object_id, minute)
);
