-- The engine's shapes: an event keeps the fetched message's ids, the
-- reason a message was skipped and the fence of the lease it was found
-- under; a cursor keeps the fence it was saved under, so a replica that
-- lost the mailbox cannot move it; and replicas heartbeat into a table so
-- that each can take its fair share of the mailboxes.
ALTER TABLE {schema}.event
    ADD COLUMN message_id  text   NOT NULL DEFAULT '',
    ADD COLUMN provider_id text   NOT NULL DEFAULT '',
    ADD COLUMN thread_id   text   NOT NULL DEFAULT '',
    ADD COLUMN folder      text   NOT NULL DEFAULT '',
    ADD COLUMN reason      text   NOT NULL DEFAULT '',
    ADD COLUMN fence       bigint NOT NULL DEFAULT 0;

ALTER TABLE {schema}.fetch_cursor
    ADD COLUMN fence       bigint NOT NULL DEFAULT 0;   -- of the lease it was saved under; 0: unfenced

-- One row per replica (lease holder), refreshed by every Acquire and Renew;
-- a replica is live until expires_at.
CREATE TABLE {schema}.replica (
    holder      text        PRIMARY KEY,
    seen_at     timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
