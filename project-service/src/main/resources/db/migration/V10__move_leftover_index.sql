-- V9's partial index on due leftovers becomes a plain one on (leftover_state, leftover_next_try), as the Move entity
-- declares it (Hibernate cannot declare a partial index, and the tests' schema is the entity's).
DROP INDEX IF EXISTS fleet_move_leftover_due;
CREATE INDEX IF NOT EXISTS fleet_move_leftover_due ON fleet_move USING btree (leftover_state, leftover_next_try);
