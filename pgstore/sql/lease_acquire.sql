-- Claim up to $3 of the accounts in $1 that are free or expired, skipping
-- rows another replica is claiming right now. The fence grows on every new
-- holder.
WITH free AS (
    SELECT account FROM {schema}.lease
    WHERE account = ANY($1::text[]) AND expires_at <= coalesce($5::timestamptz, now())
    ORDER BY account
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE {schema}.lease AS l
SET holder = $2, fence = l.fence + 1,
    expires_at = coalesce($5::timestamptz, now()) + $4::bigint * interval '1 microsecond',
    acquired_at = coalesce($5::timestamptz, now())
FROM free
WHERE l.account = free.account
RETURNING l.account, l.holder, l.fence, l.expires_at
