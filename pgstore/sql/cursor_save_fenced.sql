-- Save cursor $2 for account $1 under fence $3, unless a cursor was saved
-- under a greater fence; returns a row only when saved.
INSERT INTO {schema}.fetch_cursor AS c (account, cursor, updated_at, fence)
VALUES ($1, $2, coalesce($4::timestamptz, now()), $3)
ON CONFLICT (account) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at, fence = excluded.fence
WHERE c.fence <= excluded.fence
RETURNING 1
