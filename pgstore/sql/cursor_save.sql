INSERT INTO {schema}.fetch_cursor (account, cursor, updated_at)
VALUES ($1, $2, coalesce($3::timestamptz, now()))
ON CONFLICT (account) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
