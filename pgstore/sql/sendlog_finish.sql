-- A delivered entry never changes again. Returns whether the key exists.
WITH upd AS (
    UPDATE {schema}.send_log
    SET state = $3, provider_id = $4, thread_id = $5, sent_at = $6,
        message_id = coalesce($7, message_id), updated_at = coalesce($8::timestamptz, now())
    WHERE account = $1 AND key = $2 AND state <> 3
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM upd)
    OR EXISTS (SELECT 1 FROM {schema}.send_log WHERE account = $1 AND key = $2)
