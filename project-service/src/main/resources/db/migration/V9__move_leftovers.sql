-- A failed move whose rollback could not delete the partial copy on its target (the target stopped answering) keeps
-- that copy as a leftover: retried until it is gone, and no move or failover of the lab goes to that server meanwhile.
ALTER TABLE fleet_move ADD COLUMN IF NOT EXISTS leftover_server_id uuid;
ALTER TABLE fleet_move ADD COLUMN IF NOT EXISTS leftover_state character varying(8);
ALTER TABLE fleet_move ADD COLUMN IF NOT EXISTS leftover_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE fleet_move ADD COLUMN IF NOT EXISTS leftover_next_try timestamp(6) with time zone;
ALTER TABLE fleet_move ADD COLUMN IF NOT EXISTS leftover_error character varying(2000);
ALTER TABLE fleet_move ADD COLUMN IF NOT EXISTS leftover_removed_at timestamp(6) with time zone;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fleet_move_leftover_state_check'
                   AND conrelid = 'fleet_move'::regclass) THEN
        ALTER TABLE fleet_move ADD CONSTRAINT fleet_move_leftover_state_check
            CHECK (leftover_state IN ('PENDING', 'REMOVED'));
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS fleet_move_leftover_due ON fleet_move USING btree (leftover_next_try)
    WHERE leftover_state = 'PENDING';
