-- The engine's scheduled sends (engine.Queue). A send is pending until it
-- is finished (sent, failed, cancelled). A process claims the earliest due
-- pending send of an account with FOR UPDATE SKIP LOCKED, for a while
-- (claim_expires); token grows on every claim, so a process whose claim
-- expired and was taken again cannot snooze or finish the send.
CREATE TABLE {schema}.queue (
    id            text        PRIMARY KEY,
    account       text        NOT NULL,
    idem_key      bytea       NOT NULL,                     -- Message.IdempotencyKey
    at            timestamptz NOT NULL,                     -- earliest moment it may go
    state         text        NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    token         bigint      NOT NULL DEFAULT 0,           -- of the latest claim
    claim_expires timestamptz,                              -- of the latest claim; NULL or past: unclaimed
    attempts      integer     NOT NULL DEFAULT 0,
    reason        text        NOT NULL DEFAULT '',
    after_id      text        NOT NULL DEFAULT '',          -- the step this one follows
    actor         text        NOT NULL DEFAULT '',
    message       json        NOT NULL,                     -- provider.Message as encoding/json writes it
    meta          json,
    sent          json,                                     -- provider.Sent once sent
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (account, idem_key)
);
-- An account's pending sends in the order they are due: Claim and Pending.
CREATE INDEX queue_due ON {schema}.queue (account, at, id) WHERE state = 'pending';
-- Final sends by age, for PruneQueue.
CREATE INDEX queue_final ON {schema}.queue (updated_at) WHERE state <> 'pending';
