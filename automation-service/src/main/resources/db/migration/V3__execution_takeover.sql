-- Script executions are taken over when their replica dies (#11): what a node's session needs besides its rendered
-- commands is kept on the execution (the script may have changed since), takeovers are counted (an execution taken
-- over max-takeovers times without ending is interrupted), and a node's record says how often its commands were sent.
-- Executions running from before this migration have no command_timeout_ms: they are interrupted, not resumed.
ALTER TABLE execution ADD COLUMN prompt_regex text;
ALTER TABLE execution ADD COLUMN command_timeout_ms bigint;
ALTER TABLE execution ADD COLUMN assertions text;
ALTER TABLE execution ADD COLUMN takeovers integer DEFAULT 0 NOT NULL;
ALTER TABLE execution_node ADD COLUMN attempts integer DEFAULT 1 NOT NULL;
