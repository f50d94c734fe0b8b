-- Only over the version the writer read: a stale writer changes nothing.
UPDATE {schema}.oauth_token
SET sealed = $3, expiry = $4, version = version + 1, refreshes = refreshes + $5,
    updated_at = coalesce($6::timestamptz, now())
WHERE key = $1 AND version = $2
RETURNING version
