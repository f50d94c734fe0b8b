-- Events after seq $1, in arrival order, at most $2.
SELECT seq, key, account, kind, at, message_id, provider_id, thread_id, folder, reason, fence, data
FROM {schema}.event
WHERE seq > $1
ORDER BY seq
LIMIT $2
