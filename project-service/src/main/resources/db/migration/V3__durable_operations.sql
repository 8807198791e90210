-- Durable staggered start and stop (#19 item 5): an operation is a job held by one replica under a lease, claimable
-- by any replica once the lease runs out, resumed from its per-node results (one row per node, SENT before the
-- action goes to GNS3). IF NOT EXISTS throughout: a database that Hibernate updated after that change has them.
ALTER TABLE operation ADD COLUMN IF NOT EXISTS priorities text;
ALTER TABLE operation ADD COLUMN IF NOT EXISTS owner character varying(120);
ALTER TABLE operation ADD COLUMN IF NOT EXISTS lease_until timestamp(6) with time zone;
ALTER TABLE operation ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS operation_claim ON operation USING btree (status, lease_until);

ALTER TABLE operation_result ADD COLUMN IF NOT EXISTS ordinal integer NOT NULL DEFAULT 0;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'operation_result_node'
                   AND conrelid = 'operation_result'::regclass) THEN
        ALTER TABLE operation_result ADD CONSTRAINT operation_result_node UNIQUE (operation_id, node_id);
    END IF;
END $$;
