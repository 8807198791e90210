-- Draining a server for maintenance (#20 item 1): placement skips it, its labs keep working until moved.
-- IF NOT EXISTS: a database that Hibernate updated before Flyway came may have them.
ALTER TABLE gns3_server ADD COLUMN IF NOT EXISTS draining boolean DEFAULT false NOT NULL;
ALTER TABLE gns3_server ADD COLUMN IF NOT EXISTS draining_since timestamp(6) with time zone;
ALTER TABLE gns3_server ADD COLUMN IF NOT EXISTS drain_reason character varying(500);
