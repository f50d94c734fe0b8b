INSERT INTO {schema}.oauth_token (key, sealed, expiry, version, updated_at)
VALUES ($1, $2, $3, 1, coalesce($4::timestamptz, now()))
ON CONFLICT (key) DO UPDATE
SET sealed = excluded.sealed, expiry = excluded.expiry,
    version = {schema}.oauth_token.version + 1, updated_at = excluded.updated_at
RETURNING version
