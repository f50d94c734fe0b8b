INSERT INTO {schema}.sealed_value (key, value, updated_at)
VALUES ($1, $2, coalesce($3::timestamptz, now()))
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
