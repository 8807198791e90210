-- The fleet tables' enum columns get the CHECK constraints Hibernate declares for them (V4 left them out): a state or
-- step outside the entity's enum is refused by the database, as it already is for operation and project. Without
-- them the schema migrated from empty differed from the one the service's tests run on, and SchemaMigrationContract
-- failed for project-service. Guarded: a database that has them (Hibernate created it) is left as it is.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fleet_evacuation_state_check'
                   AND conrelid = 'fleet_evacuation'::regclass) THEN
        ALTER TABLE fleet_evacuation ADD CONSTRAINT fleet_evacuation_state_check
            CHECK (state IN ('RUNNING', 'FINISHED'));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fleet_move_state_check'
                   AND conrelid = 'fleet_move'::regclass) THEN
        ALTER TABLE fleet_move ADD CONSTRAINT fleet_move_state_check
            CHECK (state IN ('PENDING', 'RUNNING', 'MOVED', 'FAILED'));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fleet_move_step_check'
                   AND conrelid = 'fleet_move'::regclass) THEN
        ALTER TABLE fleet_move ADD CONSTRAINT fleet_move_step_check
            CHECK (step IN ('PLAN', 'STOP_SOURCE', 'TRANSFER', 'OPEN_TARGET', 'RESTORE_LINKS', 'VERIFY',
                            'START_TARGET', 'CLOSE_TARGET', 'COMMIT', 'DELETE_SOURCE', 'DONE'));
    END IF;
END $$;
