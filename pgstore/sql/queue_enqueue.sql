-- Store a new pending send, or return the one already stored under its
-- (account, idempotency key). Under a concurrent insert of the same key the
-- statement may return no row (its snapshot predates the other's commit):
-- the caller runs it again. A new send is announced on the channel
-- inboxkit_queue (payload: schema, a space, the account) when the
-- statement commits, for Queue.Listen.
WITH ins AS (
    INSERT INTO {schema}.queue (id, account, idem_key, at, after_id, actor, message, meta, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()))
    ON CONFLICT (account, idem_key) DO NOTHING
    RETURNING id, account, at, after_id, actor, message, meta, created_at, state, attempts, sent, reason, updated_at, token, claim_expires
)
SELECT id, account, at, after_id, actor, message, meta, created_at, state, attempts, sent, reason, updated_at, token, claim_expires
FROM ins, LATERAL (SELECT pg_notify('inboxkit_queue', $11::text || ' ' || ins.account)) AS announced
UNION ALL
SELECT id, account, at, after_id, actor, message, meta, created_at, state, attempts, sent, reason, updated_at, token, claim_expires FROM {schema}.queue
WHERE account = $2 AND idem_key = $3 AND NOT EXISTS (SELECT 1 FROM ins)
