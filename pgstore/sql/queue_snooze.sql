-- End claim $2 of send $1, leaving it pending until $3.
UPDATE {schema}.queue
SET at = $3, reason = $4, attempts = attempts + $5::integer, claim_expires = NULL,
    updated_at = coalesce($6::timestamptz, now())
WHERE id = $1 AND token = $2 AND state = 'pending'
