-- The existing entry, locked until the claiming transaction ends.
SELECT state, message_id, provider_id, thread_id, sent_at, updated_at, handed_over
FROM {schema}.send_log
WHERE account = $1 AND key = $2
FOR UPDATE
