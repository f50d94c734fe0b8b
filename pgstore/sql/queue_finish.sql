-- End claim $2 of send $1 with final state $3.
UPDATE {schema}.queue
SET state = $3, sent = $4, reason = $5, claim_expires = NULL,
    updated_at = coalesce($6::timestamptz, now())
WHERE id = $1 AND token = $2 AND state = 'pending'
