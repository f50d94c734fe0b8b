-- The live replicas (lease holders with a fresh heartbeat), by name.
SELECT holder FROM {schema}.replica
WHERE expires_at > coalesce($1::timestamptz, now())
ORDER BY holder
