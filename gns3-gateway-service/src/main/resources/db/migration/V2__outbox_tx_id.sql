-- The outbox relay publishes in commit order (outbox module, #19 item 8): each row records the id of the transaction
-- that wrote it. IF NOT EXISTS: a database that Hibernate updated after that change already has the column.
-- Existing rows get the id of this migration's transaction, older than any transaction to come.
ALTER TABLE outbox_event ADD COLUMN IF NOT EXISTS tx_id bigint DEFAULT (pg_current_xact_id()::text::bigint) NOT NULL;
