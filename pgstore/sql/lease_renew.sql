-- One round trip for all of a holder's leases: those still held (not
-- expired) are extended and returned; any other is lost.
UPDATE {schema}.lease
SET expires_at = coalesce($3::timestamptz, now()) + $2::bigint * interval '1 microsecond'
WHERE holder = $1 AND expires_at > coalesce($3::timestamptz, now())
RETURNING account, holder, fence, expires_at
