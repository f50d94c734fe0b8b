-- Cancel send $1 if it is pending and no live claim holds it.
UPDATE {schema}.queue
SET state = 'cancelled', reason = $2, claim_expires = NULL,
    updated_at = coalesce($3::timestamptz, now())
WHERE id = $1 AND state = 'pending' AND (claim_expires IS NULL OR claim_expires <= coalesce($3::timestamptz, now()))
RETURNING id, account, at, after_id, actor, message, meta, created_at, state, attempts, sent, reason, updated_at, token, claim_expires
