-- Events after seq $1, in arrival order, at most $2.
SELECT seq, key, account, kind, at, data FROM {schema}.event
WHERE seq > $1
ORDER BY seq
LIMIT $2
